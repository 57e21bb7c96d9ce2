//! The words of the core, in English and Dutch: method and preset names,
//! problem titles, why a login is blocked, the policy report. Dutch is
//! informal ("je"), with the terms of `docs/glossary.md`.

use crate::lang::{Lang, plural, points};
use crate::method::Method;
use crate::texts;

texts! {
    /// The `password-only` preset.
    fn preset_password_only() {
        En => "Password only",
        Nl => "Alleen wachtwoord",
    }

    /// The `two-factor` preset.
    fn preset_two_factor() {
        En => "Two-factor",
        Nl => "Tweestapsverificatie",
    }

    /// The `low-bar-mfa` preset.
    fn preset_low_bar() {
        En => "Low-bar MFA",
        Nl => "MFA met lage drempel",
    }

    /// Blocked: nothing to begin a login with.
    fn blocked_no_first_step() {
        En => "Your account has no password or passkey that this directory accepts, so a login cannot begin.",
        Nl => "Je account heeft geen wachtwoord of toegangssleutel (passkey) die deze directory accepteert, dus een inlog kan niet beginnen.",
    }

    /// Blocked: points missing.
    fn blocked_missing(level: u32, missing: u32) {
        En => format!(
            "This login cannot reach the required level of {}: even with every method still open, {} would be missing.",
            points(Lang::En, level),
            points(Lang::En, missing)
        ),
        Nl => format!(
            "Met deze inlog haal je het vereiste niveau van {} niet: zelfs met alle methoden die nog openstaan ontbreken er {}.",
            points(Lang::Nl, level),
            points(Lang::Nl, missing)
        ),
    }

    /// Blocked: one method the account lacks what it needs for.
    fn blocked_lacks(m: Method, worth: u32) {
        En => format!(
            "{} ({}) needs {}, which your account does not have.",
            m.label_in(Lang::En),
            points(Lang::En, worth),
            m.enrolment_need_in(Lang::En)
        ),
        Nl => format!(
            "{} ({}) vraagt om {}, en dat heeft je account niet.",
            m.label_in(Lang::Nl),
            points(Lang::Nl, worth),
            m.enrolment_need_in(Lang::Nl)
        ),
    }

    /// Blocked: what to do.
    fn blocked_ask_admin() {
        En => "Ask your administrator for a setup link to add a method.",
        Nl => "Vraag je beheerder om een instellink om een methode toe te voegen.",
    }

    /// Report: level 0.
    fn report_level_zero() {
        En => "The required level must be at least 1; with 0 anyone would be logged in.",
        Nl => "Het vereiste niveau moet minstens 1 zijn; met 0 zou iedereen ingelogd zijn.",
    }

    /// Report: level too high.
    fn report_level_too_high(level: u32, max: u32) {
        En => format!("The required level is {level}; it may be at most {max}."),
        Nl => format!("Het vereiste niveau is {level}; het mag hoogstens {max} zijn."),
    }

    /// Report: a method worth too much.
    fn report_points_too_high(m: Method, worth: u32, max: u32) {
        En => format!(
            "{} is worth {}; a method may be worth at most {}.",
            m.label_in(Lang::En),
            points(Lang::En, worth),
            points(Lang::En, max)
        ),
        Nl => format!(
            "{} is {} waard; een methode mag hoogstens {} waard zijn.",
            m.label_in(Lang::Nl),
            points(Lang::Nl, worth),
            points(Lang::Nl, max)
        ),
    }

    /// Report: the level is out of reach.
    fn report_unreachable(total: u32, level: u32) {
        En => format!("All methods together are worth {}, below the required level of {level}: nobody could log in.", points(Lang::En, total)),
        Nl => format!("Alle methoden samen zijn {} waard, minder dan het vereiste niveau van {level}: niemand zou kunnen inloggen.", points(Lang::Nl, total)),
    }

    /// Report: no first step.
    fn report_no_first_step() {
        En => "A login begins with the password or a passkey; with both at 0 points no login can begin.",
        Nl => "Een inlog begint met het wachtwoord of een toegangssleutel (passkey); als beide 0 punten waard zijn, kan geen inlog beginnen.",
    }

    /// Report: the password alone is enough.
    fn report_password_alone() {
        En => "The password alone reaches the level: this policy does not require a second factor.",
        Nl => "Het wachtwoord alleen haalt het niveau al: dit beleid vraagt geen tweede factor.",
    }

    /// Report: email codes are needed (`ways`: the combinations, listed).
    fn report_email_needed(ways: String) {
        En => format!(
            "Email codes are needed to reach the level in: {ways}. NIST SP 800-63B rev 4 does not accept email as an out-of-band authenticator; consider giving the authenticator app or passkeys the points instead."
        ),
        Nl => format!(
            "E-mailcodes zijn nodig om het niveau te halen bij: {ways}. NIST SP 800-63B rev 4 accepteert e-mail niet als out-of-band-authenticator; geef de punten liever aan de authenticator-app of toegangssleutels (passkeys)."
        ),
    }

    /// Report: password and a recovery code reach the level.
    fn report_recovery_with_password() {
        En => "The password and a recovery code reach the level: that is what recovery codes are for, when a phone or an authenticator app is lost.",
        Nl => "Het wachtwoord en een herstelcode halen het niveau: daarvoor zijn herstelcodes bedoeld, als een telefoon of authenticator-app kwijt is.",
    }

    /// Report: a recovery code outweighs what it backs up (`methods`: the
    /// methods with their points, listed).
    fn report_recovery_outweighs(worth: u32, methods: String) {
        En => format!("A recovery code is worth {}, more than the second methods it backs up: {methods}. A code kept on paper would count for more than the phone; give it at most as many points.", points(Lang::En, worth)),
        Nl => format!("Een herstelcode is {} waard, meer dan de tweede methoden die hij vervangt: {methods}. Een code op papier zou dan zwaarder tellen dan de telefoon; geef hem hoogstens evenveel punten.", points(Lang::Nl, worth)),
    }

    /// Report: every way needs SMS and users have no phone.
    fn report_sms_needed_without_phone(users: u32) {
        En => plural(users, "Every way to the level needs an SMS code, and 1 user has no mobile number.",
            |n| format!("Every way to the level needs an SMS code, and {n} users have no mobile number.")),
        Nl => plural(users, "Elke weg naar het niveau vraagt een sms-code, en 1 gebruiker heeft geen mobiel nummer.",
            |n| format!("Elke weg naar het niveau vraagt een sms-code, en {n} gebruikers hebben geen mobiel nummer.")),
    }

    /// Report: users who could not reach the level.
    fn report_users_cannot_reach(users: u32) {
        En => plural(users, "1 user could not reach the level with the methods enrolled today; send them a setup link before saving.",
            |n| format!("{n} users could not reach the level with the methods enrolled today; send them a setup link before saving.")),
        Nl => plural(users, "1 gebruiker zou het niveau niet halen met de methoden die nu zijn ingesteld; stuur een instellink voordat je opslaat.",
            |n| format!("{n} gebruikers zouden het niveau niet halen met de methoden die nu zijn ingesteld; stuur hun een instellink voordat je opslaat.")),
    }

    /// Report: a lifetime or risk points out of range.
    fn report_ageing_out_of_range(max_age: u32, max_points: u32) {
        En => format!("A method's lifetime may be at most {max_age} seconds, and a risk signal worth at most {}.", points(Lang::En, max_points)),
        Nl => format!("De geldigheid van een methode mag hoogstens {max_age} seconden zijn, en een risicosignaal hoogstens {} waard.", points(Lang::Nl, max_points)),
    }

    /// Report: with every risk signal, no combination reaches the level.
    fn report_risk_unreachable(level: u32) {
        En => format!("With every risk signal the level would rise to {level}, which no combination of methods reaches: it rises only as far as each user's methods reach."),
        Nl => format!("Met alle risicosignalen zou het niveau stijgen naar {level}, en dat haalt geen combinatie van methoden: het stijgt maar zo ver als de methoden van elke gebruiker reiken."),
    }

    /// Report: users who reach the level but not with every risk signal.
    fn report_risk_locks_out(users: u32, level: u32) {
        En => plural(users, &format!("1 user reaches the level, but not the {level} it rises to with every risk signal: for them it rises only as far as their methods reach."),
            |n| format!("{n} users reach the level, but not the {level} it rises to with every risk signal: for them it rises only as far as their methods reach.")),
        Nl => plural(users, &format!("1 gebruiker haalt het niveau, maar niet de {level} waarnaar het met alle risicosignalen stijgt: voor die gebruiker stijgt het maar zo ver als de methoden reiken."),
            |n| format!("{n} gebruikers halen het niveau, maar niet de {level} waarnaar het met alle risicosignalen stijgt: voor hen stijgt het maar zo ver als hun methoden reiken.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn every_message_in_both_languages() {
        let mut all = all_texts();
        for m in Method::ALL {
            for (name, f) in [
                (
                    "method label",
                    Method::label_in as fn(Method, Lang) -> String,
                ),
                ("method label lower", Method::label_lower_in),
                ("enrolment need", Method::enrolment_need_in),
            ] {
                all.push((name, f(m, Lang::En), f(m, Lang::Nl)));
            }
        }
        for code in ErrorCode::ALL {
            all.push((
                "error title",
                code.title_in(Lang::En),
                code.title_in(Lang::Nl),
            ));
        }
        for n in [0, 1, 2] {
            all.push((
                "sms_needed",
                report_sms_needed_without_phone(Lang::En, n),
                report_sms_needed_without_phone(Lang::Nl, n),
            ));
            all.push((
                "cannot_reach",
                report_users_cannot_reach(Lang::En, n),
                report_users_cannot_reach(Lang::Nl, n),
            ));
        }
        let problems = crate::lang::check_texts(&all, &[]);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
