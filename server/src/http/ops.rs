//! `/healthz`, `/readyz`, `/metrics`: for the people who run the service.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use authlevel_core::ErrorCode;
use authlevel_core::api::Problem;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "ops", operation_id = "healthz",
    responses((status = 200, body = String, content_type = "text/plain")))]
pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "ops", operation_id = "readyz",
    responses((status = 200, body = String, content_type = "text/plain"),
              (status = 503, body = Problem, description = "`unavailable`: the database does not answer")))]
pub(super) async fn readyz(State(app): State<AppState>) -> ApiResult<&'static str> {
    if app.store.ping().await {
        Ok("ready")
    } else {
        Err(ApiError::text(
            ErrorCode::Unavailable,
            crate::text::database_silent,
        ))
    }
}

/// Counters in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "ops", operation_id = "metrics",
    responses((status = 200, body = String, content_type = "text/plain; version=0.0.4")))]
pub(super) async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(app.store.group_commit_counts()),
    )
}
