//! How an [`ApiError`] is answered (problem+json with a stable code), and
//! the JSON extractor whose rejections answer in the same shape.

use crate::error::ApiError;
use authlevel_core::api::Problem;
use authlevel_core::{ErrorCode, PolicyReport};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Builds the problem+json response for `code`.
pub fn problem_response(
    code: ErrorCode,
    detail: Option<String>,
    report: Option<PolicyReport>,
) -> Response {
    let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = Problem {
        kind: "about:blank".into(),
        title: code.title().into(),
        status: status.as_u16(),
        code,
        detail,
        report,
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.error_code();
        match self {
            ApiError::Known { detail, .. } => problem_response(code, detail, None),
            ApiError::Later {
                detail,
                retry_after_s,
                ..
            } => {
                let mut response = problem_response(code, Some(detail), None);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
                response
            }
            ApiError::Policy(report) => problem_response(
                code,
                Some("The policy has errors; nothing was saved.".into()),
                Some(*report),
            ),
            ApiError::Database(e) => {
                tracing::error!(error = %e, "database error");
                problem_response(code, None, None)
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                problem_response(code, None, None)
            }
        }
    }
}

/// `Json<T>` whose rejections are problem+json with a stable code.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(AppJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::with(
            ErrorCode::UnsupportedMediaType,
            "Send the body as JSON with Content-Type: application/json.",
        ),
        JsonRejection::JsonDataError(e) => {
            ApiError::with(ErrorCode::InvalidJson, data_error_detail(&e.body_text()))
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::with(ErrorCode::InvalidJson, "The body is not well-formed JSON.")
        }
        JsonRejection::BytesRejection(e) => {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::with(ErrorCode::PayloadTooLarge, "The request body is too large.")
            } else {
                ApiError::with(
                    ErrorCode::InvalidJson,
                    "The request body could not be read.",
                )
            }
        }
        _ => ApiError::code(ErrorCode::InvalidJson),
    }
}

/// serde's message names the field and what was expected, which helps a
/// person fix the request; the value it may quote is cut out so a secret
/// sent in the wrong place never comes back.
fn data_error_detail(text: &str) -> String {
    let msg = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    let msg = match (
        msg.find("invalid type: ")
            .or_else(|| msg.find("invalid value: ")),
        msg.find(", expected"),
    ) {
        (Some(start), Some(end)) if end > start => {
            format!("{}a value is not accepted{}", &msg[..start], &msg[end..])
        }
        _ => msg.to_string(),
    };
    format!("The JSON does not fit this request: {msg}")
}

impl<T: serde::Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::data_error_detail;

    #[test]
    fn quoted_values_are_cut_from_serde_messages() {
        let d = data_error_detail(
            "Failed to deserialize the JSON body into the target type: required_level: invalid type: string \"hunter2\", expected u32 at line 1 column 30",
        );
        assert!(!d.contains("hunter2"), "{d}");
        assert!(
            d.contains("required_level: a value is not accepted, expected u32"),
            "{d}"
        );
        let m = data_error_detail("missing field `username` at line 1 column 2");
        assert!(m.contains("missing field `username`"));
    }
}
