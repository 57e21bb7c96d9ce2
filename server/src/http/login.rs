//! `/api/login…`, `/api/session`, `/api/logout`: the login flow over HTTP.

use super::cookies::Cookie;
use super::error::{AppJson, AppQuery};
use crate::config::Config;
use crate::error::ApiResult;
use crate::login::{self, Browser, Outcome};
use crate::session::Authenticated;
use crate::state::AppState;
use crate::{audit, token};
use authlevel_core::AuditKind;
use authlevel_core::api::{LoginState, Problem, SessionInfo};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;

/// `?directory=` of `GET /api/login`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParam {
    /// Directory slug for a login not yet begun; `default` when absent. A
    /// slug no directory has is 404.
    #[param(max_length = 63)]
    pub directory: Option<String>,
}

/// The current login's state; without a login in progress, the state of a
/// fresh login to the directory (its first steps). A step verified on
/// another device (an approval in the app) completes here: the answer is
/// then that of the step, with its cookies.
#[utoipa::path(get, path = "/api/login", tag = "login", params(DirectoryParam),
    responses((status = 200, body = LoginState), (status = 404, body = Problem, description = "No directory has this slug")))]
pub(super) async fn get_login(
    State(app): State<AppState>,
    browser: Browser,
    AppQuery(q): AppQuery<DirectoryParam>,
) -> ApiResult<Response> {
    if let Some(outcome) = crate::methods::collect(&app, &browser).await? {
        return answer(&app.config, Ok(outcome));
    }
    let state = login::current(&app, browser.flow.as_deref(), q.directory.as_deref()).await?;
    Ok(AppJson(state).into_response())
}

/// A login step's route: it reads a `$body`, runs `$step` on the browser's
/// login (`|app, browser, req|` name the state, the [`Browser`] and the
/// body) and answers the login's state with its cookies ([`answer`]).
/// `401` and `409` say what those answers mean for this step. Its
/// operation id is its name.
macro_rules! login_step {
    (
        $(#[doc = $doc:literal])*
        $name:ident = $path:literal, $body:ident,
        401 = $unauthorized:literal, 409 = $conflict:literal,
        |$app:ident, $browser:ident, $req:ident| $step:expr
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(post, path = $path, tag = "login", request_body = $body,
            responses((status = 200, body = LoginState),
                      (status = 401, body = Problem, description = $unauthorized),
                      (status = 409, body = Problem, description = $conflict)))]
        #[tracing::instrument(skip_all)]
        pub(super) async fn $name(
            axum::extract::State($app): axum::extract::State<$crate::state::AppState>,
            $browser: $crate::login::Browser,
            $crate::http::error::AppJson($req): $crate::http::error::AppJson<$body>,
        ) -> $crate::error::ApiResult<axum::response::Response> {
            $crate::http::login::answer(&$app.config, $step.await)
        }
    };
}
pub(crate) use login_step;

/// A step's outcome as the response with its cookies: a new flow's cookie,
/// or once complete the session cookie, the flow cookie removed.
pub fn answer(c: &Config, outcome: ApiResult<Outcome>) -> ApiResult<Response> {
    Ok(match outcome? {
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
            known_browser,
        } => {
            let cookies = [
                Cookie::Session.set(c, &session_token, c.session_absolute_timeout_s),
                Cookie::Flow.clear(c),
                Cookie::KnownBrowser.set(c, &known_browser, c.known_browser_s()),
            ];
            (AppendHeaders(cookies), AppJson(state)).into_response()
        }
    })
}

/// The session of the cookie.
#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem)))]
pub(super) async fn get_session(auth: Authenticated) -> ApiResult<AppJson<SessionInfo>> {
    let (level_now, level_drops_at) = auth.level_now()?;
    Ok(AppJson(SessionInfo {
        level_now,
        level_drops_at,
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
#[utoipa::path(post, path = "/api/logout", tag = "session", operation_id = "logout",
    responses((status = 204, description = "Logged out (also without a session)")))]
pub(super) async fn logout(State(app): State<AppState>, browser: Browser) -> ApiResult<Response> {
    let c = &app.config;
    if let Some(t) = &browser.session {
        let id = token::hash(t);
        if let Some(s) = app
            .store
            .session(&id, crate::clock::now(), i64::MAX / 4)
            .await?
        {
            audit::event(AuditKind::Logout, true)
                .user(Some(&s.user_id))
                .ip(browser.ip())
                .record(&app)
                .await;
        }
        app.store.delete_session(&id).await?;
    }
    if let Some(t) = &browser.flow {
        app.store.delete_flow(&token::hash(t)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([Cookie::Session.clear(c), Cookie::Flow.clear(c)]),
    )
        .into_response())
}
