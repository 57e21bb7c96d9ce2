//! The approval app's words, in English and Dutch.

use authlevel_core::texts;
#[allow(unused_imports)]
use authlevel_core::{Lang, Method, lang::points};

texts! {
    /// A pairing link used, expired or unknown.
    fn pairing_invalid() {
        En => "This pairing link was used already or has expired. Make a new one in your profile.",
        Nl => "Deze koppellink is al gebruikt of verlopen. Maak een nieuwe aan in je profiel.",
    }

    /// A push subscription that cannot be sent to.
    fn bad_subscription() {
        En => "This push subscription cannot be used: it needs an https address and the keys of the browser.",
        Nl => "Dit push-abonnement is niet te gebruiken: het heeft een https-adres en de sleutels van de browser nodig.",
    }

    /// A device key refused at pairing.
    fn device_key_refused() {
        En => "The phone's key could not be registered. Open the pairing link again.",
        Nl => "De sleutel van de telefoon kon niet worden geregistreerd. Open de koppellink opnieuw.",
    }

    /// A device key paired twice.
    fn device_registered_already() {
        En => "This phone is paired already.",
        Nl => "Deze telefoon is al gekoppeld.",
    }

    /// No such paired phone.
    fn no_such_device() {
        En => "There is no such paired phone on your account.",
        Nl => "Er is geen gekoppelde telefoon met dit id op je account.",
    }

    /// No such approval.
    fn no_such_approval() {
        En => "There is no such approval for this phone.",
        Nl => "Er is geen goedkeuring met dit id voor deze telefoon.",
    }

    /// An approval answered already or expired.
    fn approval_over() {
        En => "This approval was answered already or has expired.",
        Nl => "Deze goedkeuring is al beantwoord of verlopen.",
    }

    /// A wrong number, or a signature that did not verify.
    fn wrong_number() {
        En => "That was not the number on the login page, so this approval has ended. If you are logging in, send a new one from the login page.",
        Nl => "Dat was niet het nummer op de inlogpagina, dus deze goedkeuring is beëindigd. Log je zelf in? Stuur dan een nieuwe vanaf de inlogpagina.",
    }

    /// No push reached a phone (`phones`: their names).
    fn not_pushed(phones: &str) {
        En => format!("The approval could not be sent to your phone ({phones}). Try again, or choose another method."),
        Nl => format!("De goedkeuring kon niet naar je telefoon ({phones}) worden gestuurd. Probeer het opnieuw, of kies een andere methode."),
    }

    /// The login page's notice of a refused approval.
    fn approval_refused() {
        En => "The approval was declined in the app, or the wrong number was picked. Send a new one, or choose another method.",
        Nl => "De goedkeuring is in de app geweigerd, of het verkeerde nummer is gekozen. Stuur een nieuwe, of kies een andere methode.",
    }

    /// The notice of "this wasn't me".
    fn not_me_notice(directory: &str, username: &str, ip: &str) {
        En => format!("A login to your {directory} account ({username}) from {ip} was stopped: you said in your approval app that it was not you. Whoever started it knew your password or had another of your methods; change your password now, and tell your administrator."),
        Nl => format!("Een inlog op je account van {directory} ({username}) vanaf {ip} is gestopt: je gaf in je goedkeurings-app aan dat jij het niet was. Wie hem begon, kende je wachtwoord of had een andere methode van je; wijzig nu je wachtwoord en waarschuw je beheerder."),
    }

    /// Notice: a phone paired.
    fn changed_app_added() {
        En => "A phone was paired with the approval app",
        Nl => "Er is een telefoon gekoppeld aan de goedkeurings-app",
    }

    /// Notice: a phone removed.
    fn changed_app_removed() {
        En => "A phone was removed from the approval app",
        Nl => "Er is een telefoon verwijderd uit de goedkeurings-app",
    }
}
