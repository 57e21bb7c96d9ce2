//! `/api/me…`: the own profile and password. The enrolment routes accept a
//! setup link's enrolment cookie as well as a session.

use super::error::AppJson;
use super::extract::{ClientIp, FreshForSome, PathId, RateLimited};
use crate::audit;
use crate::clock::now;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::login::{Browser, known};
use crate::profile;
use crate::session::Authenticated;
use crate::state::AppState;
use crate::store::Own;
use authlevel_core::api::{KnownBrowser, Me, MethodTime, Problem, SessionSummary, UpdateMeRequest};
use authlevel_core::{AuditKind, ErrorCode, Lang};
use axum::extract::State;
use axum::http::StatusCode;

/// The own profile.
#[utoipa::path(get, path = "/api/me", tag = "me", operation_id = "get_me",
    responses((status = 200, body = Me)))]
pub(super) async fn get_me(
    State(app): State<AppState>,
    auth: Authenticated,
) -> ApiResult<AppJson<Me>> {
    Ok(AppJson(profile::me(&app, &auth.user).await?))
}

/// Changes the display name, or sets a new email address or mobile number,
/// which stays pending until the code sent to it (right away) is confirmed
/// at `/api/me/{phone|email}/verify`. A new phone or email needs a recent login.
#[utoipa::path(patch, path = "/api/me", tag = "me", operation_id = "patch_me",
    request_body = UpdateMeRequest,
    responses((status = 200, body = Me),
              (status = 400, body = Problem, description = "`invalid_input`: a display name, email address or mobile number this service does not take (a number outside the numbering plan, a country SMS may not go to)"),
              (status = 502, body = Problem, description = "`delivery_failed`: the code to the new number or address could not be sent")))]
pub(super) async fn patch_me(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    FreshForSome(who): FreshForSome,
    _: RateLimited,
    AppJson(req): AppJson<UpdateMeRequest>,
) -> ApiResult<AppJson<Me>> {
    if req.email.is_some() || req.phone.is_some() {
        who.require_fresh(&app).await?;
    }
    let updated = profile::update(&app, who.user(), &req, ip.as_deref()).await?;
    Ok(AppJson(profile::me(&app, &updated).await?))
}

/// The own live sessions, most recently used first, the current one marked.
#[utoipa::path(get, path = "/api/me/sessions", tag = "me", operation_id = "list_sessions",
    responses((status = 200, body = Vec<SessionSummary>)))]
pub(super) async fn list_sessions(
    State(app): State<AppState>,
    auth: Authenticated,
) -> ApiResult<AppJson<Vec<SessionSummary>>> {
    let rows = app
        .store
        .user_sessions(&auth.user.id, now(), app.config.session_idle_timeout_s)
        .await?;
    let policy = auth.policy()?;
    Ok(AppJson(
        rows.into_iter()
            .map(|s| {
                let (level_now, level_drops_at) = crate::session::level_now(&s, &policy);
                SessionSummary {
                    level_now,
                    level_drops_at,
                    current: s.id == auth.session.id,
                    id: s.public_id,
                    created_at: s.created_at,
                    last_used_at: s.last_seen_at,
                    ip: s.ip,
                    user_agent: s.user_agent,
                    methods: s
                        .times
                        .iter()
                        .map(|(method, verified_at)| MethodTime {
                            method,
                            verified_at,
                        })
                        .collect(),
                }
            })
            .collect(),
    ))
}

/// Ends one of the own sessions, on every instance.
#[utoipa::path(delete, path = "/api/me/sessions/{id}", tag = "me", operation_id = "end_session",
    params(("id" = String, Path, description = "The session's id from the list")),
    responses((status = 204, description = "Ended"), (status = 404, body = Problem, description = "No such session of this user")))]
pub(super) async fn end_session(
    State(app): State<AppState>,
    auth: Authenticated,
    browser: Browser,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    end_own(&app, &auth, &browser, Own::Session, &id).await
}

/// Ends every own session but the current one, on every instance.
#[utoipa::path(post, path = "/api/me/sessions/end-others", tag = "me", operation_id = "end_other_sessions",
    responses((status = 204, description = "Ended")))]
pub(super) async fn end_other_sessions(
    State(app): State<AppState>,
    auth: Authenticated,
    browser: Browser,
) -> ApiResult<StatusCode> {
    let n = app
        .store
        .delete_other_sessions(&auth.user.id, &auth.session.id)
        .await?;
    audit::event(AuditKind::SessionEnd, true)
        .on_user(&auth.user)
        .ip(browser.ip())
        .detail(format!("{n} other sessions"))
        .record(&app)
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// The browsers known to the own account: each completed a login for it,
/// and its password steps are counted on their own, so guesses from
/// elsewhere cannot lock the user out of it. Most recently used first,
/// the asking browser marked; void and forgotten ones are not listed.
#[utoipa::path(get, path = "/api/me/browsers", tag = "me", operation_id = "list_known_browsers",
    responses((status = 200, body = Vec<KnownBrowser>)))]
pub(super) async fn list_browsers(
    State(app): State<AppState>,
    auth: Authenticated,
    browser: Browser,
) -> ApiResult<AppJson<Vec<KnownBrowser>>> {
    let c = &app.config;
    let current = known::current_row(&app, browser.known.as_deref(), &auth.user.id);
    let rows = app
        .store
        .known_browsers(
            &auth.user.id,
            now() - c.known_browser_s(),
            c.known_browser_failure_limit,
            current.as_deref(),
        )
        .await?;
    Ok(AppJson(rows))
}

/// Forgets one of the own known browsers, on every instance: its next
/// password step is held by the lockout like any new browser's.
#[utoipa::path(delete, path = "/api/me/browsers/{id}", tag = "me", operation_id = "forget_known_browser",
    params(("id" = String, Path, description = "The browser's id from the list")),
    responses((status = 204, description = "Forgotten"), (status = 404, body = Problem, description = "No such browser of this user")))]
pub(super) async fn forget_browser(
    State(app): State<AppState>,
    auth: Authenticated,
    browser: Browser,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    end_own(&app, &auth, &browser, Own::KnownBrowser, &id).await
}

/// Ends (or forgets) one of the own sessions or browsers by its public id:
/// 404 when there is none, else audited and 204.
async fn end_own(
    app: &AppState,
    auth: &Authenticated,
    browser: &Browser,
    kind: Own,
    id: &str,
) -> ApiResult<StatusCode> {
    let (missing, detail): (fn(Lang) -> String, _) = match kind {
        Own::Session => (crate::text::no_such_session, "one session"),
        Own::KnownBrowser => (crate::text::no_such_browser, "a known browser forgotten"),
    };
    if !app.store.delete_own(kind, &auth.user.id, id).await? {
        return Err(ApiError::text(ErrorCode::NotFound, missing));
    }
    audit::event(AuditKind::SessionEnd, true)
        .on_user(&auth.user)
        .ip(browser.ip())
        .detail(detail)
        .record(app)
        .await;
    Ok(StatusCode::NO_CONTENT)
}
