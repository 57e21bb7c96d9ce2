//! Request guards and response headers: CSRF defence (JSON-only POSTs and an
//! `Origin` check on every state-changing request), security headers with a
//! strict CSP (and HSTS when served over https), and response counting.

use super::error::problem_response;
use crate::state::AppState;
use authlevel_core::ErrorCode;
use authlevel_core::Lang;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, CONTENT_LANGUAGE, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, ORIGIN,
    STRICT_TRANSPORT_SECURITY, VARY,
};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

/// Refuses state-changing requests from another origin, and POSTs to the API
/// that are not JSON, or CSV to the users import (a cross-site HTML form can
/// only send form encodings or `text/plain`, and a JSON or CSV POST from
/// another origin needs a CORS preflight this server never grants).
pub async fn csrf(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        let foreign_origin = req
            .headers()
            .get(ORIGIN)
            .is_some_and(|o| o.as_bytes() != app.config.public_origin().as_bytes());
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        if foreign_origin || cross_site {
            return problem_response(
                ErrorCode::OriginRefused,
                Some(crate::text::other_site(crate::lang::current())),
                None,
            );
        }
        if *req.method() == Method::POST && req.uri().path().starts_with("/api/") {
            // A CSV import is `text/csv`, which is no more a type a form can
            // send than JSON is: another site's script needs a preflight.
            let csv_import = req.uri().path().ends_with("/users/import");
            let accepted = req
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::trim)
                .is_some_and(|t| {
                    t.eq_ignore_ascii_case("application/json")
                        || (csv_import && t.eq_ignore_ascii_case("text/csv"))
                });
            if !accepted {
                return problem_response(
                    ErrorCode::UnsupportedMediaType,
                    Some(crate::text::send_requests_as_json(crate::lang::current())),
                    None,
                );
            }
        }
    }
    next.run(req).await
}

/// `Strict-Transport-Security` when `public_url` is `https://`.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The request's language: the `lang` cookie (set by the pages' language
/// switch), else `Accept-Language`, else English.
fn request_lang(req: &Request) -> Lang {
    let cookie = req
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("lang="));
    let accept = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie, accept)
}

/// Answers the request in its language ([`crate::lang`]), says which
/// (`Content-Language`, and `Vary` on what chose it), adds the security
/// headers (`csp`: the Content-Security-Policy, made a header value once)
/// and counts the response.
pub async fn headers(
    State((app, csp)): State<(AppState, Option<HeaderValue>)>,
    req: Request,
    next: Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = request_lang(&req);
    let mut res = crate::lang::scope(lang, next.run(req)).await;
    app.metrics.response(res.status().as_u16());
    let h = res.headers_mut();
    h.insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.as_str()));
    h.append(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    // A page that needs a narrower or other policy (the logout
    // confirmation, whose form may be redirected to an application) sets
    // its own.
    if !h.contains_key(CONTENT_SECURITY_POLICY)
        && let Some(csp) = csp
    {
        h.insert(CONTENT_SECURITY_POLICY, csp);
    }
    // Served over https (behind a TLS proxy): browsers must not try plain
    // http for a year, on this host or below it.
    if app.config.secure_cookies() {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if api {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    res
}
