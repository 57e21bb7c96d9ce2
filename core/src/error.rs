//! The stable error codes of the HTTP API, shared by server and frontend.

use serde::{Deserialize, Serialize};

/// The `code` member of every problem+json body. The names are stable: a
/// client may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not the JSON the route expects.
    InvalidJson,
    /// A field has a value the route refuses (see `detail`).
    InvalidInput,
    /// The request is not `application/json`.
    UnsupportedMediaType,
    /// The body is larger than the route accepts.
    PayloadTooLarge,
    /// The request came from another origin.
    OriginRefused,
    /// No session, or an expired one.
    Unauthorized,
    /// The session may not do this (not an admin of that directory).
    Forbidden,
    /// The action needs a login younger than 10 minutes.
    ReauthRequired,
    /// Nothing at this path or with this id.
    NotFound,
    /// The method is not allowed on this path.
    MethodNotAllowed,
    /// Wrong username or password (also for unknown, locked or disabled accounts).
    InvalidCredentials,
    /// The code is wrong, used, expired or superseded.
    InvalidCode,
    /// The method is not open in this login now.
    MethodNotOffered,
    /// No login in progress (or it expired).
    NoLogin,
    /// The password breaks the password rules (see `detail`).
    WeakPassword,
    /// The policy has errors; the report is attached.
    InvalidPolicy,
    /// A CSV file's first line does not name its columns; nothing was read.
    InvalidCsv,
    /// An administrator's own account: changed only through the profile.
    OwnAccount,
    /// The name is taken.
    Conflict,
    /// The setup link is unknown, used or expired.
    SetupLinkInvalid,
    /// A code could not be delivered.
    DeliveryFailed,
    /// Too many requests; try later.
    RateLimited,
    /// Something failed on the server; details are in its log.
    Internal,
    /// The database is unreachable.
    Unavailable,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::InvalidJson,
        ErrorCode::InvalidInput,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::PayloadTooLarge,
        ErrorCode::OriginRefused,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::ReauthRequired,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::InvalidCredentials,
        ErrorCode::InvalidCode,
        ErrorCode::MethodNotOffered,
        ErrorCode::NoLogin,
        ErrorCode::WeakPassword,
        ErrorCode::InvalidPolicy,
        ErrorCode::InvalidCsv,
        ErrorCode::OwnAccount,
        ErrorCode::Conflict,
        ErrorCode::SetupLinkInvalid,
        ErrorCode::DeliveryFailed,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::OriginRefused => "origin_refused",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ReauthRequired => "reauth_required",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::MethodNotOffered => "method_not_offered",
            ErrorCode::NoLogin => "no_login",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::InvalidPolicy => "invalid_policy",
            ErrorCode::InvalidCsv => "invalid_csv",
            ErrorCode::OwnAccount => "own_account",
            ErrorCode::Conflict => "conflict",
            ErrorCode::SetupLinkInvalid => "setup_link_invalid",
            ErrorCode::DeliveryFailed => "delivery_failed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }

    /// The HTTP status this code is answered with.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidJson | ErrorCode::InvalidInput | ErrorCode::WeakPassword => 400,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::OriginRefused
            | ErrorCode::Forbidden
            | ErrorCode::ReauthRequired
            | ErrorCode::OwnAccount => 403,
            ErrorCode::Unauthorized | ErrorCode::InvalidCredentials | ErrorCode::InvalidCode => 401,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::MethodNotOffered | ErrorCode::NoLogin | ErrorCode::Conflict => 409,
            ErrorCode::SetupLinkInvalid => 410,
            ErrorCode::InvalidPolicy | ErrorCode::InvalidCsv => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::DeliveryFailed => 502,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// A short title a person reads, in `lang`.
    pub fn title_in(self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::En => self.title().to_owned(),
            crate::Lang::Nl => self.title_nl().to_owned(),
        }
    }

    /// The title in Dutch.
    const fn title_nl(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => {
                "De inhoud van het verzoek is geen geldige JSON voor dit verzoek"
            }
            ErrorCode::InvalidInput => "Een waarde in het verzoek wordt niet geaccepteerd",
            ErrorCode::UnsupportedMediaType => "Dit soort inhoud wordt hier niet geaccepteerd",
            ErrorCode::PayloadTooLarge => "De inhoud van het verzoek is te groot",
            ErrorCode::OriginRefused => "Het verzoek kwam van een andere site",
            ErrorCode::Unauthorized => "Je bent niet ingelogd",
            ErrorCode::Forbidden => "Dit mag je niet doen",
            ErrorCode::ReauthRequired => "Log opnieuw in om deze wijziging te bevestigen",
            ErrorCode::NotFound => "Niet gevonden",
            ErrorCode::MethodNotAllowed => "Deze actie is hier niet beschikbaar",
            ErrorCode::InvalidCredentials => "Onjuiste gebruikersnaam of wachtwoord",
            ErrorCode::InvalidCode => "De code is niet geldig",
            ErrorCode::MethodNotOffered => "Deze methode is nu niet beschikbaar bij deze inlog",
            ErrorCode::NoLogin => "Er loopt geen inlog",
            ErrorCode::WeakPassword => "Kies een ander wachtwoord",
            ErrorCode::InvalidPolicy => "Het beleid kan niet worden opgeslagen",
            ErrorCode::InvalidCsv => "De eerste regel van het bestand noemt de kolommen niet",
            ErrorCode::OwnAccount => "Je eigen account wijzig je in je profiel",
            ErrorCode::Conflict => "Die naam is al in gebruik",
            ErrorCode::SetupLinkInvalid => "Deze instellink is niet meer geldig",
            ErrorCode::DeliveryFailed => "De code kon niet worden verstuurd",
            ErrorCode::RateLimited => "Te veel pogingen; wacht even",
            ErrorCode::Internal => "Er ging bij ons iets mis",
            ErrorCode::Unavailable => "De dienst is niet beschikbaar",
        }
    }

    /// The title in English.
    const fn title(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "The request body is not valid JSON for this request",
            ErrorCode::InvalidInput => "A value in the request is not accepted",
            ErrorCode::UnsupportedMediaType => "This kind of request body is not accepted here",
            ErrorCode::PayloadTooLarge => "The request body is too large",
            ErrorCode::OriginRefused => "The request came from another site",
            ErrorCode::Unauthorized => "You are not logged in",
            ErrorCode::Forbidden => "You are not allowed to do this",
            ErrorCode::ReauthRequired => "Please log in again to confirm this change",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "This action is not available here",
            ErrorCode::InvalidCredentials => "Wrong username or password",
            ErrorCode::InvalidCode => "The code is not valid",
            ErrorCode::MethodNotOffered => "This method is not available in this login now",
            ErrorCode::NoLogin => "No login is in progress",
            ErrorCode::WeakPassword => "Choose another password",
            ErrorCode::InvalidPolicy => "The policy cannot be saved",
            ErrorCode::InvalidCsv => "The file's first line does not name its columns",
            ErrorCode::OwnAccount => "Change your own account in your profile",
            ErrorCode::Conflict => "That name is already taken",
            ErrorCode::SetupLinkInvalid => "This setup link is not valid any more",
            ErrorCode::DeliveryFailed => "The code could not be sent",
            ErrorCode::RateLimited => "Too many attempts; please wait",
            ErrorCode::Internal => "Something went wrong on our side",
            ErrorCode::Unavailable => "The service is unavailable",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde() {
        for code in [
            ErrorCode::InvalidJson,
            ErrorCode::ReauthRequired,
            ErrorCode::Internal,
        ] {
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
        }
    }
}
