//! SMS and email codes over HTTP: the login steps, confirming a new mobile
//! number or email address, and the development outbox.

use super::error::AppJson;
use super::extract::Fresh;
use super::login::login_step;
use crate::error::{ApiError, ApiResult};
use crate::login::{Browser, codes};
use crate::session::Authenticated;
use crate::state::AppState;
use authlevel_core::api::{CodeRequest, LoginState, Problem, SendCodeResponse};
use authlevel_core::{ErrorCode, Method};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

/// The three routes of one channel, which differ only in the channel: send
/// the login step's code, verify it, and confirm a new number or address.
macro_rules! channel {
    ($method:expr,
     $send:ident = $send_path:literal, $send_doc:literal,
     $verify:ident = $verify_path:literal, $verify_doc:literal,
     $confirm:ident = $confirm_path:literal, $confirm_doc:literal) => {
        #[doc = $send_doc]
        #[utoipa::path(post, path = $send_path, tag = "login",
            responses((status = 200, body = SendCodeResponse),
                      (status = 409, body = Problem, description = "`no_login` or `method_not_offered`: no login in progress, or the method is not open in it"),
                      (status = 502, body = Problem, description = "`delivery_failed`: the code could not be sent")))]
        pub(super) async fn $send(
            State(app): State<AppState>,
            browser: Browser,
        ) -> ApiResult<AppJson<SendCodeResponse>> {
            Ok(AppJson(codes::send_for_login(&app, &browser, $method).await?))
        }

        login_step!(
            #[doc = $verify_doc]
            $verify = $verify_path, CodeRequest,
            401 = "`invalid_code`: the code is wrong, used, expired or superseded (or the method is locked)",
            409 = "`no_login` or `method_not_offered`: no login in progress, or the method is not open in it",
            |app, browser, req| codes::verify(&app, &browser, $method, &req.code)
        );

        #[doc = $confirm_doc]
        #[utoipa::path(post, path = $confirm_path, tag = "me", request_body = CodeRequest,
            responses((status = 204, description = "Confirmed: offered at login from now on"),
                      (status = 401, body = Problem, description = "`invalid_code`: the code is wrong, used or expired"),
                      (status = 409, body = Problem, description = "`no_login`: nothing is waiting for a code")))]
        #[tracing::instrument(skip_all)]
        pub(super) async fn $confirm(
            State(app): State<AppState>,
            who: Fresh,
            AppJson(req): AppJson<CodeRequest>,
        ) -> ApiResult<StatusCode> {
            codes::confirm(&app, who.user(), $method, &req.code, who.ip()).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

channel!(
    Method::Sms,
    sms_send = "/api/login/sms/send",
    "Sends an SMS code for the login in progress (only after its first step).",
    sms_verify = "/api/login/sms/verify",
    "Verifies the SMS code of the login in progress.",
    phone_confirm = "/api/me/phone/verify",
    "Confirms a new mobile number with the code sent to it."
);

channel!(
    Method::Email,
    email_send = "/api/login/email/send",
    "Sends an email code for the login in progress (only after its first step).",
    email_verify = "/api/login/email/verify",
    "Verifies the email code of the login in progress.",
    email_confirm = "/api/me/email/verify",
    "Confirms a new email address with the code sent to it."
);

/// A message the development delivery printed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxMessage {
    /// When (Unix seconds).
    pub at: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The number or address.
    pub to: String,
    /// The text, with its code.
    pub message: String,
}

/// The development outbox: what the `log` delivery sent. Only in dev mode,
/// only for operators (administrators of the `default` directory): it
/// holds the codes of every directory's users.
#[utoipa::path(get, path = "/api/admin/dev/outbox", tag = "admin",
    responses((status = 200, body = Vec<OutboxMessage>),
              (status = 404, body = Problem, description = "Not in development mode")))]
pub(super) async fn dev_outbox(
    State(app): State<AppState>,
    auth: Authenticated,
) -> ApiResult<AppJson<Vec<OutboxMessage>>> {
    if !auth.is_operator() {
        return Err(ApiError::text(
            ErrorCode::Forbidden,
            crate::text::outbox_operators,
        ));
    }
    if !app.config.dev {
        return Err(ApiError::text(
            ErrorCode::NotFound,
            crate::text::outbox_dev_only,
        ));
    }
    let rows = app.store.outbox(50).await?;
    Ok(AppJson(
        rows.into_iter()
            .map(|(at, channel, to, message)| OutboxMessage {
                at,
                channel,
                to,
                message,
            })
            .collect(),
    ))
}
