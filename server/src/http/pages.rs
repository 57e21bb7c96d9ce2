//! The browser app: Trunk's `dist/` folder. Two bundles keep the login page
//! light: `dist/index.html` is the login page alone (served at `/` and for
//! unknown paths, which it answers with "not found"), and
//! `dist/console/index.html` holds every other page (home, setup link,
//! profile, administration), served at their paths. The CSP allows exactly
//! the inline loader scripts of both.

use super::error::problem_response;
use authlevel_core::ErrorCode;
use axum::Router;
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

/// The paths the console bundle routes (see `frontend/src/app.rs`).
const CONSOLE_PAGES: [&str; 4] = ["/home", "/setup", "/profile", "/admin"];

/// The CSP for pages served from `static_dir`: scripts only from this
/// origin plus the hashes of the inline scripts in its `index.html`.
pub fn content_security_policy(static_dir: &Path) -> String {
    let pages: Vec<String> = [
        static_dir.join("index.html"),
        static_dir.join(CONSOLE).join("index.html"),
    ]
    .iter()
    .map(|p| std::fs::read_to_string(p).unwrap_or_default())
    .collect();
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
         connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; \
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
                Some("There is no such API route.".into()),
                None,
            )
        }),
    );
    let index = static_dir.join("index.html");
    let console = static_dir.join(CONSOLE).join("index.html");
    if index.is_file() {
        let mut pages = api_404;
        if console.is_file() {
            for path in CONSOLE_PAGES {
                pages = pages.route_service(path, ServeFile::new(&console));
            }
        }
        pages.fallback_service(ServeDir::new(static_dir).fallback(ServeFile::new(index)))
    } else {
        api_404.fallback(|| async { not_built() })
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
    async fn each_path_gets_its_bundle_and_the_csp_allows_both_loaders() {
        use http_body_util::BodyExt as _;
        use tower::ServiceExt as _;
        let dir = std::env::temp_dir().join(format!("authlevel-pages-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(CONSOLE)).unwrap();
        std::fs::write(dir.join("index.html"), "<script>login()</script>").unwrap();
        std::fs::write(
            dir.join(CONSOLE).join("index.html"),
            "<script>console()</script>",
        )
        .unwrap();
        let csp = content_security_policy(&dir);
        let hash = |s: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
        };
        assert!(csp.contains(&hash("login()")), "{csp}");
        assert!(csp.contains(&hash("console()")), "{csp}");
        assert!(!csp.contains(&hash("other()")));
        let app: Router = router(&dir);
        for (path, body) in [
            ("/", "login()"),
            ("/nothing-here", "login()"),
            ("/admin", "console()"),
            ("/profile", "console()"),
            ("/home", "console()"),
            ("/setup", "console()"),
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

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<html><script src="/a.js"></script><script type="module">import x from "/x.js";</script></html>"#;
        assert_eq!(inline_scripts(html), vec![r#"import x from "/x.js";"#]);
    }
}
