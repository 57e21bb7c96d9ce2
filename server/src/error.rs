//! The error of every layer below HTTP: a known failure with a stable
//! [`ErrorCode`] and a sentence for the user, or something unexpected that
//! is logged and never shown. `http::error` turns it into problem+json.

use authlevel_core::{ErrorCode, Lang, PolicyReport};

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A known failure with a stable code and an optional sentence for the user.
    #[error("{code}: {detail:?}")]
    Known {
        /// The stable code.
        code: ErrorCode,
        /// What to tell the user.
        detail: Option<String>,
    },
    /// Refused for now (a limit, a full queue): `Retry-After` says when to
    /// try again.
    #[error("{code}: {detail} (retry after {retry_after_s} s)")]
    Later {
        /// The stable code (`rate_limited`, `unavailable`).
        code: ErrorCode,
        /// What to tell the user.
        detail: String,
        /// Seconds until a retry may succeed.
        retry_after_s: u64,
    },
    /// A policy with errors; the report goes along.
    #[error("invalid policy")]
    Policy(Box<PolicyReport>),
    /// The database failed; logged, never shown.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Anything else unexpected; logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

/// Results of handlers and the layers below them.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A failure with `code` and no further detail.
    pub fn code(code: ErrorCode) -> ApiError {
        ApiError::Known { code, detail: None }
    }

    /// A failure with `code` and a sentence for the user.
    pub fn with(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError::Known {
            code,
            detail: Some(detail.into()),
        }
    }

    /// A failure with `code` and one of [`crate::text`]'s sentences, in the
    /// language of the request being answered.
    pub fn text(code: ErrorCode, text: fn(Lang) -> String) -> ApiError {
        ApiError::with(code, text(crate::lang::current()))
    }

    /// An invalid field value, explained.
    pub fn invalid(detail: impl Into<String>) -> ApiError {
        ApiError::with(ErrorCode::InvalidInput, detail)
    }

    /// Something that should not happen: logged with `e`, answered as 500.
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    /// The stable code of this error.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            ApiError::Known { code, .. } | ApiError::Later { code, .. } => *code,
            ApiError::Policy(_) => ErrorCode::InvalidPolicy,
            ApiError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => {
                ErrorCode::Unavailable
            }
            ApiError::Database(_) | ApiError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<crate::crypto::CryptoError> for ApiError {
    fn from(e: crate::crypto::CryptoError) -> ApiError {
        ApiError::internal(e)
    }
}

impl From<crate::methods::password::hashing::HashError> for ApiError {
    fn from(e: crate::methods::password::hashing::HashError) -> ApiError {
        match e {
            crate::methods::password::hashing::HashError::Busy => ApiError::Later {
                code: ErrorCode::Unavailable,
                detail: crate::text::busy(crate::lang::current()),
                retry_after_s: 1,
            },
            e => ApiError::internal(e),
        }
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> ApiError {
        ApiError::internal(e)
    }
}
