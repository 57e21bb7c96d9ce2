//! The HTTP API of the server, one async function per endpoint. Paths come
//! from `authlevel_core::api::paths` and bodies are the core wire types, so
//! the browser and the server cannot drift apart. Errors arrive as
//! `application/problem+json` and become an [`ApiError`]. Arguments are
//! taken by value, so a request's future owns what it sends and can be
//! handed on (see `Feedback::run`).

use crate::app::{encode as encode_component, query};
use crate::text;
use authlevel_core::Method;
use authlevel_core::api::{
    AuditEvent, BulkRequest, BulkResult, ChangePasswordRequest, ClientInfo, CodeRequest,
    CreateClientRequest, CreateDirectoryRequest, CreateUserRequest, CreatedClient, CreatedUser,
    Directory, ImportReport, KnownBrowser, LoginState, Me, PasskeyInfo, PasskeyStartRequest,
    PasswordLoginRequest, PolicyResponse, Problem, RecoveryCodes, RecoveryCodesStatus,
    RenamePasskeyRequest, SendCodeResponse, SessionInfo, SessionSummary, SetupLink, SetupRequest,
    SetupResponse, TotpSetupResponse, UpdateDirectoryRequest, UpdateMeRequest, UpdateUserRequest,
    User, UsersPage, paths,
};
use authlevel_core::{ErrorCode, Lang, Policy, PolicyReport};
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
async fn exchange(method: HttpMethod, path: &str, body: Option<String>) -> ApiResult<String> {
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
    let first = send_once(method.clone(), path, body.clone()).await;
    let relogin = RELOGIN.with(|r| r.borrow().clone());
    match (first, relogin) {
        (Err(e), Some(relogin)) if e.needs_reauth() => {
            if relogin().await {
                send_once(method, path, body).await
            } else {
                Err(e)
            }
        }
        (answer, _) => answer,
    }
}

/// Sends one request; answers the body of a success or the problem.
async fn send_once(
    method: HttpMethod,
    path: &str,
    body: Option<(&str, String)>,
) -> ApiResult<String> {
    let builder = RequestBuilder::new(path)
        .method(method)
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json");
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

fn decode<T: DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|_| transport(None, Fault::Unreadable))
}

fn encode<B: Serialize + ?Sized>(body: &B) -> ApiResult<String> {
    serde_json::to_string(body).map_err(|_| transport(None, Fault::Unprepared))
}

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(&exchange(HttpMethod::GET, path, None).await?)
}

async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
    method: HttpMethod,
    path: &str,
    body: &B,
) -> ApiResult<T> {
    decode(&exchange(method, path, Some(encode(body)?)).await?)
}

/// A POST whose success has no body (`204 No Content`).
async fn post_empty<B: Serialize + ?Sized>(path: &str, body: &B) -> ApiResult<()> {
    exchange(HttpMethod::POST, path, Some(encode(body)?))
        .await
        .map(drop)
}

/// A POST of `{}` whose answer is passed on as JSON text, unread (WebAuthn
/// options go to the browser's parser as they are).
async fn post_raw(path: &str, body: String) -> ApiResult<String> {
    exchange(HttpMethod::POST, path, Some(body)).await
}

/// The body of POSTs that carry nothing: `{}`.
#[derive(Serialize)]
struct Empty {}

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
    send(HttpMethod::POST, paths::LOGIN_PASSWORD, &req).await
}

/// `POST /api/login/{sms|email}/send`: sends a one-time code.
pub async fn send_code(method: Method) -> ApiResult<SendCodeResponse> {
    send(HttpMethod::POST, &paths::login_send(method), &Empty {}).await
}

/// `POST /api/login/{sms|email|totp}/verify`: checks a code.
pub async fn verify_code(method: Method, req: CodeRequest) -> ApiResult<LoginState> {
    send(HttpMethod::POST, &paths::login_verify(method), &req).await
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
    send(HttpMethod::POST, paths::SETUP, &req).await
}

/// `GET /api/setup`: the enrolment opened before (reload-safe).
pub async fn setup_status() -> ApiResult<SetupResponse> {
    get(paths::SETUP).await
}

/// `POST /api/setup/finish`: ends enrolment.
pub async fn finish_setup() -> ApiResult<()> {
    post_empty(paths::SETUP_FINISH, &Empty {}).await
}

/// `POST /api/me/password`: sets a new password.
pub async fn change_password(req: ChangePasswordRequest) -> ApiResult<()> {
    post_empty(paths::ME_PASSWORD, &req).await
}

/// `GET /api/admin/directories`: the directories this administrator manages.
pub async fn directories() -> ApiResult<Vec<Directory>> {
    get(paths::ADMIN_DIRECTORIES).await
}

/// `POST /api/admin/directories`: a new directory (operators).
pub async fn create_directory(req: CreateDirectoryRequest) -> ApiResult<Directory> {
    send(HttpMethod::POST, paths::ADMIN_DIRECTORIES, &req).await
}

/// `PATCH /api/admin/directories/{id}`: renames a directory (operators).
pub async fn rename_directory(
    directory_id: String,
    req: UpdateDirectoryRequest,
) -> ApiResult<Directory> {
    send(
        HttpMethod::PATCH,
        &paths::admin_directory(&directory_id),
        &req,
    )
    .await
}

/// `GET /api/admin/directories/{id}/policy`: the policy, its analysis and
/// the users' enrolments.
pub async fn policy(directory_id: String) -> ApiResult<PolicyResponse> {
    get(&paths::admin_policy(&directory_id)).await
}

/// `PUT /api/admin/directories/{id}/policy`: saves the policy; answers its
/// analysis. A policy with errors is refused (422, with the report).
pub async fn save_policy(directory_id: String, policy: Policy) -> ApiResult<PolicyReport> {
    send(
        HttpMethod::PUT,
        &paths::admin_policy(&directory_id),
        &policy,
    )
    .await
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
    send(HttpMethod::PATCH, paths::ME, &req).await
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

/// `POST /api/me/{phone|email}/verify`: confirms a pending mobile number
/// (`Method::Sms`) or email address.
pub async fn confirm_contact(method: Method, req: CodeRequest) -> ApiResult<()> {
    let what = if method == Method::Sms {
        "phone"
    } else {
        "email"
    };
    post_empty(&format!("{}/{what}/verify", paths::ME), &req).await
}

/// `GET /api/me/recovery-codes`: how many recovery codes are left.
pub async fn recovery_codes() -> ApiResult<RecoveryCodesStatus> {
    get(paths::ME_RECOVERY_CODES).await
}

/// `POST /api/me/recovery-codes`: a new set, shown once.
pub async fn make_recovery_codes() -> ApiResult<RecoveryCodes> {
    send(HttpMethod::POST, paths::ME_RECOVERY_CODES, &Empty {}).await
}

/// `DELETE /api/admin/users/{id}/recovery-codes`: revokes a user's codes.
pub async fn revoke_recovery_codes(user_id: String) -> ApiResult<()> {
    exchange(
        HttpMethod::DELETE,
        &paths::admin_recovery_codes(&user_id),
        None,
    )
    .await
    .map(drop)
}

/// `POST /api/me/totp/setup`: a new authenticator-app secret to confirm.
pub async fn totp_setup() -> ApiResult<TotpSetupResponse> {
    send(HttpMethod::POST, paths::ME_TOTP_SETUP, &Empty {}).await
}

/// `POST /api/me/totp/confirm`: confirms the secret with a code from the app.
pub async fn totp_confirm(req: CodeRequest) -> ApiResult<()> {
    post_empty(paths::ME_TOTP_CONFIRM, &req).await
}

/// `DELETE /api/me/totp`: removes the authenticator app.
pub async fn totp_remove() -> ApiResult<()> {
    exchange(HttpMethod::DELETE, paths::ME_TOTP, None)
        .await
        .map(drop)
}

/// `GET /api/me/passkeys`: the own passkeys.
pub async fn passkeys() -> ApiResult<Vec<PasskeyInfo>> {
    get(paths::ME_PASSKEYS).await
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

/// `PATCH /api/me/passkeys/{id}`: renames a passkey.
pub async fn rename_passkey(id: String, req: RenamePasskeyRequest) -> ApiResult<()> {
    exchange(
        HttpMethod::PATCH,
        &paths::me_passkey(&id),
        Some(encode(&req)?),
    )
    .await
    .map(drop)
}

/// `DELETE /api/me/passkeys/{id}`: removes a passkey.
pub async fn delete_passkey(id: String) -> ApiResult<()> {
    exchange(HttpMethod::DELETE, &paths::me_passkey(&id), None)
        .await
        .map(drop)
}

/// `GET /api/me/sessions`: the own sessions.
pub async fn sessions() -> ApiResult<Vec<SessionSummary>> {
    get(paths::ME_SESSIONS).await
}

/// `DELETE /api/me/sessions/{id}`: ends one own session.
pub async fn end_session(id: String) -> ApiResult<()> {
    exchange(HttpMethod::DELETE, &paths::me_session(&id), None)
        .await
        .map(drop)
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
    exchange(HttpMethod::DELETE, &paths::me_browser(&id), None)
        .await
        .map(drop)
}

/// Which of a directory's users to list or export, as the query names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersQuery {
    /// Searched in username, display name, email and phone.
    pub q: String,
    /// A `UserFilter`'s query value, or empty.
    pub filter: String,
    /// The policy being edited, as JSON (for `cannot_reach_edited`), or empty.
    pub policy: String,
}

impl UsersQuery {
    /// The query string (with its `?`) of these and `more` pairs.
    fn with(&self, more: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("q", self.q.as_str()),
            ("filter", self.filter.as_str()),
            ("policy", self.policy.as_str()),
        ];
        pairs.extend_from_slice(more);
        query(&pairs)
    }
}

/// `GET /api/admin/directories/{id}/users`: one page of the users `which`
/// names, by username, from `cursor` (the first page when empty).
pub async fn users(
    directory_id: String,
    which: UsersQuery,
    cursor: String,
    limit: u32,
) -> ApiResult<UsersPage> {
    let limit = limit.to_string();
    let rest = which.with(&[("cursor", &cursor), ("limit", &limit)]);
    get(&format!("{}{rest}", paths::admin_users(&directory_id))).await
}

/// `GET /api/admin/directories/{id}/users/export`: the address of the CSV
/// of the users `which` names (a link downloads it).
pub fn users_export_url(directory_id: &str, which: &UsersQuery) -> String {
    format!(
        "{}{}",
        paths::admin_users_export(directory_id),
        which.with(&[])
    )
}

/// `POST /api/admin/directories/{id}/users/import`: checks (`dry_run`) or
/// applies a CSV file; `update`: existing users are updated, else their
/// rows are errors.
pub async fn import_users(
    directory_id: String,
    csv: String,
    dry_run: bool,
    update: bool,
) -> ApiResult<ImportReport> {
    let rest = query(&[
        ("dry_run", if dry_run { "true" } else { "false" }),
        ("update", if update { "true" } else { "false" }),
    ]);
    let path = format!("{}{rest}", paths::admin_users_import(&directory_id));
    decode(&exchange_as(HttpMethod::POST, &path, Some(("text/csv", csv))).await?)
}

/// `POST /api/admin/directories/{id}/users/bulk`: one action for many users.
pub async fn bulk(directory_id: String, req: BulkRequest) -> ApiResult<BulkResult> {
    send(
        HttpMethod::POST,
        &paths::admin_users_bulk(&directory_id),
        &req,
    )
    .await
}

/// `GET /api/admin/users/{id}`: one user.
pub async fn user(user_id: String) -> ApiResult<User> {
    get(&paths::admin_user(&user_id)).await
}

/// `POST /api/admin/directories/{id}/users`: a new user and their setup link.
pub async fn create_user(directory_id: String, req: CreateUserRequest) -> ApiResult<CreatedUser> {
    send(HttpMethod::POST, &paths::admin_users(&directory_id), &req).await
}

/// `PATCH /api/admin/users/{id}`: changes a user.
pub async fn update_user(user_id: String, req: UpdateUserRequest) -> ApiResult<User> {
    send(HttpMethod::PATCH, &paths::admin_user(&user_id), &req).await
}

/// `POST /api/admin/users/{id}/setup-link`: a new setup link for a user.
pub async fn new_setup_link(user_id: String) -> ApiResult<SetupLink> {
    send(
        HttpMethod::POST,
        &paths::admin_setup_link(&user_id),
        &Empty {},
    )
    .await
}

/// `POST /api/admin/users/{id}/unlock`: lifts a user's lockouts.
pub async fn unlock_user(user_id: String) -> ApiResult<()> {
    exchange(
        HttpMethod::POST,
        &paths::admin_unlock(&user_id),
        Some(encode(&Empty {})?),
    )
    .await
    .map(drop)
}

/// `DELETE /api/admin/users/{id}/sessions`: ends every session of a user.
pub async fn end_user_sessions(user_id: String) -> ApiResult<()> {
    exchange(
        HttpMethod::DELETE,
        &paths::admin_user_sessions(&user_id),
        None,
    )
    .await
    .map(drop)
}

/// `GET /api/admin/audit`: the newest `limit` events of a directory.
pub async fn audit(directory_id: String, limit: u32) -> ApiResult<Vec<AuditEvent>> {
    get(&format!(
        "{}?directory={directory_id}&limit={limit}",
        paths::ADMIN_AUDIT
    ))
    .await
}

/// `GET /api/admin/directories/{id}/clients`: a directory's applications.
pub async fn clients(directory_id: String) -> ApiResult<Vec<ClientInfo>> {
    get(&paths::admin_clients(&directory_id)).await
}

/// `POST /api/admin/directories/{id}/clients`: registers an application;
/// a confidential one's secret comes back this once.
pub async fn create_client(
    directory_id: String,
    req: CreateClientRequest,
) -> ApiResult<CreatedClient> {
    send(HttpMethod::POST, &paths::admin_clients(&directory_id), &req).await
}

/// `DELETE /api/admin/clients/{id}`: removes an application and ends its tokens.
pub async fn delete_client(client_id: String) -> ApiResult<()> {
    exchange(HttpMethod::DELETE, &paths::admin_client(&client_id), None)
        .await
        .map(drop)
}
