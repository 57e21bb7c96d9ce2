//! The login page: Trunk's `dist/` folder, with `index.html` for every path
//! the browser app routes itself, and the CSP that allows exactly its
//! inline loader script.

use crate::error::problem_response;
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

/// The CSP for pages served from `static_dir`: scripts only from this
/// origin plus the hashes of the inline scripts in its `index.html`.
pub fn content_security_policy(static_dir: &Path) -> String {
    let index = std::fs::read_to_string(static_dir.join("index.html")).unwrap_or_default();
    let hashes: Vec<String> = inline_scripts(&index)
        .into_iter()
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
    if index.is_file() {
        api_404.fallback_service(ServeDir::new(static_dir).fallback(ServeFile::new(index)))
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

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<html><script src="/a.js"></script><script type="module">import x from "/x.js";</script></html>"#;
        assert_eq!(inline_scripts(html), vec![r#"import x from "/x.js";"#]);
    }
}
