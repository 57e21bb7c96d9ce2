//! The password: the login step, which begins a login or adds the password
//! to a login of the same user that began with a passkey, and a new
//! password. The argon2id hashing is [`hashing`].
//!
//! In the step, unknown users, unknown directories, disabled accounts, locked accounts and wrong passwords
//! answer alike, after the same argon2 work and the same reads and writes.

pub mod hashing;
pub mod http;

pub(super) mod words;

use crate::audit;
use crate::contact;
use crate::error::{ApiError, ApiResult};
use crate::limits;
use crate::login::{Browser, Outcome, Prior, advance, directory, failures, known, load_flow};
use crate::notify::{self, What};
use crate::state::AppState;
use authlevel_core::api::PasswordLoginRequest;
use authlevel_core::{AuditKind, ErrorCode, Method};

/// That a user has a password, as SQL on `users`.
pub const ENROLLED: &str = "users.password_hash IS NOT NULL";

/// The password step of the browser's login (or of a new one).
pub async fn step(
    app: &AppState,
    browser: &Browser,
    req: &PasswordLoginRequest,
) -> ApiResult<Outcome> {
    let existing = load_flow(app, browser.flow.as_deref()).await?;
    let dir = match (&req.directory, &existing) {
        (None, Some(f)) => app.store.directory(&f.directory_id).await?,
        (slug, _) => directory(app, slug.as_deref()).await?,
    };
    let username = contact::normalize_username(&req.username).ok();
    let user = match (&dir, &username) {
        (Some(d), Some(u)) => app.store.user_by_username(&d.id, u).await?,
        _ => None,
    };
    // Continue the existing flow only when it is this user's, in this directory.
    let continuing = match (&existing, &user) {
        (Some(f), Some(u)) => {
            f.user_id.as_deref() == Some(u.id.as_str()) && f.directory_id == u.directory_id
        }
        _ => false,
    };
    if dir
        .as_ref()
        .is_some_and(|d| d.policy.points.get(Method::Password) == 0)
    {
        // The directory's own setting, not a fact about the account; the
        // hash keeps the timing alike all the same.
        let _ = app.hasher.verify(&req.password, None).await;
        return Err(ApiError::text(
            ErrorCode::MethodNotOffered,
            words::passwords_off,
        ));
    }
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.as_deref());
    // A browser this user completed a login from is counted on its own
    // (SECURITY 32): neither the per-name limit nor the anonymous lockout,
    // both of which anyone can run up, holds it. The cookie earns nothing.
    let known = user
        .as_ref()
        .and_then(|u| known::secret_for(app, browser.known.as_deref(), &u.id))
        .map(|secret| known::row_id(&secret));
    // The rate limits and the lockout rule's attempt, in one commit before
    // the hash, so a flood is refused without hashing.
    let dir_id = dir.as_ref().map_or("", |d| d.id.as_str());
    let name = username.as_deref().unwrap_or("");
    let mut tx = app.store.begin().await?;
    let [per_ip, per_name] = limits::password_step(app, browser.ip(), dir_id, name);
    let limits = if known.is_some() {
        vec![per_ip]
    } else {
        vec![per_ip, per_name]
    };
    limits::take(
        &mut tx,
        limits::MINUTE,
        &limits,
        crate::text::too_many_login_attempts,
    )
    .await?;
    let known_attempt = match (&user, &known) {
        (Some(u), Some(b)) => failures::attempt_known_in(app, &mut tx, &u.id, b).await?,
        _ => None,
    };
    let attempt = match (known_attempt, &user) {
        (Some(a), _) => a,
        (None, Some(u)) => failures::attempt_in(app, &mut tx, &u.id, Method::Password).await?,
        (None, None) => {
            let key = app.secrets.mac(&format!("unknown name:{dir_id}:{name}"));
            failures::attempt_unknown_in(&mut tx, &key, Method::Password).await?
        }
    };
    tx.commit().await?;
    if let Some(u) = &user {
        attempt.tell_if_locked(app, u);
    }
    // The hash runs even when locked, so a locked account answers exactly
    // like a wrong password, in the same time.
    let ok = app.hasher.verify(&req.password, hash).await? && attempt.allowed();
    let (Some(dir), Some(user), true) = (&dir, &user, ok) else {
        let locked = !attempt.allowed();
        app.metrics.login_step("password", "failure");
        // For the directory's administrators: whose account was tried, when
        // it is one (the answer to the caller stays the same either way).
        let dir_id = dir
            .as_ref()
            .map(|d| d.id.clone())
            .or_else(|| existing.as_ref().map(|f| f.directory_id.clone()));
        let mut e = audit::event(AuditKind::Login(Method::Password), false)
            .method(Method::Password)
            .user(user.as_ref().map(|u| u.id.as_str()))
            .ip(browser.ip());
        if let Some(d) = &dir_id {
            e = e.directory(d);
        }
        e.detail(match (locked, attempt.from_known_browser()) {
            (true, _) => "wrong username or password (the account is locked)",
            (false, true) => "wrong password from a browser known to the user",
            (false, false) => "wrong username or password",
        })
        .record(app)
        .await;
        let refusal = ApiError::text(ErrorCode::InvalidCredentials, words::wrong_password);
        return Err(refusal);
    };
    let mut tx = app.store.begin().await?;
    attempt.succeeded(&mut tx).await?;
    let prior = match &existing {
        Some(f) if continuing => Prior::Stored(f),
        carry => Prior::New {
            carry: carry.as_ref(),
            continue_to: app.config.return_to(req.return_to.as_deref()),
        },
    };
    advance(app, tx, dir, user, prior, Method::Password, browser).await
}

/// Sets a new password for `user` (checked against the password rules).
/// `tell`: the user hears of it (a change from a session; a setup link's
/// holder was sent the link and is setting it themselves).
pub async fn set(
    app: &AppState,
    user: &crate::store::UserRow,
    new_password: &str,
    ip: Option<&str>,
    tell: bool,
) -> ApiResult<()> {
    hashing::check_new(new_password, &user.username).map_err(|rule| {
        ApiError::with(
            ErrorCode::WeakPassword,
            rule.message(crate::lang::current()),
        )
    })?;
    let hash = app.hasher.hash(new_password).await?;
    app.store
        .set_password_hash(&user.id, &hash, crate::clock::now())
        .await?;
    let notice = tell.then_some(words::changed_password as What);
    notify::method_changed(
        app,
        user,
        AuditKind::PasswordSet,
        Method::Password,
        ip,
        notice,
    )
    .await;
    Ok(())
}
