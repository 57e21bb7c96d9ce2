//! The kinds of audit event, shared by the server that writes them and the
//! console that reads them.

use crate::Method;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an audit event records. On the wire and in the database it is a
/// dotted name (`login.password`, `policy.update`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AuditKind {
    /// The first start created the default directory and the admin account.
    #[serde(rename = "bootstrap")]
    Bootstrap,
    /// A password step of a login.
    #[serde(rename = "login.password")]
    LoginPassword,
    /// An SMS code step of a login.
    #[serde(rename = "login.sms")]
    LoginSms,
    /// An email code step of a login.
    #[serde(rename = "login.email")]
    LoginEmail,
    /// An authenticator-app step of a login.
    #[serde(rename = "login.totp")]
    LoginTotp,
    /// A passkey step of a login.
    #[serde(rename = "login.passkey")]
    LoginPasskey,
    /// A recovery-code step of a login.
    #[serde(rename = "login.recovery")]
    LoginRecovery,
    /// A login reached its level: a session began.
    #[serde(rename = "login.complete")]
    LoginComplete,
    /// A session ended by logging out.
    #[serde(rename = "logout")]
    Logout,
    /// Guesses from browsers the user never logged in from locked one of
    /// their methods (the user is told once per lock period).
    #[serde(rename = "account.locked")]
    AccountLocked,
    /// A one-time code was sent (or its delivery failed).
    #[serde(rename = "code.send")]
    CodeSend,
    /// A quota refused a new code.
    #[serde(rename = "code.quota")]
    CodeQuota,
    /// A setup link was opened.
    #[serde(rename = "setup.open")]
    SetupOpen,
    /// A password was set.
    #[serde(rename = "password.set")]
    PasswordSet,
    /// A passkey was registered.
    #[serde(rename = "passkey.add")]
    PasskeyAdd,
    /// A passkey was removed.
    #[serde(rename = "passkey.remove")]
    PasskeyRemove,
    /// A code from a new authenticator app did not match.
    #[serde(rename = "totp.confirm")]
    TotpConfirm,
    /// A new set of recovery codes replaced the old one.
    #[serde(rename = "recovery.generate")]
    RecoveryGenerate,
    /// An administrator revoked a user's recovery codes.
    #[serde(rename = "recovery.revoke")]
    RecoveryRevoke,
    /// An authenticator app was set up.
    #[serde(rename = "totp.add")]
    TotpAdd,
    /// The authenticator app was removed.
    #[serde(rename = "totp.remove")]
    TotpRemove,
    /// A new mobile number was confirmed.
    #[serde(rename = "phone.confirm")]
    PhoneConfirm,
    /// A new email address was confirmed.
    #[serde(rename = "email.confirm")]
    EmailConfirm,
    /// The mobile number was removed.
    #[serde(rename = "phone.remove")]
    PhoneRemove,
    /// The email address was removed.
    #[serde(rename = "email.remove")]
    EmailRemove,
    /// A user ended one of their sessions, or all but the current one.
    #[serde(rename = "session.end")]
    SessionEnd,
    /// The own email address or mobile number was changed.
    #[serde(rename = "profile.contact")]
    ProfileContact,
    /// A directory was created.
    #[serde(rename = "directory.create")]
    DirectoryCreate,
    /// A directory's policy was saved (or refused).
    #[serde(rename = "policy.update")]
    PolicyUpdate,
    /// An administrator created a user.
    #[serde(rename = "user.create")]
    UserCreate,
    /// An administrator imported users from a CSV file.
    #[serde(rename = "users.import")]
    UsersImport,
    /// An administrator acted on many users at once.
    #[serde(rename = "users.bulk")]
    UsersBulk,
    /// An operator renamed a directory.
    #[serde(rename = "directory.rename")]
    DirectoryRename,
    /// An administrator changed a user.
    #[serde(rename = "user.update")]
    UserUpdate,
    /// An administrator deleted a user.
    #[serde(rename = "user.delete")]
    UserDelete,
    /// An administrator issued a setup link.
    #[serde(rename = "user.setup_link")]
    UserSetupLink,
    /// An administrator lifted a user's lockout.
    #[serde(rename = "user.unlock")]
    UserUnlock,
    /// An administrator ended a user's sessions.
    #[serde(rename = "user.end_sessions")]
    UserEndSessions,
    /// An application asked for a login (and got a code, or was refused).
    #[serde(rename = "oidc.authorize")]
    OidcAuthorize,
    /// An application exchanged a code or refresh token.
    #[serde(rename = "oidc.token")]
    OidcToken,
    /// An application failed to authenticate.
    #[serde(rename = "oidc.client_auth")]
    OidcClientAuth,
    /// An application revoked a token.
    #[serde(rename = "oidc.revoke")]
    OidcRevoke,
    /// The signing keys were rotated.
    #[serde(rename = "oidc.rotate_keys")]
    OidcRotateKeys,
    /// An application was registered.
    #[serde(rename = "client.create")]
    ClientCreate,
    /// An application was removed.
    #[serde(rename = "client.delete")]
    ClientDelete,
}

impl AuditKind {
    /// Every kind.
    pub const ALL: [AuditKind; 45] = [
        AuditKind::Bootstrap,
        AuditKind::LoginPassword,
        AuditKind::LoginSms,
        AuditKind::LoginEmail,
        AuditKind::LoginTotp,
        AuditKind::LoginPasskey,
        AuditKind::LoginRecovery,
        AuditKind::LoginComplete,
        AuditKind::Logout,
        AuditKind::AccountLocked,
        AuditKind::CodeSend,
        AuditKind::CodeQuota,
        AuditKind::SetupOpen,
        AuditKind::PasswordSet,
        AuditKind::PasskeyAdd,
        AuditKind::PasskeyRemove,
        AuditKind::TotpConfirm,
        AuditKind::RecoveryGenerate,
        AuditKind::RecoveryRevoke,
        AuditKind::TotpAdd,
        AuditKind::TotpRemove,
        AuditKind::PhoneConfirm,
        AuditKind::EmailConfirm,
        AuditKind::PhoneRemove,
        AuditKind::EmailRemove,
        AuditKind::SessionEnd,
        AuditKind::ProfileContact,
        AuditKind::DirectoryCreate,
        AuditKind::PolicyUpdate,
        AuditKind::UserCreate,
        AuditKind::UsersImport,
        AuditKind::UsersBulk,
        AuditKind::DirectoryRename,
        AuditKind::UserUpdate,
        AuditKind::UserDelete,
        AuditKind::UserSetupLink,
        AuditKind::UserUnlock,
        AuditKind::UserEndSessions,
        AuditKind::OidcAuthorize,
        AuditKind::OidcToken,
        AuditKind::OidcClientAuth,
        AuditKind::OidcRevoke,
        AuditKind::OidcRotateKeys,
        AuditKind::ClientCreate,
        AuditKind::ClientDelete,
    ];

    /// The step of a login with `method`.
    pub const fn login(method: Method) -> AuditKind {
        match method {
            Method::Password => AuditKind::LoginPassword,
            Method::Sms => AuditKind::LoginSms,
            Method::Email => AuditKind::LoginEmail,
            Method::Totp => AuditKind::LoginTotp,
            Method::Passkey => AuditKind::LoginPasskey,
            Method::Recovery => AuditKind::LoginRecovery,
        }
    }

    /// The dotted name, as stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditKind::Bootstrap => "bootstrap",
            AuditKind::LoginPassword => "login.password",
            AuditKind::LoginSms => "login.sms",
            AuditKind::LoginEmail => "login.email",
            AuditKind::LoginTotp => "login.totp",
            AuditKind::LoginPasskey => "login.passkey",
            AuditKind::LoginRecovery => "login.recovery",
            AuditKind::RecoveryGenerate => "recovery.generate",
            AuditKind::RecoveryRevoke => "recovery.revoke",
            AuditKind::LoginComplete => "login.complete",
            AuditKind::Logout => "logout",
            AuditKind::AccountLocked => "account.locked",
            AuditKind::CodeSend => "code.send",
            AuditKind::CodeQuota => "code.quota",
            AuditKind::SetupOpen => "setup.open",
            AuditKind::PasswordSet => "password.set",
            AuditKind::PasskeyAdd => "passkey.add",
            AuditKind::PasskeyRemove => "passkey.remove",
            AuditKind::TotpConfirm => "totp.confirm",
            AuditKind::TotpAdd => "totp.add",
            AuditKind::TotpRemove => "totp.remove",
            AuditKind::PhoneConfirm => "phone.confirm",
            AuditKind::EmailConfirm => "email.confirm",
            AuditKind::PhoneRemove => "phone.remove",
            AuditKind::EmailRemove => "email.remove",
            AuditKind::SessionEnd => "session.end",
            AuditKind::ProfileContact => "profile.contact",
            AuditKind::DirectoryCreate => "directory.create",
            AuditKind::PolicyUpdate => "policy.update",
            AuditKind::UserCreate => "user.create",
            AuditKind::UsersImport => "users.import",
            AuditKind::UsersBulk => "users.bulk",
            AuditKind::DirectoryRename => "directory.rename",
            AuditKind::UserUpdate => "user.update",
            AuditKind::UserDelete => "user.delete",
            AuditKind::UserSetupLink => "user.setup_link",
            AuditKind::UserUnlock => "user.unlock",
            AuditKind::UserEndSessions => "user.end_sessions",
            AuditKind::OidcAuthorize => "oidc.authorize",
            AuditKind::OidcToken => "oidc.token",
            AuditKind::OidcClientAuth => "oidc.client_auth",
            AuditKind::OidcRevoke => "oidc.revoke",
            AuditKind::OidcRotateKeys => "oidc.rotate_keys",
            AuditKind::ClientCreate => "client.create",
            AuditKind::ClientDelete => "client.delete",
        }
    }

    /// The kind of a dotted name.
    pub fn parse(s: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for AuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_and_parse_back() {
        for k in AuditKind::ALL {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
            assert_eq!(AuditKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AuditKind::parse("nonsense"), None);
        for m in Method::ALL {
            assert_eq!(
                AuditKind::login(m).as_str(),
                format!("login.{}", m.as_str())
            );
        }
    }
}
