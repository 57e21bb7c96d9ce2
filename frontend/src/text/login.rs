//! The login page's words.

use authlevel_core::texts;

texts! {
    /// The start of a login: heading and button.
    fn sign_in() {
        En => "Sign in",
        Nl => "Inloggen",
    }

    /// Between the password form and the passkey button.
    fn or() {
        En => "or",
        Nl => "of",
    }

    /// The passkey button.
    fn sign_in_with_passkey() {
        En => "Sign in with a passkey",
        Nl => "Inloggen met een toegangssleutel (passkey)",
    }

    /// A complete login.
    fn logged_in() {
        En => "You are logged in.",
        Nl => "Je bent ingelogd.",
    }

    /// Goes on after a complete login's message.
    fn go_on() {
        En => "Continue",
        Nl => "Doorgaan",
    }

    /// A blocked login: the heading.
    fn blocked_title() {
        En => "This login cannot continue",
        Nl => "Deze inlog kan niet verder",
    }

    /// A login in progress: the heading.
    fn add_method() {
        En => "Add another method",
        Nl => "Voeg nog een methode toe",
    }

    /// What the progress bar of a login measures.
    fn your_login() {
        En => "Your login",
        Nl => "Je inlog",
    }

    /// Above the options of a blocked login.
    fn still_open() {
        En => "Still open:",
        Nl => "Nog open:",
    }

    /// Above the options of a login in progress.
    fn choose_one() {
        En => "Choose one to continue:",
        Nl => "Kies er een om verder te gaan:",
    }

    /// Drops the login in progress.
    fn start_again() {
        En => "Start again",
        Nl => "Opnieuw beginnen",
    }
}
