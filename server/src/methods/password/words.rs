//! The password's words, in English and Dutch.

use authlevel_core::texts;
#[allow(unused_imports)]
use authlevel_core::{Lang, Method, lang::points};

texts! {
    /// A wrong password (or any other refusal of the password step).
    fn wrong_password() {
        En => "Wrong username or password.",
        Nl => "Onjuiste gebruikersnaam of wachtwoord.",
    }

    /// Passwords off.
    fn passwords_off() {
        En => "This directory does not use passwords; sign in with a passkey.",
        Nl => "Deze directory gebruikt geen wachtwoorden; log in met een toegangssleutel (passkey).",
    }

    /// A password too short.
    fn password_too_short(min: usize) {
        En => format!("Use at least {min} characters."),
        Nl => format!("Gebruik minstens {min} tekens."),
    }

    /// A password too long.
    fn password_too_long(max: usize) {
        En => format!("Use at most {max} characters."),
        Nl => format!("Gebruik hoogstens {max} tekens."),
    }

    /// A common password.
    fn password_common() {
        En => "This password is one of the most common ones and easy to guess; choose another.",
        Nl => "Dit wachtwoord is een van de meest gebruikte en makkelijk te raden; kies een ander.",
    }

    /// A password holding the username.
    fn password_has_username() {
        En => "The password must not contain your username.",
        Nl => "Het wachtwoord mag je gebruikersnaam niet bevatten.",
    }

    /// Notice: password changed.
    fn changed_password() {
        En => "The password was changed",
        Nl => "Het wachtwoord is gewijzigd",
    }
}
