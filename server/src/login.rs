//! The login flow: who is logging in, what they verified, and what comes
//! next. Every decision is `authlevel_core`'s; this module loads and stores
//! the flow, verifies the password, and creates the session when the level
//! is reached.

use crate::audit;
use crate::contact::{self, mask_email, mask_phone};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{DirectoryRow, FlowRow, SessionRow, Tx, UserRow};
use crate::token::{self, now};
use authlevel_core::api::{LoginState, PasswordLoginRequest};
use authlevel_core::{ErrorCode, Evaluation, LoginStatus, Method, MethodSet, Policy, evaluate};

/// The directory a login goes to when the request names none.
pub const DEFAULT_DIRECTORY: &str = "default";

/// What a step produced, for the HTTP layer to answer with.
#[derive(Debug)]
pub enum Outcome {
    /// Still in progress (or blocked); the flow token to set, when new.
    Continue {
        /// The state to answer.
        state: LoginState,
        /// A new flow token for the flow cookie.
        new_flow_token: Option<String>,
    },
    /// The level is reached: a new session token; the flow is gone.
    Complete {
        /// The state to answer.
        state: LoginState,
        /// The new session token for the session cookie.
        session_token: String,
    },
}

/// The policy a login is held to: the directory's, with the level raised
/// when an application asked for more (step-up).
pub fn effective_policy(dir: &DirectoryRow, flow: Option<&FlowRow>) -> Policy {
    let mut policy = dir.policy;
    if let Some(level) = flow.and_then(|f| f.required_level) {
        policy.required_level = policy.required_level.max(level);
    }
    policy
}

/// The login state of a flow for `user` under the effective policy, with
/// the masked destination on SMS and email options, the asking application
/// named, and where to go on once complete.
pub fn state_of(
    dir: &DirectoryRow,
    flow: Option<&FlowRow>,
    verified: MethodSet,
    user: Option<&UserRow>,
) -> (Evaluation, LoginState) {
    let policy = effective_policy(dir, flow);
    let enrolled = user.map_or(MethodSet::ALL, UserRow::enrolled);
    let eval = evaluate(&policy, verified, enrolled);
    let mut state = LoginState::from_evaluation(eval.clone(), &policy);
    if let Some(user) = user {
        for option in &mut state.options {
            option.hint = match option.method {
                Method::Sms => user.phone.as_deref().map(mask_phone),
                Method::Email => user.email.as_deref().map(mask_email),
                _ => None,
            };
        }
    }
    if let Some(f) = flow {
        if eval.status == LoginStatus::Complete {
            state.continue_to = f.continue_to.clone();
        } else if let (Some(name), Some(level)) = (&f.client_name, f.required_level)
            && level > dir.policy.required_level
        {
            let ask = format!(
                "{name} asks for level {level}, more than this directory's {}; you have {} of it.",
                dir.policy.required_level, eval.progress.earned
            );
            state.message = Some(match state.message.take() {
                Some(m) => format!("{ask} {m}"),
                None => ask,
            });
        }
    }
    (eval, state)
}

/// The state of the login the flow cookie names, or of a fresh login to the
/// directory `slug` when there is none.
pub async fn current(
    app: &AppState,
    flow_token: Option<&str>,
    slug: Option<&str>,
) -> ApiResult<LoginState> {
    if let Some(flow) = load_flow(app, flow_token).await?
        && let Some(dir) = app.store.directory(&flow.directory_id).await?
    {
        let user = match &flow.user_id {
            Some(id) => app.store.user(id).await?,
            None => None,
        };
        return Ok(state_of(&dir, Some(&flow), flow.verified, user.as_ref()).1);
    }
    let dir = directory(app, slug).await?.ok_or_else(|| {
        ApiError::with(ErrorCode::NotFound, "There is no directory with that name.")
    })?;
    Ok(state_of(&dir, None, MethodSet::EMPTY, None).1)
}

/// The unexpired flow a flow token names.
pub async fn load_flow(app: &AppState, flow_token: Option<&str>) -> ApiResult<Option<FlowRow>> {
    match flow_token {
        Some(t) => Ok(app.store.flow(&token::hash(t), now()).await?),
        None => Ok(None),
    }
}

/// The directory with slug `slug` (`default` when absent).
pub async fn directory(app: &AppState, slug: Option<&str>) -> ApiResult<Option<DirectoryRow>> {
    let slug = slug.unwrap_or(DEFAULT_DIRECTORY).trim().to_lowercase();
    Ok(app.store.directory_by_slug(&slug).await?)
}

fn wrong_password() -> ApiError {
    ApiError::with(ErrorCode::InvalidCredentials, "Wrong username or password.")
}

/// The password step: begins a login, or adds the password to a login of
/// the same user that began with a passkey. Unknown users, unknown
/// directories, disabled accounts and wrong passwords answer alike, after the
/// same argon2 work.
pub async fn password_step(
    app: &AppState,
    flow_token: Option<&str>,
    req: &PasswordLoginRequest,
    ip: Option<&str>,
) -> ApiResult<Outcome> {
    let existing = load_flow(app, flow_token).await?;
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
    if dir.as_ref().is_some_and(|d| d.policy.points.password == 0) {
        // The directory's own setting, not a fact about the account; the
        // hash keeps the timing alike all the same.
        let _ = app.hasher.verify(&req.password, None).await;
        return Err(ApiError::with(
            ErrorCode::MethodNotOffered,
            "This directory does not use passwords; sign in with a passkey.",
        ));
    }
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.as_deref());
    // The same reads and writes for a name that is no account as for one
    // that is: the answer's timing must not tell them apart.
    let locked = match &user {
        Some(u) => {
            app.store
                .is_locked(&u.id, Method::Password.as_str(), now())
                .await?
        }
        None => {
            app.store
                .is_locked("", Method::Password.as_str(), now())
                .await?;
            false
        }
    };
    // The hash runs even when locked, so a locked account answers exactly
    // like a wrong password, in the same time.
    let ok = app
        .hasher
        .verify(&req.password, hash)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        && !locked;
    if user.is_none() {
        let key = app.secrets.mac(&format!(
            "unknown name:{}:{}",
            dir.as_ref().map_or("", |d| d.id.as_str()),
            username.as_deref().unwrap_or("")
        ));
        app.store.record_unknown_failure(&key, now()).await?;
    }
    if let (Some(u), false) = (&user, ok) {
        let c = &app.config;
        app.store
            .record_failure(
                &u.id,
                Method::Password.as_str(),
                now(),
                c.failure_limit,
                c.lockout_s,
            )
            .await?;
    }
    // For the directory's administrators: whose account was tried, when it
    // is one (the answer to the caller stays the same either way).
    let tried = (
        dir.as_ref()
            .map(|d| d.id.clone())
            .or_else(|| existing.as_ref().map(|f| f.directory_id.clone())),
        user.as_ref().map(|u| u.id.clone()),
    );
    let (Some(dir), Some(user), true) = (dir, user, ok) else {
        app.metrics.login_step("password", "failure");
        let mut e = audit::event("login.password", false)
            .method(Method::Password)
            .user(tried.1.as_deref())
            .ip(ip);
        if let Some(d) = &tried.0 {
            e = e.directory(d);
        }
        e.detail(if locked {
            "wrong username or password (the account is locked)"
        } else {
            "wrong username or password"
        })
        .record(app)
        .await;
        return Err(wrong_password());
    };
    let mut tx = app.store.begin().await?;
    tx.reset_failures(&user.id, Method::Password.as_str())
        .await?;
    let prior = match &existing {
        Some(f) if continuing => Prior::Stored(f),
        carry => Prior::New {
            carry: carry.as_ref(),
            continue_to: app.config.return_to(req.return_to.as_deref()),
        },
    };
    advance(app, tx, &dir, &user, prior, Method::Password, ip).await
}

/// What a verified step adds to.
#[derive(Debug)]
pub enum Prior<'a> {
    /// The stored flow of this user, in this directory.
    Stored(&'a FlowRow),
    /// A new login. It keeps an application's request (level, name, where
    /// to go on) from the browser's earlier flow, `carry`, which ends;
    /// otherwise it goes on to `continue_to`.
    New {
        /// The browser's earlier flow, if any.
        carry: Option<&'a FlowRow>,
        /// Where to go on when no earlier flow says.
        continue_to: Option<String>,
    },
}

/// Records `method` as verified for `user` in `tx`, with the step's audit
/// event, and commits: when the level is reached the flow ends and a
/// session begins, else the flow is stored. Whatever the caller put in `tx`
/// (a reset counter, a used challenge) commits with it, once.
pub async fn advance(
    app: &AppState,
    mut tx: Tx,
    dir: &DirectoryRow,
    user: &UserRow,
    prior: Prior<'_>,
    method: Method,
    ip: Option<&str>,
) -> ApiResult<Outcome> {
    audit::event(&format!("login.{}", method.as_str()), true)
        .directory(&dir.id)
        .user(Some(&user.id))
        .method(method)
        .ip(ip)
        .stage(&mut tx);
    let expired = || {
        ApiError::with(
            ErrorCode::NoLogin,
            "This login has expired; please start again.",
        )
    };
    let t = now();
    let (flow, new_flow_token) = match prior {
        // A bitwise OR in the database, so concurrent steps never lose each
        // other's methods; of two completing steps, the second finds the
        // flow gone.
        Prior::Stored(f) => (
            tx.add_verified(&f.id, MethodSet::of(&[method]), t)
                .await?
                .ok_or_else(expired)?,
            None,
        ),
        Prior::New { carry, continue_to } => {
            let flow_token = token::new_token();
            if let Some(old) = carry {
                tx.delete_flow(&old.id).await?;
            }
            let row = FlowRow {
                id: token::hash(&flow_token),
                directory_id: dir.id.clone(),
                user_id: Some(user.id.clone()),
                verified: MethodSet::of(&[method]),
                expires_at: t + app.config.login_flow_timeout_s,
                required_level: carry.and_then(|f| f.required_level),
                client_name: carry.and_then(|f| f.client_name.clone()),
                continue_to: carry.and_then(|f| f.continue_to.clone()).or(continue_to),
            };
            (row, Some(flow_token))
        }
    };
    let stored = new_flow_token.is_none();
    let verified = flow.verified;
    let (eval, state) = state_of(dir, Some(&flow), verified, Some(user));
    if eval.status != LoginStatus::Complete {
        if !stored {
            tx.insert_flow(&flow, t).await?;
        }
        audit::commit(tx).await?;
        app.metrics.login_step(method.as_str(), "success");
        return Ok(Outcome::Continue {
            state,
            new_flow_token,
        });
    }
    if stored && !tx.delete_flow(&flow.id).await? {
        return Err(ApiError::with(
            ErrorCode::NoLogin,
            "This login has already completed or expired.",
        ));
    }
    let session_token = token::new_token();
    let session = SessionRow {
        id: token::hash(&session_token),
        user_id: user.id.clone(),
        level: eval.progress.earned,
        methods: verified,
        authenticated_at: t,
        last_seen_at: t,
        expires_at: t + app.config.session_absolute_timeout_s,
    };
    tx.insert_session(&session).await?;
    audit::event("login.complete", true)
        .directory(&dir.id)
        .user(Some(&user.id))
        .ip(ip)
        .detail(format!(
            "level {} with {}",
            eval.progress.earned,
            verified
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join("+")
        ))
        .stage(&mut tx);
    audit::commit(tx).await?;
    app.metrics.login_step(method.as_str(), "success");
    app.metrics.session_created();
    Ok(Outcome::Complete {
        state,
        session_token,
    })
}

/// The login in progress with its directory and identified user, for a step
/// that needs both; refuses `method` unless the login offers it now (so no
/// code step before the first step, and none the user has not enrolled).
pub async fn identified_flow(
    app: &AppState,
    flow_token: Option<&str>,
    method: Method,
) -> ApiResult<(FlowRow, DirectoryRow, UserRow)> {
    let no_login = || {
        ApiError::with(
            ErrorCode::NoLogin,
            "No login is in progress. Start with your password or a passkey.",
        )
    };
    let token = flow_token.ok_or_else(no_login)?;
    let (flow, dir, user) = app
        .store
        .flow_with_user(&token::hash(token), now())
        .await?
        .filter(|(_, _, u)| !u.disabled)
        .ok_or_else(no_login)?;
    let (eval, _) = state_of(&dir, Some(&flow), flow.verified, Some(&user));
    if !eval.offers(method) {
        return Err(ApiError::with(
            ErrorCode::MethodNotOffered,
            format!("{} is not available in this login now.", method.label()),
        ));
    }
    Ok((flow, dir, user))
}

/// Records a failed step and answers the error for it.
pub async fn failed(
    app: &AppState,
    dir: &DirectoryRow,
    user: &UserRow,
    method: Method,
    ip: Option<&str>,
) -> ApiError {
    app.metrics.login_step(method.as_str(), "failure");
    audit::event(&format!("login.{}", method.as_str()), false)
        .directory(&dir.id)
        .user(Some(&user.id))
        .method(method)
        .ip(ip)
        .record(app)
        .await;
    ApiError::with(
        ErrorCode::InvalidCode,
        "That code is not valid. Check it and try again.",
    )
}
