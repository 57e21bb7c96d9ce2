//! How an [`ApiError`] is answered (problem+json with a stable code), and
//! the JSON body and query string extractors whose rejections answer in the
//! same shape.

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
        title: code.title_in(crate::lang::current()),
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
                Some(crate::text::policy_has_errors(crate::lang::current())),
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

/// `Json<T>` whose rejections are problem+json with a stable code. Every
/// request body is a JSON object (serde would also read a struct from an
/// array, which no schema of this API allows), and a number with a zero
/// fraction (`30.0`) is the integer it equals, as in JSON Schema.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        if !value.is_object() {
            return Err(ApiError::text(
                ErrorCode::InvalidJson,
                crate::text::body_not_object,
            ));
        }
        integral_numbers(&mut value);
        // Read again from bytes, so a misfit names its field's path.
        let bytes = serde_json::to_vec(&value).map_err(ApiError::internal)?;
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(v)| AppJson(v))
            .map_err(json_rejection)
    }
}

/// Turns every number with a zero fraction (`30.0`) into the integer it
/// equals, where one holds it.
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
            {
                // In range, the casts are exact; out of range, the number
                // stays a float and the field's type refuses it.
                if f >= 0.0 && f < u64::MAX as f64 {
                    *value = serde_json::Value::from(f as u64);
                } else if f < 0.0 && f >= i64::MIN as f64 {
                    *value = serde_json::Value::from(f as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::text(ErrorCode::UnsupportedMediaType, crate::text::send_json)
        }
        JsonRejection::JsonDataError(e) => {
            ApiError::with(ErrorCode::InvalidJson, data_error_detail(&e.body_text()))
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::text(ErrorCode::InvalidJson, crate::text::json_malformed)
        }
        JsonRejection::BytesRejection(e) => {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::text(ErrorCode::PayloadTooLarge, crate::text::body_too_large)
            } else {
                ApiError::text(ErrorCode::InvalidJson, crate::text::body_unreadable)
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
    crate::text::json_misfit(crate::lang::current(), &cut_values(msg))
}

/// serde's message without the value it quotes.
fn cut_values(msg: &str) -> String {
    match (
        msg.find("invalid type: ")
            .or_else(|| msg.find("invalid value: ")),
        msg.find(", expected"),
    ) {
        (Some(start), Some(end)) if end > start => {
            format!("{}a value is not accepted{}", &msg[..start], &msg[end..])
        }
        _ => msg.to_string(),
    }
}

/// `Query<T>` whose rejection (a parameter of the wrong type) is
/// problem+json `invalid_input`, with serde's message (values cut out, as
/// for bodies).
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
        let text = rejection.body_text();
        let msg = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        ApiError::invalid(crate::text::query_misfit(
            crate::lang::current(),
            &cut_values(msg),
        ))
    }
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
    fn integral_floats_are_integers() {
        let mut v = serde_json::json!({"a": 30.0, "b": [1.5, -2.0], "c": {"d": 1e300}, "e": "7.0"});
        super::integral_numbers(&mut v);
        assert_eq!(v["a"], serde_json::json!(30));
        assert_eq!(v["b"], serde_json::json!([1.5, -2]));
        assert!(v["c"]["d"].is_f64());
        assert_eq!(v["e"], "7.0");
    }

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
