//! Setup links: a one-time link lets its holder set a password and enrol
//! methods for one account until they can reach their directory's level.
//! It never logs anyone in: afterwards they log in normally.

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{SetupLinkUse, UserRow, UserToken};
use crate::token;
use authlevel_core::api::{SetupLink, SetupResponse};
use authlevel_core::{AuditKind, ErrorCode, LoginStatus, MethodSet, evaluate};

/// Issues a setup link for `user`, superseding earlier unused ones.
pub async fn issue_link(app: &AppState, user_id: &str) -> ApiResult<SetupLink> {
    let t = now();
    app.store.revoke_setup_links(user_id, t).await?;
    // Whoever opened an earlier link keeps nothing of it (SECURITY 35).
    app.store.end_enrolments(user_id).await?;
    let secret = token::new_token();
    let expires_at = t + app.config.setup_link_ttl_s;
    app.store
        .insert_user_token(
            UserToken::SetupLink,
            &token::hash(&secret),
            user_id,
            t,
            expires_at,
        )
        .await?;
    Ok(SetupLink {
        url: format!("{}/setup#token={secret}", app.config.public_url),
        expires_at,
    })
}

/// What the setup page shows of `user`: who, which directory and policy,
/// what is enrolled, whether that can reach the level, and the other
/// account the browser's session (`session_token`) is logged in as.
pub async fn state_of(
    app: &AppState,
    user: &UserRow,
    session_token: Option<&str>,
) -> ApiResult<SetupResponse> {
    let logged_in_as = crate::session::load(app, session_token)
        .await?
        .filter(|a| a.user.id != user.id)
        .map(|a| a.user.username);
    let dir = crate::login::directory_of(app, user).await?;
    let enrolled = user.enrolled();
    Ok(SetupResponse {
        username: user.username.clone(),
        directory: dir.slug,
        policy: dir.policy,
        enrolled,
        can_reach: evaluate(&dir.policy, MethodSet::EMPTY, enrolled).status != LoginStatus::Blocked,
        logged_in_as,
    })
}

/// Uses a setup link's token: the link is spent, and an enrolment opens for
/// its user. Answers the user and the enrolment's token.
pub async fn open(
    app: &AppState,
    link_token: &str,
    ip: Option<&str>,
) -> ApiResult<(UserRow, String)> {
    let t = now();
    let link_token = link_token.trim();
    let used = if link_token.is_empty() || link_token.len() > 128 {
        SetupLinkUse::Invalid
    } else {
        app.store
            .use_setup_link(&token::hash(link_token), t)
            .await?
    };
    let SetupLinkUse::Used(user_id) = used else {
        audit::event(AuditKind::SetupOpen, false)
            .ip(ip)
            .detail("unknown, used or expired link")
            .record(app)
            .await;
        return Err(ApiError::text(
            ErrorCode::SetupLinkInvalid,
            crate::text::setup_link_spent,
        ));
    };
    let user = app
        .store
        .user(&user_id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| {
            ApiError::text(ErrorCode::SetupLinkInvalid, crate::text::account_inactive)
        })?;
    let enrolment = token::new_token();
    app.store
        .insert_user_token(
            UserToken::Enrolment,
            &token::hash(&enrolment),
            &user.id,
            t,
            t + app.config.enrolment_ttl_s,
        )
        .await?;
    audit::event(AuditKind::SetupOpen, true)
        .on_user(&user)
        .ip(ip)
        .record(app)
        .await;
    Ok((user, enrolment))
}

/// Ends the enrolment of `enrolment_token`, and with it every enrolment of
/// its user (SECURITY 35); the tokens applications hold for the account
/// are revoked, as after a new password (SECURITY 33).
pub async fn finish(app: &AppState, enrolment_token: &str) -> ApiResult<()> {
    let id = token::hash(enrolment_token);
    match app.store.enrolment_user(&id, now()).await? {
        Some(user_id) => {
            app.store.end_enrolments(&user_id).await?;
            app.store.revoke_user_tokens(&user_id, now()).await?;
        }
        None => app.store.delete_enrolment(&id).await?,
    }
    Ok(())
}
