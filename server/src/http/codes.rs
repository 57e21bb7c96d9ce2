//! Codes over HTTP: the routes of a method whose code goes out on a
//! channel ([`channel!`], which the SMS and email methods name), and the
//! development outbox.

use super::error::AppJson;
use super::extract::Admin;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use authlevel_core::api::Problem;
use authlevel_core::{Channel, ChannelSpec, ErrorCode, Method};
use axum::extract::State;
use serde::Serialize;

/// The three routes of a method whose code goes out on a channel (SMS,
/// email), which differ only in the method: send the login step's code,
/// verify it, and confirm a new contact point; and `routes()`, which
/// registers them. Their paths and summaries are the method's and its
/// channel's descriptions in `core`. Each such method's `http.rs` names
/// them: `channel!(Method::Sms, sms_send, sms_verify, phone_confirm);`.
macro_rules! channel {
    ($method:expr, $send:ident, $verify:ident, $confirm:ident) => {
        const _: () = assert!($method.spec().channel.is_some(), "a code method has a channel");

        /// The channel its code goes out on.
        const CHANNEL: authlevel_core::ChannelSpec = $crate::http::codes::channel_of($method);

        /// This method's routes.
        pub fn routes() -> utoipa_axum::router::OpenApiRouter<$crate::state::AppState> {
            $crate::http::answers::router![$send, $verify, $confirm]
        }

        #[utoipa::path(post, path = format!("/api/login/{}/send", $method.as_str()), tag = "login",
            summary = format!("Sends an {} for the login in progress (only after its first step).", $method.spec().label_lower.en),
            responses((status = 200, body = authlevel_core::api::SendCodeResponse),
                      (status = 409, body = authlevel_core::api::Problem, description = "`no_login` or `method_not_offered`: no login in progress, or the method is not open in it"),
                      (status = 502, body = authlevel_core::api::Problem, description = "`delivery_failed`: the code could not be sent")))]
        async fn $send(
            axum::extract::State(app): axum::extract::State<$crate::state::AppState>,
            browser: $crate::login::Browser,
            _: $crate::http::extract::RateLimited,
        ) -> $crate::error::ApiResult<$crate::http::error::AppJson<authlevel_core::api::SendCodeResponse>> {
            Ok($crate::http::error::AppJson(
                $crate::login::codes::send_for_login(&app, &browser, $method).await?,
            ))
        }

        #[utoipa::path(post, path = format!("/api/login/{}/verify", $method.as_str()), tag = "login",
            summary = format!("Verifies the {} of the login in progress.", $method.spec().label_lower.en),
            request_body = authlevel_core::api::CodeRequest,
            responses((status = 200, body = authlevel_core::api::LoginState),
                      (status = 401, body = authlevel_core::api::Problem, description = "`invalid_code`: the code is wrong, used, expired or superseded (or the method is locked)"),
                      (status = 409, body = authlevel_core::api::Problem, description = "`no_login` or `method_not_offered`: no login in progress, or the method is not open in it")))]
        #[tracing::instrument(skip_all)]
        async fn $verify(
            axum::extract::State(app): axum::extract::State<$crate::state::AppState>,
            browser: $crate::login::Browser,
            $crate::http::error::AppJson(req): $crate::http::error::AppJson<authlevel_core::api::CodeRequest>,
        ) -> $crate::error::ApiResult<axum::response::Response> {
            let step = $crate::login::codes::verify(&app, &browser, $method, &req.code).await;
            $crate::http::login::answer(&app.config, step)
        }

        #[utoipa::path(post, path = format!("/api/me/{}/verify", CHANNEL.field), tag = "me",
            summary = format!("Confirms a new {} with the code sent to it.", CHANNEL.label.en.to_lowercase()),
            request_body = authlevel_core::api::CodeRequest,
            responses((status = 204, description = "Confirmed: offered at login from now on"),
                      (status = 401, body = authlevel_core::api::Problem, description = "`invalid_code`: the code is wrong, used or expired"),
                      (status = 409, body = authlevel_core::api::Problem, description = "`no_login`: nothing is waiting for a code")))]
        #[tracing::instrument(skip_all)]
        async fn $confirm(
            who: $crate::http::extract::Fresh,
            $crate::http::error::AppJson(req): $crate::http::error::AppJson<authlevel_core::api::CodeRequest>,
        ) -> $crate::error::ApiResult<axum::http::StatusCode> {
            $crate::login::codes::confirm(&who.app, who.user(), $method, &req.code, who.ip()).await?;
            Ok(axum::http::StatusCode::NO_CONTENT)
        }
    };
}

/// The channel of a code method ([`channel!`] checks as it compiles that
/// the method has one).
pub const fn channel_of(method: Method) -> ChannelSpec {
    match method.spec().channel {
        Some(channel) => channel.spec(),
        None => Channel::Sms.spec(),
    }
}
pub(crate) use channel;

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
    Admin { auth, .. }: Admin,
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
