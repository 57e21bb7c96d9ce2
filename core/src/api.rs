//! Wire types and URL paths of the HTTP API, shared by server and frontend.
//!
//! Times are Unix seconds (UTC). Ids are opaque strings. Secrets in request
//! types have a `Debug` that redacts them.

use crate::audit::AuditKind;
use crate::error::ErrorCode;
use crate::method::{Method, MethodSet};
use crate::policy::Policy;
use crate::progress::{Evaluation, LoginOption, LoginStatus, Progress};
use crate::report::{EnrolmentCount, PolicyReport};
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The pattern of a name a person gives (a display name, a passkey's, an
/// application's, a directory's name): 1 to `max` characters with no
/// control characters, blanks around it allowed (and dropped). The wire
/// types name it by a placeholder, `pattern = "(a name of 1 to 100
/// characters)"` ([`NAME_PATTERNS`]), as their schema attributes take
/// only a literal; the server's document puts this pattern in its place.
pub fn name_pattern(max: usize) -> String {
    format!(
        r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\x00-\x1f\x7f-\x9f]{{0,{}}}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#,
        max.saturating_sub(2)
    )
}

/// The placeholders of [`name_pattern`] in the wire types, with their
/// longest names.
pub const NAME_PATTERNS: [(&str, usize); 2] = [
    ("(a name of 1 to 64 characters)", 64),
    ("(a name of 1 to 100 characters)", 100),
];

/// URL paths, used by the router and the frontend alike.
pub mod paths {
    /// `GET`: the current login's state.
    pub const LOGIN: &str = "/api/login";
    /// `POST`: the password step.
    pub const LOGIN_PASSWORD: &str = "/api/login/password";
    /// `POST`: WebAuthn request options.
    pub const LOGIN_PASSKEY_START: &str = "/api/login/passkey/start";
    /// `POST`: the signed assertion.
    pub const LOGIN_PASSKEY_FINISH: &str = "/api/login/passkey/finish";
    /// `POST`: a one-time setup link's token; opens enrolment.
    pub const SETUP: &str = "/api/setup";
    /// `POST`: ends enrolment.
    pub const SETUP_FINISH: &str = "/api/setup/finish";
    /// `GET`: the session.
    pub const SESSION: &str = "/api/session";
    /// `POST`: ends the session.
    pub const LOGOUT: &str = "/api/logout";
    /// `GET|PATCH`: the own profile.
    pub const ME: &str = "/api/me";
    /// `POST`: sets a new password.
    pub const ME_PASSWORD: &str = "/api/me/password";
    /// `POST`: a new authenticator-app secret to confirm.
    pub const ME_TOTP_SETUP: &str = "/api/me/totp/setup";
    /// `POST`: confirms the new secret with a code from the app.
    pub const ME_TOTP_CONFIRM: &str = "/api/me/totp/confirm";
    /// `DELETE`: removes the authenticator app.
    pub const ME_TOTP: &str = "/api/me/totp";
    /// `GET`: the own passkeys.
    pub const ME_PASSKEYS: &str = "/api/me/passkeys";
    /// `POST`: WebAuthn creation options for a new passkey.
    pub const ME_PASSKEYS_REGISTER_START: &str = "/api/me/passkeys/register/start";
    /// `POST`: the new passkey's attestation.
    pub const ME_PASSKEYS_REGISTER_FINISH: &str = "/api/me/passkeys/register/finish";
    /// `GET|POST`: directories.
    pub const ADMIN_DIRECTORIES: &str = "/api/admin/directories";
    /// `GET`: the audit log.
    pub const ADMIN_AUDIT: &str = "/api/admin/audit";
    /// `GET`: the OpenAPI document.
    pub const OPENAPI: &str = "/api/openapi.json";
    /// `GET`: liveness.
    pub const HEALTHZ: &str = "/healthz";
    /// `GET`: readiness (the database answers).
    pub const READYZ: &str = "/readyz";
    /// `GET`: Prometheus metrics.
    pub const METRICS: &str = "/metrics";

    /// `POST`: sends a code by `sms` or `email`.
    pub fn login_send(method: crate::Method) -> String {
        format!("/api/login/{}/send", method.as_str())
    }
    /// `POST`: verifies an `sms`, `email`, `totp` or `recovery` code.
    pub fn login_verify(method: crate::Method) -> String {
        format!("/api/login/{}/verify", method.as_str())
    }
    /// `PATCH|DELETE`: one own passkey.
    pub fn me_passkey(id: &str) -> String {
        format!("/api/me/passkeys/{id}")
    }
    /// `GET`: how many recovery codes are left; `POST`: a new set.
    pub const ME_RECOVERY_CODES: &str = "/api/me/recovery-codes";
    /// `POST`: a one-time link that pairs a phone with the approval app.
    pub const ME_APP_PAIR: &str = "/api/me/app/pair";
    /// `GET`: the own paired phones.
    pub const ME_APP_DEVICES: &str = "/api/me/app/devices";
    /// `DELETE`: one own paired phone.
    pub fn me_app_device(id: &str) -> String {
        format!("/api/me/app/devices/{id}")
    }
    /// `POST` (the app): WebAuthn creation options for its device key.
    pub const APP_PAIR_START: &str = "/api/app/pair/start";
    /// `POST` (the app): the device key, its name and push subscription.
    pub const APP_PAIR_FINISH: &str = "/api/app/pair/finish";
    /// `GET`: the server's VAPID public key.
    pub const APP_VAPID: &str = "/api/app/vapid";
    /// `PUT` (the app): a new push subscription.
    pub const APP_PUSH: &str = "/api/app/push";
    /// `GET` (the app): the approvals waiting for it.
    pub const APP_APPROVALS: &str = "/api/app/approvals";
    /// `POST` (the app): the answer to one approval.
    pub fn app_approval(id: &str) -> String {
        format!("/api/app/approvals/{id}")
    }
    /// `DELETE`: revokes a user's recovery codes (an administrator).
    pub fn admin_recovery_codes(user_id: &str) -> String {
        format!("/api/admin/users/{user_id}/recovery-codes")
    }
    /// `GET`: the own sessions.
    pub const ME_SESSIONS: &str = "/api/me/sessions";
    /// `POST`: ends every own session but this one.
    pub const ME_SESSIONS_END_OTHERS: &str = "/api/me/sessions/end-others";
    /// `DELETE`: ends one own session.
    pub fn me_session(id: &str) -> String {
        format!("/api/me/sessions/{id}")
    }
    /// `GET`: the browsers known to the own account.
    pub const ME_BROWSERS: &str = "/api/me/browsers";
    /// `DELETE`: forgets one known browser.
    pub fn me_browser(id: &str) -> String {
        format!("/api/me/browsers/{id}")
    }
    /// `GET|PUT`: a directory's policy.
    pub fn admin_policy(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/policy")
    }
    /// `POST`: replay a draft policy over the directory's past logins.
    pub fn admin_policy_replay(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/policy/replay")
    }
    /// `GET`: the last replay's users of one outcome.
    pub fn admin_policy_replay_users(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/policy/replay/users")
    }
    /// `GET|PUT|DELETE`: the directory's staged (report-only) policy.
    pub fn admin_policy_staged(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/policy/staged")
    }
    /// `POST`: the staged policy becomes the active one.
    pub fn admin_policy_promote(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/policy/staged/promote")
    }
    /// `GET|POST`: a directory's users.
    pub fn admin_users(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/users")
    }
    /// `PATCH`: a directory (its name).
    pub fn admin_directory(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}")
    }
    /// `POST` (`text/csv`): imports users.
    pub fn admin_users_import(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/users/import")
    }
    /// `GET`: the users as CSV.
    pub fn admin_users_export(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/users/export")
    }
    /// `POST`: one action for many users.
    pub fn admin_users_bulk(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/users/bulk")
    }
    /// `GET|PATCH|DELETE`: one user.
    pub fn admin_user(user_id: &str) -> String {
        format!("/api/admin/users/{user_id}")
    }
    /// `POST`: a new setup link for a user.
    pub fn admin_setup_link(user_id: &str) -> String {
        format!("/api/admin/users/{user_id}/setup-link")
    }
    /// `POST`: lifts a user's lockouts.
    pub fn admin_unlock(user_id: &str) -> String {
        format!("/api/admin/users/{user_id}/unlock")
    }
    /// `DELETE`: ends every session of a user.
    pub fn admin_user_sessions(user_id: &str) -> String {
        format!("/api/admin/users/{user_id}/sessions")
    }
    /// `GET|POST`: a directory's OpenID Connect clients.
    pub fn admin_clients(directory_id: &str) -> String {
        format!("/api/admin/directories/{directory_id}/clients")
    }
    /// `DELETE`: one client.
    pub fn admin_client(client_id: &str) -> String {
        format!("/api/admin/clients/{client_id}")
    }
}

/// Writes `[redacted]` for a secret field.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The answer to every login step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginState {
    /// Where the login stands.
    pub status: LoginStatus,
    /// Earned points, required level, verified methods.
    pub progress: Progress,
    /// The methods open now.
    pub options: Vec<LoginOption>,
    /// A sentence for the user, such as why the login is blocked or which
    /// application asks for a higher level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the person is told beside the progress, one notice each: which
    /// application asks for a higher level, that a recovery code was used
    /// (their words are in `message` too). A complete login goes on by
    /// itself unless a notice needs the person's answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// Where the browser goes once the login is complete (back to the
    /// application that asked for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continue_to: Option<String>,
}

impl LoginState {
    /// The state of an evaluation under `policy`, with the blocked reason
    /// in words, in `lang`.
    pub fn from_evaluation(eval: Evaluation, policy: &Policy, lang: crate::Lang) -> LoginState {
        let message = eval.blocked.as_ref().map(|b| b.message_in(policy, lang));
        LoginState {
            status: eval.status,
            progress: eval.progress,
            options: eval.options,
            message,
            notices: Vec::new(),
            continue_to: None,
        }
    }

    /// Tells the person `text` about `kind`: a notice, and its words in
    /// `message` as well (before the reason a login is blocked when they
    /// explain the level it asks for, after it otherwise), for a client
    /// that shows one sentence.
    pub fn tell(&mut self, kind: NoticeKind, text: String) {
        self.message = Some(match self.message.take() {
            None => text.clone(),
            Some(m) if kind.explains_level() => {
                // After the words that explained the level before it.
                let told = self
                    .notices
                    .iter()
                    .filter(|n| n.kind.explains_level())
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                match m.strip_prefix(told.as_str()) {
                    Some(rest) if !told.is_empty() => format!("{told} {text}{rest}"),
                    _ => format!("{text} {m}"),
                }
            }
            Some(m) => format!("{m} {text}"),
        });
        self.notices.push(Notice { kind, text });
    }

    /// Whether a notice waits for the person's answer before a complete
    /// login goes on.
    pub fn needs_ack(&self) -> bool {
        self.notices.iter().any(|n| n.kind.needs_ack())
    }
}

/// Something a login's answer tells the person beside its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notice {
    /// What it is about.
    pub kind: NoticeKind,
    /// It in words, in the request's language.
    pub text: String,
}

/// What a [`Notice`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// An application asks for a higher level than the directory's.
    ClientAsksMore,
    /// A recovery code was used: how many are left, and what to do before
    /// they run out. The person reads it before the login goes on.
    RecoveryCodeUsed,
    /// The approval sent to the app was declined, or the wrong number was
    /// picked: it ended, and a new one may be sent.
    ApprovalRefused,
    /// A risk signal raised this login's level (one notice per signal, as
    /// `progress.signals` names them).
    RiskRaised,
}

impl NoticeKind {
    /// Whether the person answers it (a button) before a complete login
    /// goes on to where it was going.
    pub const fn needs_ack(self) -> bool {
        match self {
            NoticeKind::ClientAsksMore | NoticeKind::ApprovalRefused | NoticeKind::RiskRaised => {
                false
            }
            NoticeKind::RecoveryCodeUsed => true,
        }
    }

    /// Whether it explains the level the login asks for (its words come
    /// before the reason a login is blocked).
    pub const fn explains_level(self) -> bool {
        matches!(self, NoticeKind::ClientAsksMore | NoticeKind::RiskRaised)
    }
}

/// `POST /api/login/password`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordLoginRequest {
    /// Directory slug; `default` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// The username (case-insensitive).
    pub username: String,
    /// The password.
    pub password: String,
    /// Where to go once logged in: a path on this site, or an allow-listed
    /// origin; anything else is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

impl fmt::Debug for PasswordLoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordLoginRequest")
            .field("directory", &self.directory)
            .field("username", &self.username)
            .field("password", &Redacted)
            .field("return_to", &self.return_to)
            .finish()
    }
}

/// `POST /api/login/{method}/verify` and the phone/email confirmations.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CodeRequest {
    /// The code as typed; spaces are ignored.
    pub code: String,
}

impl fmt::Debug for CodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeRequest")
            .field("code", &Redacted)
            .finish()
    }
}

/// Answer of `POST /api/login/{sms|email}/send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SendCodeResponse {
    /// The destination, masked (`+41 •• ••• •• 67`, `a•••@example.com`).
    pub sent_to: String,
    /// Seconds until the code expires.
    pub expires_in_s: u32,
}

/// Answer of `POST /api/me/app/pair`: a link the phone opens in the approval
/// app, and its QR code. It works once, for 10 minutes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppPairLink {
    /// The link (`…/app#pair=<token>`).
    pub pair_url: String,
    /// The link as a QR code, an SVG document.
    pub qr_svg: String,
    /// Seconds until it expires.
    pub expires_in_s: u32,
}

impl fmt::Debug for AppPairLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppPairLink").finish_non_exhaustive()
    }
}

/// `POST /api/app/pair/start`: the pairing link's token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppPairStart {
    /// The token from the link's fragment.
    pub token: String,
}

impl fmt::Debug for AppPairStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppPairStart").finish_non_exhaustive()
    }
}

/// A Web Push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushSubscription {
    /// The push service's URL for this subscription (`https://`).
    pub endpoint: String,
    /// The keys its messages are encrypted to (RFC 8291).
    pub keys: PushKeys,
}

impl fmt::Debug for PushSubscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushSubscription").finish_non_exhaustive()
    }
}

/// A push subscription's keys, base64url.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PushKeys {
    /// The user agent's P-256 public key, uncompressed.
    pub p256dh: String,
    /// The 16-byte authentication secret.
    pub auth: String,
}

/// Answer of `POST /api/app/pair/finish`: the paired phone, and the token
/// the app sends as `Authorization: Bearer` (shown once; only its hash is
/// kept).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppPaired {
    /// The phone's id.
    pub device_id: String,
    /// The app's token.
    pub device_token: String,
}

impl fmt::Debug for AppPaired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppPaired")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// `GET /api/app/vapid`: the key the app subscribes to push with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VapidKey {
    /// The server's VAPID public key: an uncompressed P-256 point,
    /// base64url (as `applicationServerKey` takes it).
    pub public_key: String,
}

/// `PUT /api/app/push`: the app's new push subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppPushRequest {
    /// The subscription.
    pub push: PushSubscription,
}

/// A phone paired with the approval app (`GET /api/me/app/devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppDevice {
    /// Its id, for removing it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was paired.
    pub created_at: i64,
    /// When it last answered an approval.
    pub last_used_at: Option<i64>,
    /// Whether it receives push messages (else its app shows what waits
    /// when opened).
    pub push: bool,
}

/// Answer of `POST /api/login/app/send`: the number the person finds in the
/// app, and where the approval went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppSent {
    /// The two-digit number to pick in the app.
    pub number: u8,
    /// The phones a push message reached.
    pub sent_to: Vec<String>,
    /// The phones without push, or that it did not reach: their app shows
    /// the approval once opened.
    pub open_app_on: Vec<String>,
    /// Seconds until the approval expires.
    pub expires_in_s: u32,
}

/// What the person answers in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    /// It is their login: the number picked, signed with the device key.
    Approve,
    /// Not now: the approval ends.
    Deny,
    /// They did not start this login: it ends, and they are told.
    NotMe,
}

/// `GET /api/me/recovery-codes`: how many are left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryCodesStatus {
    /// Recovery codes left unused.
    pub remaining: u32,
}

/// Answer of `POST /api/me/recovery-codes`: a new set, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryCodes {
    /// The codes, `XXXX-XXXX-XXXX-XXXX` (80 bits each); each works once,
    /// typed with or without the dashes, in any case.
    pub codes: Vec<String>,
}

impl fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCodes")
            .field("codes", &format_args!("[{} redacted]", self.codes.len()))
            .finish()
    }
}

/// Answer of `POST /api/me/totp/setup`: what the authenticator app needs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpSetupResponse {
    /// The secret in base32, for typing into the app.
    pub secret: String,
    /// The `otpauth://` URI (issuer = the directory's name).
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG document.
    pub qr_svg: String,
}

impl fmt::Debug for TotpSetupResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpSetupResponse").finish_non_exhaustive()
    }
}

/// `POST /api/login/passkey/start`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasskeyStartRequest {
    /// Directory slug; `default` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// A username, to list that account's passkeys; absent: any discoverable
    /// passkey may answer (it names its user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Where to go once logged in (see [`PasswordLoginRequest::return_to`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasskeyInfo {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was added.
    pub created_at: i64,
    /// When it was last used to log in.
    pub last_used_at: Option<i64>,
}

/// `PATCH /api/me/passkeys/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenamePasskeyRequest {
    /// 1 to 64 characters, no control characters; blanks around it are
    /// dropped.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "(a name of 1 to 64 characters)")
    )]
    pub name: String,
}

/// An application registered to use this login through OpenID Connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientInfo {
    /// The `client_id`.
    pub client_id: String,
    /// Its directory's id.
    pub directory_id: String,
    /// Its name, shown to users when it asks for more.
    pub name: String,
    /// Whether it authenticates with a secret (else: public, PKCE required).
    pub confidential: bool,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Exact URIs it may send users to after logout.
    pub post_logout_redirect_uris: Vec<String>,
    /// Scopes it may ask for.
    pub scopes: Vec<String>,
    /// The lowest level it accepts; logins below it step up.
    pub min_level: u32,
    /// When it was registered.
    pub created_at: i64,
}

/// `POST /api/admin/directories/{id}/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateClientRequest {
    /// Its name, 1 to 100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "(a name of 1 to 100 characters)")
    )]
    pub name: String,
    /// Exact redirect URIs: `https://…`, or `http://localhost…` for development.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<RedirectUri>, min_items = 1))]
    pub redirect_uris: Vec<String>,
    /// Exact post-logout redirect URIs.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<RedirectUri>))]
    pub post_logout_redirect_uris: Vec<String>,
    /// Allowed scopes among `openid profile email phone` (`openid` is
    /// always one); all when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Scope>>))]
    pub scopes: Option<Vec<String>>,
    /// The lowest level it accepts (at most 1000); the directory's when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 1000))]
    pub min_level: Option<u32>,
    /// A public client (a browser or mobile app) has no secret and must use PKCE.
    #[serde(default)]
    pub public: bool,
}

/// Answer of creating a client: the secret is shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedClient {
    /// The client.
    pub client: ClientInfo,
    /// Its secret, for confidential clients; only its hash is kept.
    pub client_secret: Option<String>,
}

impl fmt::Debug for CreatedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedClient")
            .field("client", &self.client)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Redacted),
            )
            .finish()
    }
}

/// A user's role in their directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Logs in and manages their own methods.
    #[default]
    User,
    /// Also sets the directory's policy and manages its users.
    Admin,
}

impl Role {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// `GET /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionInfo {
    /// The user's id.
    pub user_id: String,
    /// The username.
    pub username: String,
    /// The directory's slug.
    pub directory: String,
    /// The user's role.
    pub role: Role,
    /// The level reached at login.
    pub level: u32,
    /// The level the session holds now for an application's request:
    /// methods past their lifetime (the policy's `max_age_s`) no longer
    /// count. `level` when the policy gives no method a lifetime.
    pub level_now: u32,
    /// When `level_now` next drops, as a method's lifetime ends (Unix
    /// seconds); absent when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_drops_at: Option<i64>,
    /// The methods verified at login.
    pub methods: MethodSet,
    /// When the login completed.
    pub authenticated_at: i64,
    /// When the session ends at the latest (absolute timeout).
    pub expires_at: i64,
}

/// When one method of a session was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MethodTime {
    /// The method.
    pub method: Method,
    /// When it was verified (Unix seconds).
    pub verified_at: i64,
}

/// One of the own sessions (`GET /api/me/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionSummary {
    /// Its id, for ending it (not the cookie's value).
    pub id: String,
    /// When it began (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds, to the minute).
    pub last_used_at: i64,
    /// The client's address when it began.
    pub ip: Option<String>,
    /// The browser (`User-Agent`) when it began.
    pub user_agent: Option<String>,
    /// The methods verified, each with when.
    pub methods: Vec<MethodTime>,
    /// The level it holds now for an application's request (methods past
    /// their lifetime no longer count).
    pub level_now: u32,
    /// When `level_now` next drops (Unix seconds); absent when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_drops_at: Option<i64>,
    /// Whether it is the session of this request.
    pub current: bool,
}

/// A browser that completed a login for the own account
/// (`GET /api/me/browsers`). Its password steps are not held by the
/// lockout that guesses from elsewhere run up; it earns no points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KnownBrowser {
    /// Its id, for forgetting it (not the cookie's value).
    pub id: String,
    /// When it first completed a login (Unix seconds).
    pub created_at: i64,
    /// When it last completed one (Unix seconds).
    pub last_used_at: i64,
    /// Its address then.
    pub ip: Option<String>,
    /// Its `User-Agent` then.
    pub user_agent: Option<String>,
    /// Whether it is the browser of this request.
    pub current: bool,
}

/// `GET /api/me`: the own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    /// The user's id.
    pub id: String,
    /// The username.
    pub username: String,
    /// The directory's slug.
    pub directory: String,
    /// The user's role.
    pub role: Role,
    /// The name shown to people.
    pub display_name: String,
    /// The confirmed email address.
    pub email: Option<String>,
    /// The confirmed mobile number, E.164.
    pub phone: Option<String>,
    /// An email address waiting for its code.
    pub pending_email: Option<String>,
    /// A mobile number waiting for its code.
    pub pending_phone: Option<String>,
    /// The methods the user can use at login.
    pub enrolled: MethodSet,
    /// The language of what is sent to the user (SMS, email, notices);
    /// none chosen yet: the language of the request that sends it.
    #[serde(default)]
    pub language: Option<crate::Lang>,
}

/// `PATCH /api/me`. Absent fields stay; an empty string removes email or phone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// The name shown to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "(a name of 1 to 100 characters)")
    )]
    pub display_name: Option<String>,
    /// A new email address (pending until confirmed), or "" to remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = r#"^$|@"#))]
    pub email: Option<String>,
    /// A new mobile number in any common notation (pending until confirmed), or "" to remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The language of what is sent to the user; changing it alone needs
    /// no fresh login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::Lang>,
}

/// `POST /api/me/password`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangePasswordRequest {
    /// The new password: 8 to 256 characters, not a common one.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 256))]
    pub new_password: String,
}

impl fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangePasswordRequest")
            .field("new_password", &Redacted)
            .finish()
    }
}

/// `POST /api/setup`: the token from a setup link's fragment.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetupRequest {
    /// The token after `#token=`.
    pub token: String,
}

impl fmt::Debug for SetupRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupRequest")
            .field("token", &Redacted)
            .finish()
    }
}

/// Answer of `POST /api/setup` and of `GET /api/setup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetupResponse {
    /// Whose account this is.
    pub username: String,
    /// The directory's slug.
    pub directory: String,
    /// The directory's policy.
    pub policy: Policy,
    /// What the user has enrolled so far.
    pub enrolled: MethodSet,
    /// Whether that can reach the directory's level.
    pub can_reach: bool,
    /// The other account this browser is logged in as, when it is: what
    /// is set up here goes to `username`, never to that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logged_in_as: Option<String>,
}

/// A directory, with its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Directory {
    /// The directory's id.
    pub id: String,
    /// Its short name in URLs and logins.
    pub slug: String,
    /// Its name for people.
    pub name: String,
    /// Its policy.
    pub policy: Policy,
}

/// `POST /api/admin/directories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDirectoryRequest {
    /// Lowercase letters, digits and `-`, 1 to 63 characters, not
    /// beginning with `-`.
    #[cfg_attr(feature = "openapi", schema(pattern = r#"^[a-z0-9][a-z0-9-]{0,62}$"#))]
    pub slug: String,
    /// Its name for people.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "(a name of 1 to 100 characters)")
    )]
    pub name: String,
    /// The policy; `two-factor` when absent.
    #[serde(default)]
    pub policy: Option<Policy>,
}

/// `GET /api/admin/directories/{id}/policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PolicyResponse {
    /// The saved policy.
    pub policy: Policy,
    /// Its analysis, with the what-if over the directory's users.
    pub report: PolicyReport,
    /// How many (enabled) users have enrolled each set of methods, so a
    /// browser can compute the what-if of a policy before it is saved: at
    /// most one entry per set, however many users the directory has.
    pub enrolments: Vec<EnrolmentCount>,
}

/// A user as an administrator sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    /// The user's id.
    pub id: String,
    /// The directory's id.
    pub directory_id: String,
    /// The username, lowercase.
    pub username: String,
    /// The name shown to people.
    pub display_name: String,
    /// The confirmed email address.
    pub email: Option<String>,
    /// The confirmed mobile number, E.164.
    pub phone: Option<String>,
    /// The role.
    pub role: Role,
    /// Whether logins are refused.
    pub disabled: bool,
    /// The methods the user can use at login.
    pub enrolled: MethodSet,
    /// Recovery codes left unused.
    pub recovery_codes: u32,
    /// When the account was created.
    pub created_at: i64,
}

/// What a directory's users list can be narrowed to (`?filter=`). The
/// filters of readiness for a policy (no phone, no second method, cannot
/// reach) name enabled users only, as the policy report counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserFilter {
    /// Without a confirmed mobile number.
    NoPhone,
    /// Without any confirmed second step (SMS, email, authenticator app,
    /// recovery codes, …: every method but the password and a passkey).
    NoSecondMethod,
    /// Who could not reach the level under the saved policy.
    CannotReach,
    /// Who could not reach the level under the policy being edited (`policy`).
    CannotReachEdited,
    /// Locked out of some method now.
    Locked,
    /// Disabled.
    Disabled,
    /// With this method enrolled.
    Has(Method),
    /// Without this method enrolled.
    Lacks(Method),
}

impl UserFilter {
    /// Every filter, in the order a console lists them.
    pub fn all() -> Vec<UserFilter> {
        let mut all = vec![
            UserFilter::NoPhone,
            UserFilter::NoSecondMethod,
            UserFilter::CannotReach,
            UserFilter::CannotReachEdited,
            UserFilter::Locked,
            UserFilter::Disabled,
        ];
        all.extend(Method::ALL.map(UserFilter::Has));
        all.extend(Method::ALL.map(UserFilter::Lacks));
        all
    }

    /// Whether the filter names enabled users only: the readiness filters,
    /// whose users the policy report counts.
    pub fn counts_enabled_only(self) -> bool {
        matches!(
            self,
            UserFilter::NoPhone
                | UserFilter::NoSecondMethod
                | UserFilter::CannotReach
                | UserFilter::CannotReachEdited
        )
    }

    /// The query value: `no_phone`, `has:totp`, …
    pub fn as_str(self) -> String {
        match self {
            UserFilter::NoPhone => "no_phone".into(),
            UserFilter::NoSecondMethod => "no_second_method".into(),
            UserFilter::CannotReach => "cannot_reach".into(),
            UserFilter::CannotReachEdited => "cannot_reach_edited".into(),
            UserFilter::Locked => "locked".into(),
            UserFilter::Disabled => "disabled".into(),
            UserFilter::Has(m) => format!("has:{}", m.as_str()),
            UserFilter::Lacks(m) => format!("lacks:{}", m.as_str()),
        }
    }

    /// The pattern every query value (or none) matches, for the API's
    /// document: `^(?:no_phone|…|(?:has|lacks):(?:password|sms|…))?$`.
    pub fn pattern() -> String {
        let fixed: Vec<String> = UserFilter::all()
            .into_iter()
            .filter(|f| !matches!(f, UserFilter::Has(_) | UserFilter::Lacks(_)))
            .map(UserFilter::as_str)
            .collect();
        let methods: Vec<&str> = Method::BY_BIT.iter().map(|m| m.as_str()).collect();
        format!(
            "^(?:{}|(?:has|lacks):(?:{}))?$",
            fixed.join("|"),
            methods.join("|")
        )
    }

    /// The filter of a query value.
    pub fn parse(s: &str) -> Option<UserFilter> {
        UserFilter::all().into_iter().find(|f| f.as_str() == s)
    }

    /// Whether a user who enrolled `enrolled` matches, where the enrolled
    /// methods decide (`policy`: the policy the filter speaks of); `None`
    /// for the filters they do not decide (locked, disabled).
    pub fn by_methods(self, enrolled: MethodSet, policy: &Policy) -> Option<bool> {
        Some(match self {
            UserFilter::NoPhone => !enrolled.contains(Method::Sms),
            UserFilter::NoSecondMethod => enrolled
                .intersection(MethodSet::after_first_step())
                .is_empty(),
            UserFilter::CannotReach | UserFilter::CannotReachEdited => {
                !crate::report::can_reach(policy, enrolled)
            }
            UserFilter::Has(m) => enrolled.contains(m),
            UserFilter::Lacks(m) => !enrolled.contains(m),
            UserFilter::Locked | UserFilter::Disabled => return None,
        })
    }
}

/// A page of a directory's users (`GET …/users`), by username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UsersPage {
    /// The users of this page.
    pub users: Vec<User>,
    /// The `cursor` of the next page; none after the last.
    pub next_cursor: Option<String>,
    /// How many users match, over all pages.
    pub total: u32,
}

/// `PATCH /api/admin/directories/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDirectoryRequest {
    /// The new name, 1 to 100 characters without line breaks.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "(a name of 1 to 100 characters)")
    )]
    pub name: String,
}

/// One row of a CSV import that cannot be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportError {
    /// The line of the file (1 is the header).
    pub line: u32,
    /// What is wrong, for a person.
    pub message: String,
}

/// Answer of `POST …/users/import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportReport {
    /// Whether nothing was changed (`dry_run=true`).
    pub dry_run: bool,
    /// Data rows read.
    pub rows: u32,
    /// Users created (or, in a dry run, that would be).
    pub created: u32,
    /// Users updated (or that would be).
    pub updated: u32,
    /// The rows that cannot be applied; they change nothing.
    pub errors: Vec<ImportError>,
}

/// What a bulk action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    /// Emails each user a new setup link.
    SetupLinks,
    /// Disables each user (their sessions end).
    Disable,
    /// Enables each user.
    Enable,
}

/// `POST …/users/bulk`: an action for the users named, or for every user a
/// filter (and search) matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// The action.
    pub action: BulkAction,
    /// The users, by id; or empty, with `filter` or `q`.
    #[serde(default)]
    pub user_ids: Vec<String>,
    /// A filter (as `?filter=`), for every user it matches.
    #[serde(default)]
    pub filter: Option<String>,
    /// A search (as `?q=`).
    #[serde(default)]
    pub q: Option<String>,
    /// The policy being edited, for the filter `cannot_reach_edited`.
    #[serde(default)]
    pub policy: Option<Policy>,
}

/// A user a bulk action passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkSkip {
    /// The username.
    pub username: String,
    /// Why, for a person.
    pub reason: String,
}

/// Answer of `POST …/users/bulk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkResult {
    /// Users it was done for.
    pub done: u32,
    /// Users passed over.
    pub skipped: Vec<BulkSkip>,
}

/// `POST /api/admin/directories/{id}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 1 to 64 characters; letters, digits and `.`, `_`, `-`, `@`; compared case-insensitively.
    pub username: String,
    /// The name shown to people; the username when absent.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Email address, taken as confirmed (the administrator vouches for it).
    #[serde(default)]
    pub email: Option<String>,
    /// Mobile number, taken as confirmed (the administrator vouches for it).
    #[serde(default)]
    pub phone: Option<String>,
    /// The role; `user` when absent.
    #[serde(default)]
    pub role: Option<Role>,
}

/// `PATCH /api/admin/users/{id}`. Absent fields stay; "" removes email or phone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// The name shown to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "(a name of 1 to 100 characters)")
    )]
    pub display_name: Option<String>,
    /// Email address, or "" to remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = r#"^$|@"#))]
    pub email: Option<String>,
    /// Mobile number, or "" to remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Whether logins are refused; disabling also ends the user's sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// A one-time setup link.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetupLink {
    /// The full link, `…/setup#token=…`; shown once.
    pub url: String,
    /// When it stops working.
    pub expires_at: i64,
}

impl fmt::Debug for SetupLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupLink")
            .field("url", &Redacted)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Answer of `POST /api/admin/directories/{id}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedUser {
    /// The new user.
    pub user: User,
    /// Their setup link.
    pub setup_link: SetupLink,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEvent {
    /// Increasing id.
    pub id: i64,
    /// When it happened.
    pub at: i64,
    /// The directory it concerns.
    pub directory_id: Option<String>,
    /// The user it concerns.
    pub user_id: Option<String>,
    /// Who did it, when not the user (an administrator's id).
    pub actor_id: Option<String>,
    /// What happened: `login.password`, `policy.update`, `user.create`, …
    pub kind: AuditKind,
    /// The method involved.
    pub method: Option<Method>,
    /// `success` or `failure`.
    pub outcome: String,
    /// The client's address.
    pub ip: Option<String>,
    /// More detail, never a secret.
    pub detail: Option<String>,
}

/// A redirect URI an application may register: `https://` and a host, or
/// `http://localhost`, `http://127.0.0.1` or `http://[::1]` for
/// development; an optional port; a path or query in visible ASCII
/// (percent-encoded), no `#fragment`; at most 2000 characters. For the
/// OpenAPI document only.
#[cfg(feature = "openapi")]
pub struct RedirectUri;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RedirectUri {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r#"^(?:https://[A-Za-z0-9.-]+|http://(?:localhost|127\.0\.0\.1|\[::1\]))(?::[0-9]{1,5})?(?:[/?][!-"$-~]*)?$"#))
            .max_length(Some(2000))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl ToSchema for RedirectUri {}

/// An OpenID Connect scope a client may be allowed. For the OpenAPI
/// document only.
#[cfg(feature = "openapi")]
#[derive(ToSchema, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// `openid`: an ID token (always allowed).
    Openid,
    /// `profile`: name and username.
    Profile,
    /// `email`: the confirmed address.
    Email,
    /// `phone`: the confirmed number.
    Phone,
}

/// An `application/problem+json` body (RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// A stable code a client may match on.
    pub code: ErrorCode,
    /// What happened and what to do, for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The policy analysis, on `invalid_policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<PolicyReport>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::evaluate;

    #[test]
    fn words_that_explain_the_level_come_first_in_the_order_told() {
        let policy = Policy::default();
        let eval = evaluate(&policy, MethodSet::EMPTY, MethodSet::EMPTY);
        let mut state = LoginState::from_evaluation(eval, &policy, crate::Lang::En);
        let blocked = state.message.clone().unwrap();
        state.tell(NoticeKind::RiskRaised, "A.".into());
        state.tell(NoticeKind::RiskRaised, "B.".into());
        state.tell(NoticeKind::ApprovalRefused, "Z.".into());
        state.tell(NoticeKind::ClientAsksMore, "C.".into());
        assert_eq!(state.message.unwrap(), format!("A. B. C. {blocked} Z."));
        assert_eq!(state.notices.len(), 4);
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let r = PasswordLoginRequest {
            directory: None,
            username: "ann".into(),
            password: "hunter2-secret".into(),
            return_to: None,
        };
        let s = format!("{r:?}");
        assert!(s.contains("ann") && !s.contains("hunter2"), "{s}");
        let c = format!(
            "{:?}",
            CodeRequest {
                code: "123456".into()
            }
        );
        assert!(!c.contains("123456"));
        let t = format!(
            "{:?}",
            SetupRequest {
                token: "tok-abc".into()
            }
        );
        assert!(!t.contains("tok-abc"));
        let n = format!(
            "{:?}",
            ChangePasswordRequest {
                new_password: "pw-xyz-123".into()
            }
        );
        assert!(!n.contains("pw-xyz"));
    }

    #[test]
    fn login_state_wire_shape() {
        let p = Policy::default();
        let e = evaluate(
            &p,
            MethodSet::of(&[Method::Password]),
            MethodSet::of(&[Method::Password, Method::Sms]),
        );
        let json =
            serde_json::to_value(LoginState::from_evaluation(e, &p, crate::Lang::En)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "status": "in_progress",
                "progress": {"earned": 20, "required": 30, "verified": ["password"]},
                "options": [{"method": "sms", "points": 10, "completes": true}]
            })
        );
    }

    #[test]
    fn paths() {
        assert_eq!(
            paths::admin_policy("d1"),
            "/api/admin/directories/d1/policy"
        );
        assert_eq!(
            paths::admin_setup_link("u1"),
            "/api/admin/users/u1/setup-link"
        );
    }
}
