//! The kinds of audit event, shared by the server that writes them and the
//! console that reads them.

use crate::Method;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an audit event records. On the wire and in the database it is a
/// dotted name (`login.password`, `policy.update`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    /// The first start created the default directory and the admin account.
    Bootstrap,
    /// A login step with a method (`login.<method>`).
    Login(Method),
    /// A login reached its level: a session began.
    LoginComplete,
    /// A session ended by logging out.
    Logout,
    /// Guesses from browsers the user never logged in from locked one of
    /// their methods (the user is told once per lock period).
    AccountLocked,
    /// A one-time code was sent (or its delivery failed).
    CodeSend,
    /// A quota refused a new code.
    CodeQuota,
    /// A setup link was opened.
    SetupOpen,
    /// A password was set.
    PasswordSet,
    /// A means of a method kept on a device was added (`<method>.add`: a
    /// passkey, an authenticator app).
    Added(Method),
    /// A means of a method kept on a device was removed (`<method>.remove`).
    Removed(Method),
    /// A code from a new authenticator app did not match.
    TotpConfirm,
    /// A new set of recovery codes replaced the old one.
    RecoveryGenerate,
    /// An administrator revoked a user's recovery codes.
    RecoveryRevoke,
    /// A new mobile number was confirmed.
    PhoneConfirm,
    /// A new email address was confirmed.
    EmailConfirm,
    /// The mobile number was removed.
    PhoneRemove,
    /// The email address was removed.
    EmailRemove,
    /// A user ended one of their sessions, or all but the current one.
    SessionEnd,
    /// The own email address or mobile number was changed.
    ProfileContact,
    /// A directory was created.
    DirectoryCreate,
    /// A directory's policy was saved (or refused).
    PolicyUpdate,
    /// A policy was staged report-only beside the active one.
    PolicyStage,
    /// The staged policy became the active one.
    PolicyPromote,
    /// The staged policy was dropped.
    PolicyUnstage,
    /// An administrator created a user.
    UserCreate,
    /// An administrator imported users from a CSV file.
    UsersImport,
    /// An administrator acted on many users at once.
    UsersBulk,
    /// An operator renamed a directory.
    DirectoryRename,
    /// An administrator changed a user.
    UserUpdate,
    /// An administrator deleted a user.
    UserDelete,
    /// An administrator issued a setup link.
    UserSetupLink,
    /// An administrator lifted a user's lockout.
    UserUnlock,
    /// An administrator ended a user's sessions.
    UserEndSessions,
    /// An application asked for a login (and got a code, or was refused).
    OidcAuthorize,
    /// An application exchanged a code or refresh token.
    OidcToken,
    /// An application failed to authenticate.
    OidcClientAuth,
    /// An application revoked a token.
    OidcRevoke,
    /// The signing keys were rotated.
    OidcRotateKeys,
    /// An application was registered.
    ClientCreate,
    /// An application was removed.
    ClientDelete,
}

impl AuditKind {
    /// Every kind, in the order the API's document lists them.
    pub fn all() -> Vec<AuditKind> {
        let mut all = vec![AuditKind::Bootstrap];
        all.extend(Method::BY_BIT.map(AuditKind::Login));
        all.extend([
            AuditKind::LoginComplete,
            AuditKind::Logout,
            AuditKind::AccountLocked,
            AuditKind::CodeSend,
            AuditKind::CodeQuota,
            AuditKind::SetupOpen,
            AuditKind::PasswordSet,
        ]);
        for m in Method::BY_BIT.into_iter().filter(|m| m.spec().device) {
            all.extend([AuditKind::Added(m), AuditKind::Removed(m)]);
        }
        all.extend([
            AuditKind::TotpConfirm,
            AuditKind::RecoveryGenerate,
            AuditKind::RecoveryRevoke,
            AuditKind::PhoneConfirm,
            AuditKind::EmailConfirm,
            AuditKind::PhoneRemove,
            AuditKind::EmailRemove,
            AuditKind::SessionEnd,
            AuditKind::ProfileContact,
            AuditKind::DirectoryCreate,
            AuditKind::PolicyUpdate,
            AuditKind::PolicyStage,
            AuditKind::PolicyPromote,
            AuditKind::PolicyUnstage,
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
        ]);
        all
    }

    /// The step of a login with `method`.
    pub const fn login(method: Method) -> AuditKind {
        AuditKind::Login(method)
    }

    /// The dotted name, as stored and sent.
    pub fn as_str(self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(match self {
            AuditKind::Login(m) => return format!("login.{}", m.as_str()).into(),
            AuditKind::Added(m) => return format!("{}.add", m.as_str()).into(),
            AuditKind::Removed(m) => return format!("{}.remove", m.as_str()).into(),
            AuditKind::Bootstrap => "bootstrap",
            AuditKind::RecoveryGenerate => "recovery.generate",
            AuditKind::RecoveryRevoke => "recovery.revoke",
            AuditKind::LoginComplete => "login.complete",
            AuditKind::Logout => "logout",
            AuditKind::AccountLocked => "account.locked",
            AuditKind::CodeSend => "code.send",
            AuditKind::CodeQuota => "code.quota",
            AuditKind::SetupOpen => "setup.open",
            AuditKind::PasswordSet => "password.set",
            AuditKind::TotpConfirm => "totp.confirm",
            AuditKind::PhoneConfirm => "phone.confirm",
            AuditKind::EmailConfirm => "email.confirm",
            AuditKind::PhoneRemove => "phone.remove",
            AuditKind::EmailRemove => "email.remove",
            AuditKind::SessionEnd => "session.end",
            AuditKind::ProfileContact => "profile.contact",
            AuditKind::DirectoryCreate => "directory.create",
            AuditKind::PolicyUpdate => "policy.update",
            AuditKind::PolicyStage => "policy.stage",
            AuditKind::PolicyPromote => "policy.promote",
            AuditKind::PolicyUnstage => "policy.unstage",
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
        })
    }

    /// The kind of a dotted name.
    pub fn parse(s: &str) -> Option<AuditKind> {
        AuditKind::all().into_iter().find(|k| k.as_str() == s)
    }
}

impl Serialize for AuditKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        AuditKind::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown audit kind `{name}`")))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AuditKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "What an audit event records. On the wire and in the database it is a\n\
                 dotted name (`login.password`, `policy.update`, …).",
            ))
            .enum_values(Some(
                AuditKind::all()
                    .into_iter()
                    .map(|k| k.as_str().into_owned()),
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AuditKind {}

impl fmt::Display for AuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_and_parse_back() {
        for k in AuditKind::all() {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
            assert_eq!(AuditKind::parse(&k.as_str()), Some(k));
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
