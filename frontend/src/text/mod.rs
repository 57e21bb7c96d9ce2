//! Every word the browser app shows, in English and Dutch, one function per
//! message (`authlevel_core::texts!`): a missing translation does not
//! compile, and the linker keeps only the messages a bundle uses, so the
//! login page carries the login's words and not the console's. Whole
//! sentences with the values named inside them; [`points`] for the plural.
//! Dutch is informal ("je"), with the terms of `docs/glossary.md`.
//!
//! This module holds what both bundles show (the header, errors, the
//! progress, the code step); [`login`], [`account`] (home, setup link,
//! profile) and [`admin`] (the console's directories) the rest.

pub mod account;
pub mod admin;
pub mod app;
pub mod login;

use authlevel_core::Lang;
use authlevel_core::lang::points;
use authlevel_core::texts;

/// `one` when `n` is 1, else `many`: the plural of a whole sentence, so
/// each language words both as it wants.
pub(crate) fn one_or_many(n: u32, one: &str, many: String) -> String {
    if n == 1 { one.to_owned() } else { many }
}

texts! {
    /// The login page's title in the browser's tab.
    fn title_login() {
        En => "Sign in · authlevel",
        Nl => "Inloggen · authlevel",
    }

    /// The language switch, for screen readers.
    fn language_switch() {
        En => "Language",
        Nl => "Taal",
    }

    /// The busy indicator.
    fn working() {
        En => "Working…",
        Nl => "Bezig…",
    }

    /// An address no page has: the heading.
    fn not_found_title() {
        En => "Page not found",
        Nl => "Pagina niet gevonden",
    }

    /// An address no page has.
    fn not_found_text() {
        En => "There is nothing at this address.",
        Nl => "Op dit adres staat niets.",
    }

    /// The way out of a page not found.
    fn to_login_page() {
        En => "Go to the login page",
        Nl => "Naar de inlogpagina",
    }

    /// A link to the login page.
    fn log_in() {
        En => "Log in",
        Nl => "Inloggen",
    }

    /// A request could not be built.
    fn error_unprepared() {
        En => "The request could not be prepared. Reload the page and try again.",
        Nl => "Het verzoek kon niet worden voorbereid. Laad de pagina opnieuw en probeer het nog eens.",
    }

    /// No answer from the server.
    fn error_unreachable() {
        En => "The server could not be reached; check your connection and try again.",
        Nl => "De server is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.",
    }

    /// An answer that is not what the API promises.
    fn error_unreadable() {
        En => "The server's answer could not be read. Reload the page and try again.",
        Nl => "Het antwoord van de server kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens.",
    }

    /// A failure without a problem+json body.
    fn error_status(status: u32) {
        En => format!("The server answered with status {status}. Please try again later."),
        Nl => format!("De server antwoordde met status {status}. Probeer het later opnieuw."),
    }

    /// The person ended or let time out a passkey request.
    fn passkey_not_used() {
        En => "No passkey was used: the request was cancelled or timed out. Try again when you are ready.",
        Nl => "Er is geen toegangssleutel (passkey) gebruikt: het verzoek is geannuleerd of verlopen. Probeer het opnieuw als je zover bent.",
    }

    /// A second passkey of one account on one device.
    fn passkey_exists() {
        En => "This device already holds a passkey for your account.",
        Nl => "Dit apparaat heeft al een toegangssleutel (passkey) voor je account.",
    }

    /// WebAuthn refused the page's origin.
    fn passkey_address() {
        En => "Passkeys need this page at its proper address (https, or localhost).",
        Nl => "Toegangssleutels (passkeys) werken alleen als deze pagina op haar eigen adres staat (https, of localhost).",
    }

    /// WebAuthn is not available.
    fn passkey_unsupported() {
        En => "This browser or device cannot use passkeys.",
        Nl => "Deze browser of dit apparaat kan geen toegangssleutels (passkeys) gebruiken.",
    }

    /// Any other failed passkey ceremony.
    fn passkey_failed() {
        En => "The passkey did not work. Try again, or use another way to sign in.",
        Nl => "De toegangssleutel (passkey) werkte niet. Probeer het opnieuw, of log op een andere manier in.",
    }

    /// Beside a passkey button the browser cannot use.
    fn passkeys_unsupported() {
        En => "This browser cannot use passkeys.",
        Nl => "Deze browser kan geen toegangssleutels (passkeys) gebruiken.",
    }

    /// Progress toward the level.
    fn progress_points(earned: u32, required: u32) {
        En => format!("{earned} of {}", points(Lang::En, required)),
        Nl => format!("{earned} van {}", points(Lang::Nl, required)),
    }

    /// More points than the level asks for.
    fn progress_beyond(earned: u32, required: u32) {
        En => format!("{}, more than the level of {required}", points(Lang::En, earned)),
        Nl => format!("{}, meer dan het niveau van {required}", points(Lang::Nl, earned)),
    }

    /// What an option adds.
    fn option_points(worth: u32) {
        En => format!("+{}", points(Lang::En, worth)),
        Nl => format!("+{}", points(Lang::Nl, worth)),
    }

    /// An option that alone completes the login.
    fn option_completes() {
        En => "✓ Completes your login",
        Nl => "✓ Hiermee is je inlog compleet",
    }

    /// Sends a one-time code.
    fn send_code() {
        En => "Send code",
        Nl => "Code versturen",
    }

    /// Checks a typed code.
    fn verify() {
        En => "Verify",
        Nl => "Controleren",
    }

    /// A code field before a code was sent.
    fn code() {
        En => "Code",
        Nl => "Verificatiecode",
    }

    /// The field of a sent code (`to`: masked number or address).
    fn code_sent_to(to: &str) {
        En => format!("Code sent to {to}"),
        Nl => format!("Code verstuurd naar {to}"),
    }

    /// The countdown of a sent code (`time`: m:ss).
    fn code_expires_in(time: &str) {
        En => format!("The code expires in {time}."),
        Nl => format!("De code verloopt over {time}."),
    }

    /// A sent code has expired.
    fn code_expired() {
        En => "The code has expired; send a new one.",
        Nl => "De code is verlopen. Verstuur een nieuwe.",
    }

    /// Sends the code again.
    fn send_new_code() {
        En => "Send a new code",
        Nl => "Nieuwe code versturen",
    }

    /// A username field.
    fn username() {
        En => "Username",
        Nl => "Gebruikersnaam",
    }

    /// A password field or section.
    fn password() {
        En => "Password",
        Nl => "Wachtwoord",
    }

    /// Saves a form.
    fn save() {
        En => "Save",
        Nl => "Opslaan",
    }

    /// Removes something.
    fn remove() {
        En => "Remove",
        Nl => "Verwijderen",
    }

    /// Renames something.
    fn rename() {
        En => "Rename",
        Nl => "Naam wijzigen",
    }

    /// Copies to the clipboard.
    fn copy() {
        En => "Copy",
        Nl => "Kopiëren",
    }

    /// Copied to the clipboard.
    fn copied() {
        En => "Copied.",
        Nl => "Gekopieerd.",
    }

    /// A heading of the recovery codes.
    fn recovery_codes() {
        En => "Recovery codes",
        Nl => "Herstelcodes",
    }

    /// "1 user", "3 users".
    fn count_users(n: u32) {
        En => one_or_many(n, "1 user", format!("{n} users")),
        Nl => one_or_many(n, "1 gebruiker", format!("{n} gebruikers")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages whose Dutch is the English: "directory", the product's
    /// own term (`docs/glossary.md`).
    const SAME: &[&str] = &["fact_directory"];

    #[test]
    fn every_message_in_both_languages() {
        let mut all = all_texts();
        all.extend(login::all_texts());
        all.extend(account::all_texts());
        all.extend(admin::all_texts());
        all.extend(admin::keyed_texts());
        all.extend(app::all_texts());
        for n in [0, 1, 2] {
            for (name, f) in [
                ("count_users", count_users as fn(Lang, u32) -> String),
                ("recovery_left", account::recovery_left),
                ("count_rows", admin::count_rows),
                ("bulk_links_sent", admin::bulk_links_sent),
                ("users_match", admin::users_match),
                ("no_phone_plain", admin::no_phone_plain),
                ("no_phone_blocked", admin::no_phone_blocked),
                ("no_phone_no_sms", admin::no_phone_no_sms),
                ("reach_all", admin::reach_all),
                ("dry_run_problems", admin::dry_run_problems),
                ("import_left_out", admin::import_left_out),
            ] {
                all.push((name, f(Lang::En, n), f(Lang::Nl, n)));
            }
        }
        let problems = authlevel_core::lang::check_texts(&all, SAME);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn points_have_their_plural_and_never_exceed_the_level_in_words() {
        assert_eq!(progress_points(Lang::En, 20, 30), "20 of 30 points");
        assert_eq!(progress_points(Lang::Nl, 20, 30), "20 van 30 punten");
        assert_eq!(option_points(Lang::En, 1), "+1 point");
        assert_eq!(option_points(Lang::Nl, 10), "+10 punten");
        assert_eq!(
            progress_beyond(Lang::En, 50, 30),
            "50 points, more than the level of 30"
        );
        assert_eq!(count_users(Lang::Nl, 1), "1 gebruiker");
    }
}
