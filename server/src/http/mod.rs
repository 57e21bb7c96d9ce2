//! The HTTP layer, the only part of the server that knows HTTP: one module
//! per route group, the extractors they share, the error mapping and the
//! guards, assembled here with the OpenAPI document generated from the
//! same handlers. Nothing outside imports from it but [`app`].

mod admin;
mod clients;
mod codes;
mod cookies;
mod error;
mod extract;
mod guard;
mod login;
mod me;
mod oidc;
mod openapi;
mod ops;
mod pages;
mod passkeys;
mod recovery;
mod setup;
mod totp;
mod users;

use crate::state::AppState;
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
use utoipa_axum::routes;

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
        .routes(routes!(login::get_login))
        .routes(routes!(login::password_login))
        .routes(routes!(login::get_session))
        .routes(routes!(login::logout))
        .routes(routes!(setup::open, setup::status))
        .routes(routes!(setup::finish))
        .routes(routes!(me::get_me, me::patch_me))
        .routes(routes!(me::change_password))
        .routes(routes!(me::list_sessions))
        .routes(routes!(me::end_session))
        .routes(routes!(me::end_other_sessions))
        .routes(routes!(me::list_browsers))
        .routes(routes!(me::forget_browser))
        .routes(routes!(totp::setup))
        .routes(routes!(totp::confirm))
        .routes(routes!(totp::remove))
        .routes(routes!(totp::totp_verify))
        .routes(routes!(codes::sms_send))
        .routes(routes!(codes::email_send))
        .routes(routes!(codes::sms_verify))
        .routes(routes!(codes::email_verify))
        .routes(routes!(codes::phone_confirm))
        .routes(routes!(codes::email_confirm))
        .routes(routes!(codes::dev_outbox))
        .routes(routes!(passkeys::login_start))
        .routes(routes!(passkeys::login_finish))
        .routes(routes!(passkeys::list))
        .routes(routes!(passkeys::register_start))
        .routes(routes!(passkeys::register_finish))
        .routes(routes!(passkeys::rename, passkeys::remove))
        .routes(routes!(recovery::status, recovery::generate))
        .routes(routes!(recovery::recovery_verify))
        .routes(routes!(recovery::revoke))
        .routes(routes!(admin::list_directories, admin::create_directory))
        .routes(routes!(admin::get_policy, admin::put_policy))
        .routes(routes!(admin::rename_directory))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::import))
        .routes(routes!(users::export))
        .routes(routes!(users::bulk))
        .routes(routes!(
            admin::get_user,
            admin::patch_user,
            admin::delete_user
        ))
        .routes(routes!(admin::new_setup_link))
        .routes(routes!(admin::unlock))
        .routes(routes!(admin::end_sessions))
        .routes(routes!(admin::get_audit))
        .routes(routes!(clients::list_clients, clients::create_client))
        .routes(routes!(clients::delete_client))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
        .merge(oidc::router())
        .routes(routes!(openapi))
        .split_for_parts();
    openapi::complete(&mut doc);
    (router, doc)
}

/// The whole application: API, pages, guards and headers.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    let csp: Arc<str> = pages::content_security_policy(&state.config.static_dir).into();
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
