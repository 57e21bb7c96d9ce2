//! The browser app: Trunk's `dist/` folder. Three bundles keep the login
//! page light: `dist/index.html` is the login page alone (served at `/` and
//! for unknown paths, which it answers with "not found"),
//! `dist/console/index.html` holds every other page (home, setup link,
//! profile, administration), served at their paths, and `dist/app/` is the
//! approval app (`/app/`, with its web app manifest and service worker).
//! The CSP allows exactly the inline loader scripts of the three.
//!
//! Development serves the folder `static_dir` from disk. A build with the
//! `embed-ui` feature carries a copy of `dist/` made at compile time and
//! serves only that (`static_dir` is then ignored), so the binary is all a
//! deployment needs.

use super::error::problem_response;
use authlevel_core::ErrorCode;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{Method, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::any;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>authlevel</title>\
<p>The login page has not been built. Run <code>scripts/build-frontend</code>, or start the service \
with the README's run command.</p></html>";

/// The folder of the console bundle inside the static folder.
const CONSOLE: &str = "console";

/// The folder of the approval app's bundle inside the static folder.
const APP: &str = "app";

/// The paths the console bundle routes (see `frontend/src/app.rs`).
const CONSOLE_PAGES: [&str; 4] = ["/home", "/setup", "/profile", "/admin"];

/// The console's deep links (`/admin/directories/{id}/users`, …) are its
/// page too.
const CONSOLE_TREE: &str = "/admin/";

/// Whether the console bundle answers `path`.
fn is_console_page(path: &str) -> bool {
    CONSOLE_PAGES.contains(&path) || path.starts_with(CONSOLE_TREE)
}

/// A file of the built app by its path inside `dist/` (`console/index.html`).
type Lookup = fn(&str) -> Option<&'static [u8]>;

/// `dist/` as it was when this binary was compiled.
#[cfg(feature = "embed-ui")]
static DIST: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/../dist");

/// The pages built into the binary, when it was built with `embed-ui`.
#[cfg(feature = "embed-ui")]
const EMBEDDED: Option<Lookup> = Some(|path| DIST.get_file(path).map(include_dir::File::contents));

/// The pages built into the binary, when it was built with `embed-ui`.
#[cfg(not(feature = "embed-ui"))]
const EMBEDDED: Option<Lookup> = None;

/// The `index.html` of the login page, the console and the approval app,
/// from the binary or from `static_dir`; empty when missing.
fn index_pages(static_dir: &Path) -> [String; 3] {
    let pages = [
        "index.html".to_owned(),
        format!("{CONSOLE}/index.html"),
        format!("{APP}/index.html"),
    ];
    match EMBEDDED {
        Some(lookup) => {
            pages.map(|p| String::from_utf8_lossy(lookup(&p).unwrap_or_default()).into_owned())
        }
        None => pages.map(|p| std::fs::read_to_string(static_dir.join(p)).unwrap_or_default()),
    }
}

/// The CSP for the pages (embedded, else from `static_dir`): scripts only
/// from this origin plus the hashes of the inline scripts in the three
/// `index.html`; workers (the app's service worker) from this origin.
pub fn content_security_policy(static_dir: &Path) -> String {
    let pages = index_pages(static_dir);
    let hashes: Vec<String> = pages
        .iter()
        .flat_map(|page| inline_scripts(page))
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{}{}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        if hashes.is_empty() { "" } else { " " },
        hashes.join(" ")
    )
}

/// The bodies of `<script>` elements without a `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    out
}

/// Static files with the SPA fallback, and 404 problems for unknown API paths.
pub fn router<S: Clone + Send + Sync + 'static>(static_dir: &Path) -> Router<S> {
    let api_404 = Router::new().route(
        "/api/{*rest}",
        any(|| async {
            problem_response(
                ErrorCode::NotFound,
                Some(crate::text::no_such_route(crate::lang::current())),
                None,
            )
        }),
    );
    if let Some(lookup) = EMBEDDED {
        tracing::info!("serving the pages built into this binary (static_dir is not used)");
        return api_404.fallback(move |method: Method, uri: Uri| async move {
            embedded_page(lookup, &method, uri.path())
        });
    }
    let index = static_dir.join("index.html");
    let console = static_dir.join(CONSOLE).join("index.html");
    if index.is_file() {
        let mut pages = api_404;
        if console.is_file() {
            for path in CONSOLE_PAGES {
                pages = pages.route_service(path, ServeFile::new(&console));
            }
            pages = pages.route_service("/admin/{*deep}", ServeFile::new(&console));
        }
        pages.fallback_service(ServeDir::new(static_dir).fallback(ServeFile::new(index)))
    } else {
        api_404.fallback(|| async { not_built() })
    }
}

/// Answers `path` from the files `lookup` finds, as the folder on disk is
/// answered: a file by its path, a folder by its `index.html`, the console
/// pages by the console's, anything else by the login page.
fn embedded_page(lookup: Lookup, method: &Method, path: &str) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return problem_response(ErrorCode::MethodNotAllowed, None, None);
    }
    let console_index = format!("{CONSOLE}/index.html");
    let rel = path.trim_start_matches('/');
    let candidates = if is_console_page(path) {
        vec![console_index]
    } else if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_owned(), format!("{rel}/index.html")]
    };
    let found = candidates
        .iter()
        .find_map(|p| lookup(p).map(|body| (p.as_str(), body)));
    match found.or_else(|| lookup("index.html").map(|body| ("index.html", body))) {
        Some((name, body)) => (
            [
                (CONTENT_TYPE, content_type(name)),
                (CACHE_CONTROL, cache_control(name)),
            ],
            body,
        )
            .into_response(),
        None => not_built(),
    }
}

/// The media type of a built file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Trunk names what a page loads after a hash of its content
/// (`style-81cc88650c5a8163.css`, `snippets/<crate>-<hash>/…`), so those
/// files never change under their name and may be kept a year; the pages
/// themselves are checked on every load, so an upgrade is seen at once.
fn cache_control(name: &str) -> &'static str {
    let hashed = name
        .split(['/', '-', '_', '.'])
        .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed && !name.ends_with(".html") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn not_built() -> Response {
    Html(NOT_BUILT).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The login page's bundle at `/` and unknown paths, the console's at
    /// its pages; the CSP allows the loader scripts of both and no other.
    #[tokio::test]
    #[cfg_attr(feature = "embed-ui", ignore = "this build serves its embedded pages")]
    async fn each_path_gets_its_bundle_and_the_csp_allows_both_loaders() {
        use http_body_util::BodyExt as _;
        use tower::ServiceExt as _;
        let dir = std::env::temp_dir().join(format!("authlevel-pages-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(CONSOLE)).unwrap();
        std::fs::create_dir_all(dir.join(APP)).unwrap();
        std::fs::write(dir.join("index.html"), "<script>login()</script>").unwrap();
        std::fs::write(
            dir.join(CONSOLE).join("index.html"),
            "<script>console()</script>",
        )
        .unwrap();
        std::fs::write(dir.join(APP).join("index.html"), "<script>phone()</script>").unwrap();
        std::fs::write(dir.join(APP).join("sw.js"), "self.onpush = null;").unwrap();
        let csp = content_security_policy(&dir);
        let hash = |s: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
        };
        assert!(csp.contains(&hash("login()")), "{csp}");
        assert!(csp.contains(&hash("console()")), "{csp}");
        assert!(csp.contains(&hash("phone()")), "{csp}");
        assert!(csp.contains("worker-src 'self'"), "{csp}");
        assert!(!csp.contains(&hash("other()")));
        let app: Router = router(&dir);
        for (path, body) in [
            ("/", "login()"),
            ("/nothing-here", "login()"),
            ("/admin", "console()"),
            ("/profile", "console()"),
            ("/home", "console()"),
            ("/setup", "console()"),
            ("/admin/directories/d1/users", "console()"),
            ("/app/", "phone()"),
            ("/app/sw.js", "self.onpush"),
        ] {
            let req = axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            assert!(
                String::from_utf8_lossy(&bytes).contains(body),
                "{path} should serve the bundle with {body}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A built app of four files, as `include_dir` would carry it.
    fn fake_dist(path: &str) -> Option<&'static [u8]> {
        match path {
            "index.html" => Some(b"<script>login()</script>"),
            "console/index.html" => Some(b"<script>console()</script>"),
            "app-0123456789abcdef_bg.wasm" => Some(b"\0asm"),
            "console/app-fedcba9876543210.js" => Some(b"export {}"),
            "app/index.html" => Some(b"<script>phone()</script>"),
            _ => None,
        }
    }

    /// The embedded pages answer each path as the folder on disk does, with
    /// a media type browsers accept for each kind of file.
    #[tokio::test]
    async fn embedded_pages_answer_like_the_folder() {
        use http_body_util::BodyExt as _;
        for (path, body, kind, cache) in [
            ("/", "login()", "text/html; charset=utf-8", "no-cache"),
            (
                "/nothing-here",
                "login()",
                "text/html; charset=utf-8",
                "no-cache",
            ),
            (
                "/admin",
                "console()",
                "text/html; charset=utf-8",
                "no-cache",
            ),
            (
                "/setup",
                "console()",
                "text/html; charset=utf-8",
                "no-cache",
            ),
            (
                "/admin/directories/d1/authentication",
                "console()",
                "text/html; charset=utf-8",
                "no-cache",
            ),
            (
                "/console/",
                "console()",
                "text/html; charset=utf-8",
                "no-cache",
            ),
            (
                "/app-0123456789abcdef_bg.wasm",
                "\0asm",
                "application/wasm",
                "public, max-age=31536000, immutable",
            ),
            (
                "/console/app-fedcba9876543210.js",
                "export {}",
                "text/javascript; charset=utf-8",
                "public, max-age=31536000, immutable",
            ),
            ("/app/", "phone()", "text/html; charset=utf-8", "no-cache"),
            ("/app", "phone()", "text/html; charset=utf-8", "no-cache"),
        ] {
            let res = embedded_page(fake_dist, &Method::GET, path);
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(res.headers()[CONTENT_TYPE], kind, "{path}");
            assert_eq!(res.headers()[CACHE_CONTROL], cache, "{path}");
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            assert!(String::from_utf8_lossy(&bytes).contains(body), "{path}");
        }
        let res = embedded_page(fake_dist, &Method::POST, "/");
        assert_eq!(res.status(), 405);
        let res = embedded_page(|_| None, &Method::GET, "/");
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&bytes).contains("has not been built"));
    }

    #[test]
    fn only_hashed_assets_are_kept_long() {
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(cache_control("favicon.ico"), "no-cache");
        assert_eq!(
            cache_control("snippets/webauthn-0123456789abcdef/inline0.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("style-81cc88650c5a8163.css"),
            "public, max-age=31536000, immutable"
        );
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<html><script src="/a.js"></script><script type="module">import x from "/x.js";</script></html>"#;
        assert_eq!(inline_scripts(html), vec![r#"import x from "/x.js";"#]);
    }
}
