//! `/api/login…`, `/api/session`, `/api/logout`: the login flow over HTTP.

use crate::error::{ApiResult, AppJson};
use crate::login::{self, Outcome};
use crate::session::{Authenticated, ClientIp, Cookie};
use crate::state::AppState;
use crate::token;
use authlevel_core::api::{LoginState, PasswordLoginRequest, Problem, SessionInfo};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_login))
        .routes(routes!(password))
        .routes(routes!(get_session))
        .routes(routes!(logout))
}

/// `?directory=` of `GET /api/login`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DirectoryParam {
    /// Directory slug for a login not yet begun; `default` when absent.
    pub directory: Option<String>,
}

/// The current login's state; without a login in progress, the state of a
/// fresh login to the directory (its first steps).
#[utoipa::path(get, path = "/api/login", tag = "login", params(DirectoryParam),
    responses((status = 200, body = LoginState), (status = 404, body = Problem)))]
async fn get_login(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DirectoryParam>,
) -> ApiResult<AppJson<LoginState>> {
    let flow = Cookie::Flow.read(&app.config, &headers);
    Ok(AppJson(
        login::current(&app, flow.as_deref(), q.directory.as_deref()).await?,
    ))
}

/// The password step. Answers the login's state; when the level is reached,
/// the session cookie is set and the flow cookie removed.
#[utoipa::path(post, path = "/api/login/password", tag = "login", request_body = PasswordLoginRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn password(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(req): AppJson<PasswordLoginRequest>,
) -> ApiResult<Response> {
    let flow = Cookie::Flow.read(&app.config, &headers);
    let outcome = login::password_step(&app, flow.as_deref(), &req, ip.as_deref()).await?;
    Ok(answer(&app, &headers, outcome).await)
}

/// Turns a step's outcome into the response with its cookies.
pub async fn answer(app: &AppState, headers: &HeaderMap, outcome: Outcome) -> Response {
    let c = &app.config;
    match outcome {
        Outcome::Continue {
            state,
            new_flow_token,
        } => {
            let cookies: Vec<_> = new_flow_token
                .map(|t| Cookie::Flow.set(c, &t, c.login_flow_timeout_s))
                .into_iter()
                .collect();
            (AppendHeaders(cookies), AppJson(state)).into_response()
        }
        Outcome::Complete {
            state,
            session_token,
        } => {
            // A session the browser held before (perhaps planted) ends now.
            if let Some(old) = Cookie::Session.read(c, headers) {
                let _ = app.store.delete_session(&token::hash(&old)).await;
            }
            let cookies = [
                Cookie::Session.set(c, &session_token, c.session_absolute_timeout_s),
                Cookie::Flow.clear(c),
            ];
            (AppendHeaders(cookies), AppJson(state)).into_response()
        }
    }
}

/// The session of the cookie.
#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem)))]
async fn get_session(auth: Authenticated) -> ApiResult<AppJson<SessionInfo>> {
    Ok(AppJson(SessionInfo {
        user_id: auth.user.id.clone(),
        username: auth.user.username.clone(),
        directory: auth.directory_slug.clone(),
        role: auth.user.role,
        level: auth.session.level,
        methods: auth.session.methods,
        authenticated_at: auth.session.authenticated_at,
        expires_at: auth.session.expires_at,
    }))
}

/// Ends the session on the server and removes the cookies.
#[utoipa::path(post, path = "/api/logout", tag = "session", responses((status = 204)))]
async fn logout(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let c = &app.config;
    if let Some(t) = Cookie::Session.read(c, &headers) {
        let id = token::hash(&t);
        if let Some(s) = app.store.session(&id, token::now(), i64::MAX / 4).await? {
            crate::audit::event("logout", true)
                .user(Some(&s.user_id))
                .ip(ip.as_deref())
                .record(&app)
                .await;
        }
        app.store.delete_session(&id).await?;
    }
    if let Some(t) = Cookie::Flow.read(c, &headers) {
        app.store.delete_flow(&token::hash(&t)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([Cookie::Session.clear(c), Cookie::Flow.clear(c)]),
    )
        .into_response())
}
