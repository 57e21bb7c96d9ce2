//! Extractors for what handlers share: the client's address, what a login
//! step knows of the browser, the session, who may enrol, and an
//! administrator of the directory or user a path names.

use super::cookies::Cookie;
use crate::error::{ApiError, ApiResult};
use crate::login::Browser;
use crate::session::{self, Authenticated, Enroller};
use crate::state::AppState;
use crate::store::{DirectoryRow, UserRow};
use authlevel_core::ErrorCode;
use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use std::net::SocketAddr;

/// The client's address, when the server knows it.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

impl FromRequestParts<AppState> for Browser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let c = &state.config;
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        Ok(Browser {
            flow: Cookie::Flow.read(c, &parts.headers),
            session: Cookie::Session.read(c, &parts.headers),
            passkey: Cookie::Passkey.read(c, &parts.headers),
            ip,
        })
    }
}

fn not_logged_in() -> ApiError {
    ApiError::with(ErrorCode::Unauthorized, "Please log in.")
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = Cookie::Session.read(&state.config, &parts.headers);
        session::load(state, token.as_deref())
            .await?
            .ok_or_else(not_logged_in)
    }
}

impl FromRequestParts<AppState> for Enroller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let c = &state.config;
        let session = Cookie::Session.read(c, &parts.headers);
        let enrolment = Cookie::Enrolment.read(c, &parts.headers);
        Enroller::load(state, session.as_deref(), enrolment.as_deref())
            .await?
            .ok_or_else(not_logged_in)
    }
}

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

impl FromRequestParts<AppState> for DirectoryAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        auth.require_admin()?;
        let id = path_id(parts, state).await?;
        let dir = state.store.directory(&id).await?.ok_or_else(|| {
            ApiError::with(ErrorCode::NotFound, "There is no directory with this id.")
        })?;
        auth.require_admin_of(&dir.id)?;
        Ok(DirectoryAdmin { auth, dir })
    }
}

/// An administrator of the user the path's `{id}` names (of their
/// directory, or an operator), with that user.
#[derive(Debug)]
pub struct UserAdmin {
    /// The administrator.
    pub auth: Authenticated,
    /// The user.
    pub user: UserRow,
}

impl FromRequestParts<AppState> for UserAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        let id = path_id(parts, state).await?;
        let user = admin_user(state, &auth, &id).await?;
        Ok(UserAdmin { auth, user })
    }
}

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
