//! The words of the approval app (`/app/`, its own bundle).

use authlevel_core::texts;

texts! {
    /// The app's title in the browser's tab.
    fn title() {
        En => "Approvals · authlevel",
        Nl => "Goedkeuringen · authlevel",
    }

    /// The app's heading.
    fn heading() {
        En => "Approve your logins",
        Nl => "Je inlogs goedkeuren",
    }

    /// A phone that is not paired.
    fn not_paired() {
        En => "This phone is not paired. In your profile, or on your setup link's page, choose \u{201c}Pair a phone\u{201d} and open its link on this phone.",
        Nl => "Deze telefoon is niet gekoppeld. Kies in je profiel, of op de pagina van je instellink, \u{201c}Een telefoon koppelen\u{201d} en open de link op deze telefoon.",
    }

    /// What pairing does.
    fn pair_intro() {
        En => "This phone gets a key that only its screen lock (PIN or biometric) unlocks. You approve your logins with it.",
        Nl => "Deze telefoon krijgt een sleutel die alleen de schermvergrendeling (pincode of biometrie) ontgrendelt. Daarmee keur je je inlogs goed.",
    }

    /// The field of the phone's name.
    fn phone_name() {
        En => "Name of this phone",
        Nl => "Naam van deze telefoon",
    }

    /// The phone's name when none is given.
    fn phone_default() {
        En => "Phone",
        Nl => "Telefoon",
    }

    /// The pairing button.
    fn pair() {
        En => "Pair this phone",
        Nl => "Deze telefoon koppelen",
    }

    /// Paired.
    fn paired() {
        En => "This phone is paired.",
        Nl => "Deze telefoon is gekoppeld.",
    }

    /// Paired without notifications.
    fn no_push() {
        En => "Notifications could not be turned on: open this app when a login asks for an approval.",
        Nl => "Meldingen konden niet worden aangezet: open deze app als een inlog om goedkeuring vraagt.",
    }

    /// Nothing waiting.
    fn waiting() {
        En => "No login is waiting for your approval. This page looks again every few seconds.",
        Nl => "Er wacht geen inlog op je goedkeuring. Deze pagina kijkt om de paar seconden opnieuw.",
    }

    /// An approval's heading.
    fn login_to(directory: &str) {
        En => format!("Log in to {directory}"),
        Nl => format!("Inloggen bij {directory}"),
    }

    /// The application that asked.
    fn for_client(client: &str) {
        En => format!("For {client}"),
        Nl => format!("Voor {client}"),
    }

    /// Where the login comes from.
    fn from_browser(ip: &str, browser: &str) {
        En => format!("From {ip}, {browser}"),
        Nl => format!("Vanaf {ip}, {browser}"),
    }

    /// When it was asked.
    fn asked_at(time: &str) {
        En => format!("Asked at {time}"),
        Nl => format!("Gevraagd om {time}"),
    }

    /// Above the numbers.
    fn pick() {
        En => "Pick the number the login page shows:",
        Nl => "Kies het nummer dat de inlogpagina toont:",
    }

    /// Approves.
    fn approve() {
        En => "Approve",
        Nl => "Goedkeuren",
    }

    /// Declines.
    fn deny() {
        En => "Decline",
        Nl => "Weigeren",
    }

    /// "This wasn't me".
    fn not_me() {
        En => "This wasn't me",
        Nl => "Dit was ik niet",
    }

    /// Approved.
    fn approved() {
        En => "Approved. The login goes on.",
        Nl => "Goedgekeurd. De inlog gaat verder.",
    }

    /// Declined.
    fn denied() {
        En => "Declined.",
        Nl => "Geweigerd.",
    }

    /// After "this wasn't me".
    fn stopped() {
        En => "The login was stopped, and you were told by email or SMS. If you did not start it, change your password now.",
        Nl => "De inlog is gestopt, en je hebt per e-mail of sms bericht gekregen. Begon jij hem niet? Wijzig dan nu je wachtwoord.",
    }

    /// A phone that was removed from the account meanwhile.
    fn unpaired() {
        En => "This phone is no longer paired.",
        Nl => "Deze telefoon is niet meer gekoppeld.",
    }
}
