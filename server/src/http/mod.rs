//! The HTTP layer, the only part of the server that knows HTTP: one module
//! per route group, the extractors they share, the error mapping and the
//! guards, assembled here with the OpenAPI document generated from the
//! same handlers. Nothing outside imports from it but [`app`].

mod admin;
pub(crate) mod answers;
mod clients;
pub(crate) mod codes;
pub(crate) mod cookies;
pub(crate) mod error;
pub(crate) mod extract;
mod guard;
pub(crate) mod login;
mod me;
mod oidc;
mod openapi;
mod ops;
mod pages;
mod replay;
mod setup;
mod users;

use crate::state::AppState;
use answers::router;
use authlevel_core::ErrorCode;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension};
use axum::middleware;
use error::{AppJson, problem_response};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(info(
    title = "authlevel",
    description = "Points-based multi-factor login. Errors are application/problem+json with a stable `code`."
))]
struct ApiDoc;

/// The OpenAPI document of this server.
#[utoipa::path(get, path = "/api/openapi.json", tag = "ops", responses((status = 200, description = "OpenAPI 3.1 document")))]
async fn openapi(Extension(doc): Extension<Arc<OpenApiDoc>>) -> AppJson<OpenApiDoc> {
    AppJson(doc.as_ref().clone())
}

/// The routes and the OpenAPI document generated from them, with the
/// answers every operation shares (`openapi::complete`).
pub fn api() -> (Router<AppState>, OpenApiDoc) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(router![
            login::get_login,
            login::get_session,
            login::logout,
            setup::open,
            setup::status,
            setup::finish,
            me::get_me,
            me::patch_me,
            me::list_sessions,
            me::end_session,
            me::end_other_sessions,
            me::list_browsers,
            me::forget_browser,
            codes::dev_outbox
        ])
        .merge(crate::methods::routes())
        .merge(router![
            admin::list_directories,
            admin::create_directory,
            admin::get_policy,
            admin::put_policy,
            replay::replay,
            replay::replay_users,
            replay::replay_users_csv,
            replay::get_staged,
            replay::put_staged,
            replay::delete_staged,
            replay::promote,
            admin::rename_directory,
            users::list_users,
            users::create_user,
            users::import,
            users::export,
            users::bulk,
            admin::get_user,
            admin::patch_user,
            admin::delete_user,
            admin::new_setup_link,
            admin::unlock,
            admin::end_sessions,
            admin::get_audit,
            clients::list_clients,
            clients::create_client,
            clients::delete_client,
            ops::healthz,
            ops::readyz,
            ops::metrics
        ])
        .merge(oidc::router())
        .merge(router![openapi])
        .split_for_parts();
    openapi::complete(&mut doc);
    (router, doc)
}

/// The whole application: API, pages, guards and headers.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    let csp = axum::http::HeaderValue::from_str(&pages::content_security_policy(
        &state.config.static_dir,
    ))
    .ok();
    // The CSRF guard runs once a route matched, so a method a path does
    // not serve is 405 (the fallback set after it is not guarded), whatever
    // its content type.
    api.route_layer(middleware::from_fn_with_state(state.clone(), guard::csrf))
        .merge(pages::router(&state.config.static_dir))
        .method_not_allowed_fallback(|| async {
            problem_response(ErrorCode::MethodNotAllowed, None, None)
        })
        .layer(Extension(Arc::new(doc)))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            (state.clone(), csp),
            guard::headers,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            problem_response(ErrorCode::Internal, None, None)
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
