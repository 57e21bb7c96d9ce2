//! The authenticator app's words, in English and Dutch.

use authlevel_core::texts;
#[allow(unused_imports)]
use authlevel_core::{Lang, Method, lang::points};

texts! {
    /// TOTP confirm before setup.
    fn totp_setup_first() {
        En => "Start the authenticator-app setup first.",
        Nl => "Begin eerst met het instellen van de authenticator-app.",
    }

    /// A TOTP confirmation that does not match.
    fn totp_no_match() {
        En => "That code does not match. Check the app shows this account and that the phone's clock is right.",
        Nl => "Die code klopt niet. Controleer of de app dit account toont en of de klok van je telefoon goed staat.",
    }

    /// The TOTP setup changed meanwhile.
    fn totp_setup_changed() {
        En => "The setup changed meanwhile; start it again.",
        Nl => "De instelling is intussen veranderd; begin opnieuw.",
    }

    /// No TOTP to remove.
    fn totp_none() {
        En => "No authenticator app is set up.",
        Nl => "Er is geen authenticator-app ingesteld.",
    }

    /// Notice: app added.
    fn changed_totp_added() {
        En => "An authenticator app was added",
        Nl => "Er is een authenticator-app toegevoegd",
    }

    /// Notice: app removed.
    fn changed_totp_removed() {
        En => "The authenticator app was removed",
        Nl => "De authenticator-app is verwijderd",
    }
}
