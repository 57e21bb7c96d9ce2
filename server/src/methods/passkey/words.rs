//! A passkey's words, in English and Dutch.

use authlevel_core::texts;
#[allow(unused_imports)]
use authlevel_core::{Lang, Method, lang::points};

texts! {
    /// A bad passkey name.
    fn passkey_name_length() {
        En => "A passkey's name has 1 to 64 characters.",
        Nl => "De naam van een toegangssleutel (passkey) heeft 1 tot 64 tekens.",
    }

    /// An unknown passkey.
    fn no_such_passkey() {
        En => "No such passkey.",
        Nl => "Die toegangssleutel (passkey) bestaat niet.",
    }

    /// Passkeys off.
    fn passkeys_off() {
        En => "This directory does not use passkeys; sign in with your password.",
        Nl => "Deze directory gebruikt geen toegangssleutels (passkeys); log in met je wachtwoord.",
    }

    /// A passkey assertion refused.
    fn passkey_not_verified() {
        En => "The passkey could not be verified. Try again, or use another method.",
        Nl => "De toegangssleutel (passkey) kon niet worden gecontroleerd. Probeer het opnieuw, of gebruik een andere methode.",
    }

    /// A passkey finish without its start.
    fn passkey_start_again() {
        En => "Start the passkey sign-in again.",
        Nl => "Begin opnieuw met inloggen met je toegangssleutel (passkey).",
    }

    /// A registration finish without its start.
    fn passkey_add_again() {
        En => "Start adding the passkey again.",
        Nl => "Begin opnieuw met het toevoegen van de toegangssleutel (passkey).",
    }

    /// A registration refused.
    fn passkey_not_registered() {
        En => "The passkey could not be registered. Try again.",
        Nl => "De toegangssleutel (passkey) kon niet worden geregistreerd. Probeer het opnieuw.",
    }

    /// A passkey registered twice.
    fn passkey_registered_already() {
        En => "This passkey is registered already.",
        Nl => "Deze toegangssleutel (passkey) is al geregistreerd.",
    }

    /// Notice: passkey added.
    fn changed_passkey_added() {
        En => "A passkey was added",
        Nl => "Er is een toegangssleutel (passkey) toegevoegd",
    }

    /// Notice: passkey removed.
    fn changed_passkey_removed() {
        En => "A passkey was removed",
        Nl => "Er is een toegangssleutel (passkey) verwijderd",
    }
}
