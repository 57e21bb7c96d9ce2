//! Extractors for what handlers share: the client's address, what a login
//! step knows of the browser, the session, who may enrol (and with a fresh
//! login), and an administrator of the directory or user a path names.

use super::cookies::Cookie;
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::login::Browser;
use crate::session::{self, Authenticated, Enroller};
use crate::state::AppState;
use crate::store::{DirectoryRow, UserRow};
use authlevel_core::{AuditKind, ErrorCode};
use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use std::net::SocketAddr;

/// Implements axum's `FromRequestParts` for `$t` with `$load`, an
/// `async fn(&mut Parts, &AppState) -> Result<$t, $rejection>`.
macro_rules! extractor {
    ($t:ty, $rejection:ty, $load:expr) => {
        impl FromRequestParts<AppState> for $t {
            type Rejection = $rejection;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, Self::Rejection> {
                $load(parts, state).await
            }
        }
    };
}

/// The client's address, when the server knows it.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl ClientIp {
    fn of(parts: &Parts) -> Option<String> {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
    }
}

extractor!(
    ClientIp,
    std::convert::Infallible,
    async |parts: &mut Parts, _: &AppState| { Ok(ClientIp(ClientIp::of(parts))) }
);

extractor!(
    Browser,
    std::convert::Infallible,
    async |parts: &mut Parts, state: &AppState| {
        let (c, h) = (&state.config, &parts.headers);
        Ok(Browser {
            flow: Cookie::Flow.read(c, h),
            session: Cookie::Session.read(c, h),
            passkey: Cookie::Passkey.read(c, h),
            ip: ClientIp::of(parts),
            user_agent: h
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(200).collect()),
        })
    }
);

fn not_logged_in() -> ApiError {
    ApiError::with(ErrorCode::Unauthorized, "Please log in.")
}

async fn authenticated(parts: &mut Parts, state: &AppState) -> ApiResult<Authenticated> {
    let token = Cookie::Session.read(&state.config, &parts.headers);
    session::load(state, token.as_deref())
        .await?
        .ok_or_else(not_logged_in)
}

extractor!(Authenticated, ApiError, authenticated);

async fn enroller(parts: &mut Parts, state: &AppState) -> ApiResult<Enroller> {
    let c = &state.config;
    let session = Cookie::Session.read(c, &parts.headers);
    let enrolment = Cookie::Enrolment.read(c, &parts.headers);
    Enroller::load(state, session.as_deref(), enrolment.as_deref())
        .await?
        .ok_or_else(not_logged_in)
}

extractor!(Enroller, ApiError, enroller);

/// Whoever may enrol, with a login recent enough for account changes (a
/// setup link's enrolment is recent by construction; else 403
/// `reauth_required`), and the client's address.
#[derive(Debug)]
pub struct Fresh {
    /// Who.
    pub who: Enroller,
    /// The client's address.
    pub ip: Option<String>,
}

impl Fresh {
    /// The user.
    pub fn user(&self) -> &UserRow {
        self.who.user()
    }

    /// The client's address.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }
}

extractor!(
    Fresh,
    ApiError,
    async |parts: &mut Parts, state: &AppState| {
        let who = enroller(parts, state).await?;
        who.require_fresh(state).await?;
        Ok::<_, ApiError>(Fresh {
            who,
            ip: ClientIp::of(parts),
        })
    }
);

/// The `{id}` of the path.
async fn path_id(parts: &mut Parts, state: &AppState) -> ApiResult<String> {
    Path::<String>::from_request_parts(parts, state)
        .await
        .map(|Path(id)| id)
        .map_err(|_| ApiError::code(ErrorCode::NotFound))
}

/// An administrator of the directory the path's `{id}` names (or an
/// operator), with that directory.
#[derive(Debug)]
pub struct DirectoryAdmin {
    /// The administrator.
    pub auth: Authenticated,
    /// The directory.
    pub dir: DirectoryRow,
}

extractor!(
    DirectoryAdmin,
    ApiError,
    async |parts: &mut Parts, state: &AppState| {
        let auth = authenticated(parts, state).await?;
        auth.require_admin()?;
        let id = path_id(parts, state).await?;
        let dir = state.store.directory(&id).await?.ok_or_else(|| {
            ApiError::with(ErrorCode::NotFound, "There is no directory with this id.")
        })?;
        auth.require_admin_of(&dir.id)?;
        Ok::<_, ApiError>(DirectoryAdmin { auth, dir })
    }
);

/// An administrator of the user the path's `{id}` names (of their
/// directory, or an operator), with that user and the client's address.
#[derive(Debug)]
pub struct UserAdmin {
    /// The administrator.
    pub auth: Authenticated,
    /// The user.
    pub user: UserRow,
    /// The client's address.
    pub ip: Option<String>,
}

impl UserAdmin {
    /// The audit event of this administrator acting on the user.
    pub fn event(&self, kind: AuditKind) -> audit::Event {
        audit::event(kind, true)
            .on_user(&self.user)
            .actor(&self.auth.user.id)
            .ip(self.ip.as_deref())
    }
}

extractor!(
    UserAdmin,
    ApiError,
    async |parts: &mut Parts, state: &AppState| {
        let auth = authenticated(parts, state).await?;
        let id = path_id(parts, state).await?;
        let user = admin_user(state, &auth, &id).await?;
        Ok::<_, ApiError>(UserAdmin {
            auth,
            user,
            ip: ClientIp::of(parts),
        })
    }
);

/// The user `id`, for an administrator of their directory.
pub async fn admin_user(app: &AppState, auth: &Authenticated, id: &str) -> ApiResult<UserRow> {
    auth.require_admin()?;
    let user = app
        .store
        .user(id)
        .await?
        .ok_or_else(|| ApiError::with(ErrorCode::NotFound, "There is no user with this id."))?;
    auth.require_admin_of(&user.directory_id)?;
    Ok(user)
}
