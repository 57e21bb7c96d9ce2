//! The login flow: who is logging in, what they verified, and what comes
//! next. Every decision is `authlevel_core`'s; this module loads and stores
//! the flow and creates the session when the level is reached.
//!
//! Each method (`crate::methods`) verifies its own input for a flow, under
//! the lockout rule of [`failures`], and hands what it verified, in the
//! step's transaction, to the one [`advance`]. Second steps (codes, the
//! authenticator app) go through [`Step`]. The code machinery the SMS and
//! email methods share is [`codes`]; browsers known to a user, [`known`].

pub mod codes;
pub mod failures;
pub mod known;
pub mod risk;

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{DirectoryRow, FlowRow, HistoryRow, SessionRow, Tx, UserRow};
use crate::token;
use authlevel_core::api::{LoginState, NoticeKind};
use authlevel_core::{
    AuditKind, ErrorCode, Evaluation, LoginStatus, Method, MethodSet, MethodTimes, Policy, evaluate,
};

/// The directory a login goes to when the request names none.
pub const DEFAULT_DIRECTORY: &str = "default";

/// What a login step knows of the browser that sent it: the tokens of its
/// cookies and its address.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    /// The login in progress (flow cookie).
    pub flow: Option<String>,
    /// A session the browser holds; it ends when a login completes.
    pub session: Option<String>,
    /// A passkey ceremony begun (passkey cookie).
    pub passkey: Option<String>,
    /// The known-browser cookie: the users this browser completed a login
    /// for ([`known`]).
    pub known: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
    /// The client's `User-Agent`, as the list of sessions shows it.
    pub user_agent: Option<String>,
}

impl Browser {
    /// The client's address.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }
}

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
        /// The known-browser cookie's new value ([`known`]).
        known_browser: String,
    },
}

/// The policy a login of a user who enrolled `enrolled` is held to: the
/// directory's, with the level raised when an application asked for more
/// (step-up), and then by the points of the risk signals seen at its first
/// step, as far as the user's methods reach.
pub fn effective_policy(dir: &DirectoryRow, flow: Option<&FlowRow>, enrolled: MethodSet) -> Policy {
    let policy = dir.policy.asked(flow.and_then(|f| f.required_level));
    match flow {
        Some(f) => policy.with_signals_for(f.signals, enrolled),
        None => policy,
    }
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
    let enrolled = user.map_or(MethodSet::ALL, UserRow::enrolled);
    let policy = effective_policy(dir, flow, enrolled);
    let eval = evaluate(&policy, verified, enrolled);
    let mut state = LoginState::from_evaluation(eval.clone(), &policy, crate::lang::current());
    if let Some(user) = user {
        for option in &mut state.options {
            option.hint = crate::methods::hint(option.method, user);
        }
    }
    if let Some(f) = flow {
        state.progress.signals = policy.risk.named(f.signals);
        if eval.status != LoginStatus::Complete {
            let lang = crate::lang::current();
            for s in state.progress.signals.clone() {
                state.tell(
                    NoticeKind::RiskRaised,
                    risk::words(lang, s.signal, s.points),
                );
            }
            // Raised only as far as the user's methods reach: say so.
            let full = dir.policy.asked(f.required_level).with_signals(f.signals);
            if policy.required_level < full.required_level {
                let words = crate::text::risk_capped(lang, policy.required_level);
                state.tell(NoticeKind::RiskRaised, words);
            }
        }
        if eval.status == LoginStatus::Complete {
            state.continue_to = f.continue_to.clone();
        } else if let (Some(name), Some(level)) = (&f.client_name, f.required_level)
            && level > dir.policy.required_level
        {
            let ask = crate::text::client_asks_more(
                crate::lang::current(),
                name,
                level,
                dir.policy.required_level,
                eval.progress.earned,
            );
            state.tell(NoticeKind::ClientAsksMore, ask);
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
    let dir = directory(app, slug).await?.ok_or_else(no_directory)?;
    Ok(state_of(&dir, None, MethodSet::EMPTY, None).1)
}

/// The answer for a directory slug that names none.
pub fn no_directory() -> ApiError {
    ApiError::text(ErrorCode::NotFound, crate::text::no_such_directory_name)
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

/// The directory of `user`.
pub async fn directory_of(app: &AppState, user: &UserRow) -> ApiResult<DirectoryRow> {
    app.store
        .directory(&user.directory_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))
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
/// event, and commits: when the level is reached the flow ends, a session
/// the browser held before (perhaps planted) ends and a new one begins;
/// else the flow is stored. Whatever the caller put in `tx` (a reset
/// counter, a used challenge) commits with it, once.
pub async fn advance(
    app: &AppState,
    mut tx: Tx,
    dir: &DirectoryRow,
    user: &UserRow,
    prior: Prior<'_>,
    method: Method,
    browser: &Browser,
) -> ApiResult<Outcome> {
    audit::event(AuditKind::login(method), true)
        .on_user(user)
        .method(method)
        .ip(browser.ip())
        .stage(&mut tx);
    let expired = || ApiError::text(ErrorCode::NoLogin, crate::text::login_expired);
    let t = now();
    let (flow, new_flow_token) = match prior {
        // A bitwise OR in the database, so concurrent steps never lose each
        // other's methods; of two completing steps, the second finds the
        // flow gone.
        Prior::Stored(f) => (
            tx.add_verified(&f.id, method, t)
                .await?
                .ok_or_else(expired)?,
            None,
        ),
        Prior::New { carry, continue_to } => {
            let signals = risk::signals(app, &mut tx, dir, user, browser).await?;
            let flow_token = token::new_token();
            if let Some(old) = carry {
                tx.delete_flow(&old.id).await?;
            }
            let row = FlowRow {
                id: token::hash(&flow_token),
                directory_id: dir.id.clone(),
                user_id: Some(user.id.clone()),
                verified: MethodSet::of(&[method]),
                times: MethodTimes::default().with(method, t),
                session_expires_at: None,
                expires_at: t + app.config.login_flow_timeout_s,
                required_level: carry.and_then(|f| f.required_level),
                client_name: carry.and_then(|f| f.client_name.clone()),
                client_id: carry.and_then(|f| f.client_id.clone()),
                continue_to: carry.and_then(|f| f.continue_to.clone()).or(continue_to),
                signals,
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
        return Err(ApiError::text(ErrorCode::NoLogin, crate::text::login_over));
    }
    // The session the browser held ends. When it was this user's (a
    // step-up, a login again), the new one goes on under its public id, so
    // the tokens applications hold from it go on too; another account's
    // (perhaps planted) takes its tokens along.
    let mut public_id = None;
    if let Some(old) = &browser.session
        && let Some((owner, id)) = tx.delete_session(&token::hash(old)).await?
        && owner == user.id
        && !id.is_empty()
    {
        public_id = Some(id);
    }
    // A login ends what a setup link opened for this account (SECURITY 35).
    tx.end_enrolments(&user.id).await?;
    let session_token = token::new_token();
    // A step-up keeps the absolute limit of the session it began from,
    // and what that session verified keeps its times: it is no new login.
    let session = SessionRow {
        id: token::hash(&session_token),
        public_id: public_id.unwrap_or_else(token::new_id),
        user_id: user.id.clone(),
        level: eval.progress.earned,
        methods: verified,
        times: flow.times,
        authenticated_at: flow.times.last_first_step().unwrap_or(t),
        created_at: t,
        last_seen_at: t,
        expires_at: flow
            .session_expires_at
            .unwrap_or(t + app.config.session_absolute_timeout_s),
        ip: browser.ip.clone(),
        user_agent: browser.user_agent.clone(),
    };
    tx.insert_session(&session).await?;
    tx.record_login(&HistoryRow::of(dir, &flow, user, true, t))
        .await?;
    let known_browser = known::remember(app, &mut tx, browser, user).await?;
    if let Some(network) = browser.ip().and_then(risk::network_of) {
        tx.remember_network(&user.id, &network, t).await?;
    }
    let mut detail = format!(
        "level {} with {}",
        eval.progress.earned,
        verified
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join("+")
    );
    if !state.progress.signals.is_empty() {
        let named: Vec<String> = state
            .progress
            .signals
            .iter()
            .map(|s| format!("{} +{}", s.signal.as_str(), s.points))
            .collect();
        detail.push_str(&format!(" (risk: {})", named.join(", ")));
    }
    audit::event(AuditKind::LoginComplete, true)
        .on_user(user)
        .ip(browser.ip())
        .detail(detail)
        .stage(&mut tx);
    audit::commit(tx).await?;
    app.metrics.login_step(method.as_str(), "success");
    app.metrics.session_created();
    Ok(Outcome::Complete {
        state,
        session_token,
        known_browser,
    })
}

/// A step that adds a method to a login begun with the password or a
/// passkey (a code, the authenticator app): the login in progress with its
/// directory and identified user, under the lockout rule. Its method does,
/// in order: [`Step::begin`]; whatever needs no check of the input; then in
/// the step's transaction [`Step::attempt`] and the check; then
/// [`Step::verified`] with the transaction, or [`Step::refused`].
pub struct Step<'a> {
    app: &'a AppState,
    browser: &'a Browser,
    method: Method,
    attempt: Option<failures::Attempt>,
    /// The login in progress.
    pub flow: FlowRow,
    /// Its directory.
    pub dir: DirectoryRow,
    /// Its user.
    pub user: UserRow,
}

impl<'a> Step<'a> {
    /// The browser's login in progress, for `method`: refused unless the
    /// login offers `method` now (so no second step before the first, and
    /// none the user has not enrolled).
    pub async fn begin(
        app: &'a AppState,
        browser: &'a Browser,
        method: Method,
    ) -> ApiResult<Step<'a>> {
        let (flow, dir, user) = identified_flow(app, browser.flow.as_deref(), method).await?;
        Ok(Step {
            app,
            browser,
            method,
            attempt: None,
            flow,
            dir,
            user,
        })
    }

    /// Takes (counts) this step's attempt in `tx` under the lockout rule;
    /// false while the method is locked for the user, and the step then
    /// answers like a wrong input.
    pub async fn attempt(&mut self, tx: &mut Tx) -> ApiResult<bool> {
        let a = failures::attempt_in(self.app, tx, &self.user.id, self.method).await?;
        let allowed = a.allowed();
        self.attempt = Some(a);
        Ok(allowed)
    }

    /// The input was right: `tx` holds the attempt and what the check used
    /// up; the failures reset in it and the login advances.
    pub async fn verified(self, mut tx: Tx) -> ApiResult<Outcome> {
        if let Some(a) = self.attempt {
            a.succeeded(&mut tx).await?;
        }
        let prior = Prior::Stored(&self.flow);
        advance(
            self.app,
            tx,
            &self.dir,
            &self.user,
            prior,
            self.method,
            self.browser,
        )
        .await
    }

    /// The input was refused: the step is audited in `tx`, which holds the
    /// counted attempt, and commits (or on its own, before any attempt);
    /// `error` is the answer.
    pub async fn refused(self, tx: Option<Tx>, error: ApiError) -> ApiResult<ApiError> {
        self.app.metrics.login_step(self.method.as_str(), "failure");
        let event = audit::event(AuditKind::login(self.method), false)
            .on_user(&self.user)
            .method(self.method)
            .ip(self.browser.ip());
        match tx {
            Some(mut tx) => {
                event.stage(&mut tx);
                audit::commit(tx).await?;
            }
            None => event.record(self.app).await,
        }
        Ok(error)
    }
}

/// The login in progress with its directory and identified user, for a step
/// that needs both; refuses `method` unless the login offers it now.
pub async fn identified_flow(
    app: &AppState,
    flow_token: Option<&str>,
    method: Method,
) -> ApiResult<(FlowRow, DirectoryRow, UserRow)> {
    let no_login = || ApiError::text(ErrorCode::NoLogin, crate::text::no_login);
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
            crate::text::method_not_offered(crate::lang::current(), method),
        ));
    }
    Ok((flow, dir, user))
}
