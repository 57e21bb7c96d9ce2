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

    /// The approval app's button.
    fn app_send() {
        En => "Send to my phone",
        Nl => "Naar mijn telefoon sturen",
    }

    /// Above the number to pick in the app.
    fn app_pick() {
        En => "In the approval app, pick this number:",
        Nl => "Kies in de goedkeurings-app dit nummer:",
    }

    /// Where the approval went (`phones`: their names).
    fn app_sent_to(phones: &str) {
        En => format!("Sent to {phones}."),
        Nl => format!("Gestuurd naar {phones}."),
    }

    /// Phones without push (`phones`: their names).
    fn app_open(phones: &str) {
        En => format!("Open the approval app on {phones}."),
        Nl => format!("Open de goedkeurings-app op {phones}."),
    }

    /// An approval that was not answered in time.
    fn app_expired() {
        En => "The approval expired. Send a new one, or choose another method.",
        Nl => "De goedkeuring is verlopen. Stuur een nieuwe, of kies een andere methode.",
    }
}
