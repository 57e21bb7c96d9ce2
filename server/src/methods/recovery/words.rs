//! Recovery codes' words, in English and Dutch.

use authlevel_core::texts;
#[allow(unused_imports)]
use authlevel_core::{Lang, Method, lang::points};

texts! {
    /// A wrong recovery code.
    fn recovery_wrong() {
        En => "That recovery code is not valid, or it was used before.",
        Nl => "Die herstelcode is niet geldig, of hij is al eerder gebruikt.",
    }

    /// After a recovery code: what to do.
    fn recovery_advice(left: u32) {
        En => if left == 1 {
            "You used a recovery code; 1 is left. Set up a new phone or authenticator app in your profile, and make new recovery codes.".to_owned()
        } else {
            format!("You used a recovery code; {left} are left. Set up a new phone or authenticator app in your profile, and make new recovery codes.")
        },
        Nl => if left == 1 {
            "Je hebt een herstelcode gebruikt; er is er nog 1 over. Stel in je profiel een nieuwe telefoon of authenticator-app in, en maak nieuwe herstelcodes.".to_owned()
        } else {
            format!("Je hebt een herstelcode gebruikt; er zijn er nog {left} over. Stel in je profiel een nieuwe telefoon of authenticator-app in, en maak nieuwe herstelcodes.")
        },
    }

    /// Notice: new recovery codes.
    fn changed_recovery_new() {
        En => "New recovery codes were made; the earlier ones no longer work",
        Nl => "Er zijn nieuwe herstelcodes gemaakt; de vorige werken niet meer",
    }

    /// Notice: recovery codes revoked.
    fn changed_recovery_revoked() {
        En => "Your recovery codes were revoked by an administrator",
        Nl => "Je herstelcodes zijn door een beheerder ingetrokken",
    }

    /// Notice: a recovery code used.
    fn changed_recovery_used() {
        En => "A recovery code was used to log in",
        Nl => "Er is met een herstelcode ingelogd",
    }
}
