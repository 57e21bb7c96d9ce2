//! The HTTP API of the server, one async function per endpoint. Paths come
//! from `authlevel_core::api::paths` and bodies are the core wire types, so
//! the browser and the server cannot drift apart. Errors arrive as
//! `application/problem+json` and become an [`ApiError`]. Arguments are
//! taken by value, so a request's future owns what it sends and can be
//! handed on (see `Feedback::run`).

mod admin;
pub use admin::*;

use crate::app::encode as encode_component;
use crate::text;
use authlevel_core::Method;
use authlevel_core::api::{
    AppSent, CodeRequest, KnownBrowser, LoginState, Me, PasskeyInfo, PasskeyStartRequest,
    PasswordLoginRequest, Problem, SendCodeResponse, SessionInfo, SessionSummary, SetupRequest,
    SetupResponse, UpdateMeRequest, paths,
};
use authlevel_core::{ErrorCode, Lang, PolicyReport};
use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

/// Why a request did not give the answer asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server refused with a problem+json body (boxed: it is large).
    Problem(Box<Problem>),
    /// No answer, or an answer that is not what the API promises, or a
    /// passkey ceremony of the browser that failed.
    Transport {
        /// The HTTP status, when there was an answer.
        status: Option<u16>,
        /// What went wrong.
        fault: Fault,
    },
}

/// What went wrong on the browser's side of a request, worded by
/// [`ApiError::message`] in the page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request could not be built.
    Unprepared,
    /// No answer.
    Unreachable,
    /// An answer that could not be read, or not of the promised shape.
    Unreadable,
    /// A failure status without a problem+json body.
    Status,
    /// The person ended a passkey request, or let it time out.
    PasskeyNotUsed,
    /// This device already holds a passkey of the account.
    PasskeyExists,
    /// WebAuthn refused the page's address.
    PasskeyAddress,
    /// WebAuthn is not available.
    PasskeyUnsupported,
    /// Any other failed passkey ceremony.
    PasskeyFailed,
}

impl ApiError {
    /// The problem's stable `code`, if any.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem(p) => Some(p.code),
            ApiError::Transport { .. } => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(p) => Some(p.status),
            ApiError::Transport { status, .. } => *status,
        }
    }

    /// What went wrong, in words: the problem's `detail`, else its `title`
    /// (the server words them in the request's language), or the browser's
    /// own failure in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ApiError::Problem(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            ApiError::Transport { status, fault } => match fault {
                Fault::Unprepared => text::error_unprepared(lang),
                Fault::Unreachable => text::error_unreachable(lang),
                Fault::Unreadable => text::error_unreadable(lang),
                Fault::Status => text::error_status(lang, status.map_or(0, u32::from)),
                Fault::PasskeyNotUsed => text::passkey_not_used(lang),
                Fault::PasskeyExists => text::passkey_exists(lang),
                Fault::PasskeyAddress => text::passkey_address(lang),
                Fault::PasskeyUnsupported => text::passkey_unsupported(lang),
                Fault::PasskeyFailed => text::passkey_failed(lang),
            },
        }
    }

    /// Whether the server wants a fresh login first (403 `reauth_required`).
    pub fn needs_reauth(&self) -> bool {
        self.code() == Some(ErrorCode::ReauthRequired)
    }

    /// The policy analysis attached to an `invalid_policy` problem.
    pub fn report(&self) -> Option<&PolicyReport> {
        match self {
            ApiError::Problem(p) => p.report.as_ref(),
            ApiError::Transport { .. } => None,
        }
    }
}

/// A result of the API.
pub type ApiResult<T> = Result<T, ApiError>;

/// Sends one request and answers the body of a success, or the problem of a
/// failure. Not generic, so the browser app carries one copy of it; only
/// the JSON decoding is per type.
//
// Cookies carry the login flow, the enrolment and the session; they are
// same-origin only. The server refuses state-changing requests that are not
// JSON, so those always send a JSON body (`{}` when there is nothing to say).
pub(crate) async fn exchange(
    method: HttpMethod,
    path: &str,
    body: Option<String>,
) -> ApiResult<String> {
    exchange_as(method, path, body.map(|json| ("application/json", json))).await
}

/// How the console asks for a fresh login when the server wants one first
/// (403 `reauth_required`): it answers whether the person logged in again.
/// The login page has none.
type Relogin = std::rc::Rc<dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = bool>>>>;

thread_local! {
    static RELOGIN: std::cell::RefCell<Option<Relogin>> = const { std::cell::RefCell::new(None) };
}

/// From now on a request the server refuses with `reauth_required` asks
/// `relogin` for a fresh login and, once it is done, is sent again: the
/// action the person asked for is finished, whichever page asked.
pub fn on_reauth(relogin: impl Fn() -> std::pin::Pin<Box<dyn Future<Output = bool>>> + 'static) {
    RELOGIN.with(|r| *r.borrow_mut() = Some(std::rc::Rc::new(relogin)));
}

/// [`exchange`] with a body of another type: `(content type, body)`. A
/// refusal for want of a fresh login is answered by the console's
/// [`on_reauth`], and the request sent once more.
async fn exchange_as(
    method: HttpMethod,
    path: &str,
    body: Option<(&str, String)>,
) -> ApiResult<String> {
    let first = send_once(method.clone(), path, body.clone(), None).await;
    let relogin = RELOGIN.with(|r| r.borrow().clone());
    match (first, relogin) {
        (Err(e), Some(relogin)) if e.needs_reauth() => {
            if relogin().await {
                send_once(method, path, body, None).await
            } else {
                Err(e)
            }
        }
        (answer, _) => answer,
    }
}

/// A request of the approval app, which names its phone by its token
/// (`Authorization: Bearer`) rather than by a cookie; a JSON body.
pub(crate) async fn exchange_bearer(
    method: HttpMethod,
    path: &str,
    token: &str,
    body: Option<String>,
) -> ApiResult<String> {
    let body = body.map(|json| ("application/json", json));
    send_once(method, path, body, Some(token)).await
}

/// Sends one request (with `bearer` as its `Authorization`, when given);
/// answers the body of a success or the problem.
async fn send_once(
    method: HttpMethod,
    path: &str,
    body: Option<(&str, String)>,
    bearer: Option<&str>,
) -> ApiResult<String> {
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json");
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some((content_type, body)) => builder.header("Content-Type", content_type).body(body),
        None => builder.build(),
    }
    .map_err(|_| transport(None, Fault::Unprepared))?;
    let response = request
        .send()
        .await
        .map_err(|_| transport(None, Fault::Unreachable))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|_| transport(Some(status), Fault::Unreadable))?;
    if response.ok() {
        return Ok(text);
    }
    Err(match serde_json::from_str::<Problem>(&text) {
        Ok(p) => ApiError::Problem(Box::new(p)),
        Err(_) => transport(Some(status), Fault::Status),
    })
}

/// A failure of the browser's side.
pub fn transport(status: Option<u16>, fault: Fault) -> ApiError {
    ApiError::Transport { status, fault }
}

pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|_| transport(None, Fault::Unreadable))
}

pub(crate) fn encode<B: Serialize + ?Sized>(body: &B) -> ApiResult<String> {
    serde_json::to_string(body).map_err(|_| transport(None, Fault::Unprepared))
}

pub(crate) async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(&exchange(HttpMethod::GET, path, None).await?)
}

pub(crate) async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
    method: HttpMethod,
    path: &str,
    body: &B,
) -> ApiResult<T> {
    decode(&exchange(method, path, Some(encode(body)?)).await?)
}

/// The methods that send a body, by name, for [`send`].
pub(crate) const POST: HttpMethod = HttpMethod::POST;
pub(crate) const PUT: HttpMethod = HttpMethod::PUT;
pub(crate) const PATCH: HttpMethod = HttpMethod::PATCH;

/// A DELETE (its success has no body).
pub(crate) async fn delete(path: &str) -> ApiResult<()> {
    exchange(HttpMethod::DELETE, path, None).await.map(drop)
}

/// A POST whose success has no body (`204 No Content`).
pub(crate) async fn post_empty<B: Serialize + ?Sized>(path: &str, body: &B) -> ApiResult<()> {
    exchange(HttpMethod::POST, path, Some(encode(body)?))
        .await
        .map(drop)
}

/// A POST of `{}` whose answer is passed on as JSON text, unread (WebAuthn
/// options go to the browser's parser as they are).
pub(crate) async fn post_raw(path: &str, body: String) -> ApiResult<String> {
    exchange(HttpMethod::POST, path, Some(body)).await
}

/// The body of POSTs that carry nothing: `{}`.
#[derive(Serialize)]
pub(crate) struct Empty {}

/// `GET /api/login[?directory=]`: the current login, or the first steps of
/// a new one in `directory` (a slug; the default directory when `None`).
pub async fn login_state(directory: Option<String>) -> ApiResult<LoginState> {
    match directory {
        Some(d) => {
            get(&format!(
                "{}?directory={}",
                paths::LOGIN,
                encode_component(&d)
            ))
            .await
        }
        None => get(paths::LOGIN).await,
    }
}

/// `POST /api/login/password`: the password step.
pub async fn login_password(req: PasswordLoginRequest) -> ApiResult<LoginState> {
    send(POST, paths::LOGIN_PASSWORD, &req).await
}

/// `POST /api/login/{sms|email}/send`: sends a one-time code.
pub async fn send_code(method: Method) -> ApiResult<SendCodeResponse> {
    send(POST, &paths::login_send(method), &Empty {}).await
}

/// `POST /api/login/{sms|email|totp}/verify`: checks a code.
pub async fn verify_code(method: Method, req: CodeRequest) -> ApiResult<LoginState> {
    send(POST, &paths::login_verify(method), &req).await
}

/// `GET /api/session`: who is logged in.
pub async fn session() -> ApiResult<SessionInfo> {
    get(paths::SESSION).await
}

/// `POST /api/logout`: ends the session.
pub async fn logout() -> ApiResult<()> {
    post_empty(paths::LOGOUT, &Empty {}).await
}

/// `POST /api/setup`: opens enrolment with a setup link's token.
pub async fn open_setup(req: SetupRequest) -> ApiResult<SetupResponse> {
    send(POST, paths::SETUP, &req).await
}

/// `GET /api/setup`: the enrolment opened before (reload-safe).
pub async fn setup_status() -> ApiResult<SetupResponse> {
    get(paths::SETUP).await
}

/// `POST /api/setup/finish`: ends enrolment.
pub async fn finish_setup() -> ApiResult<()> {
    post_empty(paths::SETUP_FINISH, &Empty {}).await
}

/// `POST /api/login/passkey/start`: WebAuthn request options, as JSON text.
pub async fn passkey_login_start(req: PasskeyStartRequest) -> ApiResult<String> {
    post_raw(paths::LOGIN_PASSKEY_START, encode(&req)?).await
}

/// `POST /api/login/passkey/finish`: the assertion (JSON text from the browser).
pub async fn passkey_login_finish(credential: String) -> ApiResult<LoginState> {
    decode(&post_raw(paths::LOGIN_PASSKEY_FINISH, credential).await?)
}

/// `GET /api/me`: the own profile.
pub async fn me() -> ApiResult<Me> {
    get(paths::ME).await
}

/// `PATCH /api/me`: changes the profile; a new phone or email gets a code.
pub async fn update_me(req: UpdateMeRequest) -> ApiResult<Me> {
    send(PATCH, paths::ME, &req).await
}

/// `PATCH /api/me {"language": …}`: the language of what is sent to the
/// logged-in person. The body is written here and the answer left unread,
/// so the login page, whose switch calls this, carries no serde code for
/// the profile.
pub async fn set_language(lang: Lang) -> ApiResult<()> {
    let body = format!(r#"{{"language":"{}"}}"#, lang.as_str());
    exchange(HttpMethod::PATCH, paths::ME, Some(body))
        .await
        .map(drop)
}

/// `POST /api/login/app/send`: an approval to the paired phones.
pub async fn app_send() -> ApiResult<AppSent> {
    send(POST, &paths::login_send(Method::App), &Empty {}).await
}

/// `POST /api/me/{phone|email}/verify`: confirms the pending contact point
/// of a code `method` (its channel's field).
pub async fn confirm_contact(method: Method, req: CodeRequest) -> ApiResult<()> {
    let what = method.spec().channel.map_or("", |c| c.spec().field);
    post_empty(&format!("{}/{what}/verify", paths::ME), &req).await
}

/// `POST /api/me/passkeys/register/start`: creation options, as JSON text.
pub async fn passkey_register_start() -> ApiResult<String> {
    post_raw(paths::ME_PASSKEYS_REGISTER_START, "{}".into()).await
}

/// `POST /api/me/passkeys/register/finish`: the new passkey (JSON text from
/// the browser) and its name.
pub async fn passkey_register_finish(credential: String, name: String) -> ApiResult<PasskeyInfo> {
    let body = format!(r#"{{"credential":{credential},"name":{}}}"#, encode(&name)?);
    decode(&post_raw(paths::ME_PASSKEYS_REGISTER_FINISH, body).await?)
}

/// `GET /api/me/sessions`: the own sessions.
pub async fn sessions() -> ApiResult<Vec<SessionSummary>> {
    get(paths::ME_SESSIONS).await
}

/// `DELETE /api/me/sessions/{id}`: ends one own session.
pub async fn end_session(id: String) -> ApiResult<()> {
    delete(&paths::me_session(&id)).await
}

/// `POST /api/me/sessions/end-others`: ends every own session but this one.
pub async fn end_other_sessions() -> ApiResult<()> {
    post_empty(paths::ME_SESSIONS_END_OTHERS, &Empty {}).await
}

/// `GET /api/me/browsers`: the browsers known to the own account.
pub async fn known_browsers() -> ApiResult<Vec<KnownBrowser>> {
    get(paths::ME_BROWSERS).await
}

/// `DELETE /api/me/browsers/{id}`: forgets one known browser.
pub async fn forget_browser(id: String) -> ApiResult<()> {
    delete(&paths::me_browser(&id)).await
}
