//! Sessions: whose a session token is, and whether its login is recent
//! enough for account changes; and who may use the enrolment routes (a
//! session, or an enrolment a setup link opened).

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{SessionRow, UserRow};
use crate::token;
use authlevel_core::api::Role;
use authlevel_core::{AuditKind, ErrorCode, MethodSet, Policy};

/// What `session` counts for an application's request at `t` under
/// `policy`'s lifetimes: its level and the methods within their lifetime
/// (the level it reached and all its methods when no method has one).
pub fn counts_at(session: &SessionRow, policy: &Policy, t: i64) -> (u32, MethodSet) {
    if policy.max_age_s.is_empty() {
        return (session.level, session.methods);
    }
    (
        policy.level_at(&session.times, session.level, t),
        policy.max_age_s.live(&session.times, t),
    )
}

/// The level `session` holds now under `policy`'s lifetimes for an
/// application's request, and when it next drops.
pub fn level_now(session: &SessionRow, policy: &Policy) -> (u32, Option<i64>) {
    let t = now();
    (
        counts_at(session, policy, t).0,
        policy.max_age_s.next_expiry(&session.times, t),
    )
}

/// A logged-in user: the session and the user behind it.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The session.
    pub session: SessionRow,
    /// Its user.
    pub user: UserRow,
    /// The slug of the user's directory.
    pub directory_slug: String,
    /// The policy of the user's directory as stored (JSON), read with the
    /// session and parsed only where a handler needs it ([`Self::policy`]).
    pub directory_policy: String,
}

impl Authenticated {
    /// Whether the session is fresh enough for account changes: the
    /// methods it verified within `reauth_window_s` complete a login under
    /// the directory's policy, the password or a passkey among them
    /// (SECURITY 28). A step-up that verified only a code is not.
    pub async fn is_fresh(&self, app: &AppState) -> ApiResult<bool> {
        Ok(self
            .policy()?
            .is_fresh(&self.session.times, now(), app.config.reauth_window_s))
    }

    /// The level this session holds now for an application's request, and
    /// when it next drops ([`level_now`]). A stored policy names
    /// `max_age_s` only when a method has a lifetime, so without it the
    /// policy is not parsed: the session check stays one read.
    pub fn level_now(&self) -> ApiResult<(u32, Option<i64>)> {
        if !self.directory_policy.contains("\"max_age_s\"") {
            return Ok((self.session.level, None));
        }
        Ok(level_now(&self.session, &self.policy()?))
    }

    /// The policy of the user's directory.
    pub fn policy(&self) -> ApiResult<Policy> {
        serde_json::from_str(&self.directory_policy).map_err(ApiError::internal)
    }

    /// Refuses with `reauth_required` unless the session is fresh (see
    /// [`Authenticated::is_fresh`]).
    pub async fn require_fresh(&self, app: &AppState) -> ApiResult<()> {
        if self.is_fresh(app).await? {
            Ok(())
        } else {
            Err(ApiError::with(
                ErrorCode::ReauthRequired,
                crate::text::log_in_again(
                    crate::lang::current(),
                    (app.config.reauth_window_s + 59) / 60,
                ),
            ))
        }
    }
}

/// The live session of a session token, if any; a disabled user has none.
pub async fn load(app: &AppState, token: Option<&str>) -> ApiResult<Option<Authenticated>> {
    let Some(token) = token else {
        return Ok(None);
    };
    let t = now();
    let id = token::hash(token);
    let Some((session, user, directory_slug, directory_policy)) = app
        .store
        .session_with_user(&id, t, app.config.session_idle_timeout_s)
        .await?
    else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    // Writing on every request would make reads writes; a minute of
    // slack on the idle timeout is the price.
    if t - session.last_seen_at >= 60 {
        app.store.touch_session(&id, t).await?;
    }
    Ok(Some(Authenticated {
        session,
        user,
        directory_slug,
        directory_policy,
    }))
}

/// Whoever may use the enrolment routes: a logged-in user, or a person
/// holding an enrolment opened by a setup link.
#[derive(Debug, Clone)]
// One per request, never in a collection: boxing the larger variant would
// only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Enroller {
    /// A session.
    Session(Authenticated),
    /// An enrolment session; the hash of its token and its user.
    Setup {
        /// Hash of the enrolment token.
        id: String,
        /// The user being set up.
        user: UserRow,
    },
}

impl Enroller {
    /// The user.
    pub fn user(&self) -> &UserRow {
        match self {
            Enroller::Session(a) => &a.user,
            Enroller::Setup { user, .. } => user,
        }
    }

    /// Refuses with `reauth_required` unless the session is fresh (see
    /// [`Authenticated::is_fresh`]); an enrolment from a setup link is
    /// fresh by construction.
    pub async fn require_fresh(&self, app: &AppState) -> ApiResult<()> {
        match self {
            Enroller::Session(a) => a.require_fresh(app).await,
            Enroller::Setup { .. } => Ok(()),
        }
    }

    /// The enroller of an enrolment token or a session token: the
    /// enrolment a setup link opened when it is live, else the session. A
    /// setup link opened in a browser that is logged in as someone else
    /// acts on the link's account only (SECURITY 29).
    pub async fn load(
        app: &AppState,
        session: Option<&str>,
        enrolment: Option<&str>,
    ) -> ApiResult<Option<Enroller>> {
        if let Some(token) = enrolment {
            let id = token::hash(token);
            if let Some(user_id) = app.store.enrolment_user(&id, now()).await?
                && let Some(user) = app.store.user(&user_id).await?
                && !user.disabled
            {
                return Ok(Some(Enroller::Setup { id, user }));
            }
        }
        Ok(load(app, session).await?.map(Enroller::Session))
    }
}

impl Authenticated {
    /// The audit event of this administrator acting in the directory
    /// `directory_id`, from `ip`.
    pub fn event(
        &self,
        kind: AuditKind,
        success: bool,
        directory_id: &str,
        ip: Option<&str>,
    ) -> audit::Event {
        audit::event(kind, success)
            .directory(directory_id)
            .actor(&self.user.id)
            .ip(ip)
    }

    /// Whether this user is an operator: an administrator of the `default`
    /// directory, who manages every directory.
    pub fn is_operator(&self) -> bool {
        self.user.role == Role::Admin && self.directory_slug == crate::login::DEFAULT_DIRECTORY
    }

    /// Refuses unless this user is an administrator at all.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(forbidden())
        }
    }

    /// Refuses unless this user administers `directory_id`: an
    /// administrator of it, or an operator.
    pub fn require_admin_of(&self, directory_id: &str) -> ApiResult<()> {
        self.require_admin()?;
        if self.user.directory_id == directory_id || self.is_operator() {
            Ok(())
        } else {
            Err(forbidden())
        }
    }
}

fn forbidden() -> ApiError {
    ApiError::text(ErrorCode::Forbidden, crate::text::admins_only)
}
