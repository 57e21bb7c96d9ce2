//! The console's words: the directories, a directory's tabs
//! (Authentication, Users, Applications, Activity), the import and the
//! bulk actions.

use super::one_or_many;
use authlevel_core::{AuditKind, Lang, Method, texts};

/// An outcome of a replay as the chart's legend and the users lists name it.
pub fn outcome_label(lang: Lang, outcome: authlevel_core::replay::Replayed) -> &'static str {
    use authlevel_core::replay::Replayed::*;
    match (lang, outcome) {
        (Lang::En, Same) => "the same",
        (Lang::En, MoreSteps) => "another step",
        (Lang::En, FewerSteps) => "fewer steps",
        (Lang::En, Impossible) => "could not log in",
        (Lang::Nl, Same) => "hetzelfde",
        (Lang::Nl, MoreSteps) => "extra stap",
        (Lang::Nl, FewerSteps) => "minder stappen",
        (Lang::Nl, Impossible) => "kon niet inloggen",
    }
}

/// `n` with its thousands grouped as `lang` writes them (9,800 / 9.800).
pub fn grouped(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::En => ',',
        Lang::Nl => '.',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

texts! {
    /// The replay's heading.
    fn replay_heading() {
        En => "What this draft would have done to last month's logins",
        Nl => "Wat dit concept met de logins van de afgelopen maand had gedaan",
    }

    /// A replay under way.
    fn replaying() {
        En => "Replaying the draft over the logins of the last 30 days…",
        Nl => "Het concept wordt afgespeeld over de logins van de afgelopen 30 dagen…",
    }

    /// No logins to replay.
    fn replay_no_logins() {
        En => "No logins ended in the last 30 days: there is nothing to replay yet.",
        Nl => "Er zijn de afgelopen 30 dagen geen logins geëindigd: er is nog niets af te spelen.",
    }

    /// The replay's counts in words.
    fn replay_more(n: &str, total: &str) {
        En => format!("{n} of last month's {total} logins would have needed another step."),
        Nl => format!("{n} van de {total} logins van de afgelopen maand hadden een extra stap nodig gehad."),
    }

    /// Users who could not have logged in.
    fn replay_impossible(users: u64) {
        En => if users == 1 { "1 user could not have logged in at all.".to_owned() } else { format!("{users} users could not have logged in at all.") },
        Nl => if users == 1 { "1 gebruiker had helemaal niet kunnen inloggen.".to_owned() } else { format!("{users} gebruikers hadden helemaal niet kunnen inloggen.") },
    }

    /// Logins that would have been shorter.
    fn replay_fewer(n: &str) {
        En => format!("{n} logins would have been done with fewer steps."),
        Nl => format!("{n} logins waren met minder stappen klaar geweest."),
    }

    /// Logins the draft leaves as they were.
    fn replay_same(n: &str) {
        En => format!("{n} logins would have gone the same way."),
        Nl => format!("{n} logins waren hetzelfde verlopen."),
    }

    /// The chart's description for screen readers.
    fn replay_chart(days: u32) {
        En => format!("Logins per day over the last {days} days, by what the draft would have done"),
        Nl => format!("Logins per dag over de afgelopen {days} dagen, naar wat het concept had gedaan"),
    }

    /// A button that lists the users of one outcome.
    fn show_users_of(label: &str, n: u64) {
        En => if n == 1 { format!("Show the user ({label})") } else { format!("Show the {n} users ({label})") },
        Nl => if n == 1 { format!("Toon de gebruiker ({label})") } else { format!("Toon de {n} gebruikers ({label})") },
    }

    /// The CSV download of a replay's users.
    fn download_csv() {
        En => "Download as CSV",
        Nl => "Download als CSV",
    }

    /// The staged policy's heading.
    fn staged_heading() {
        En => "Staged policy (report-only)",
        Nl => "Klaargezet beleid (alleen rapporteren)",
    }

    /// Nothing staged.
    fn nothing_staged() {
        En => "No policy is staged. Stage the draft to see, on every new login, what it would do, without holding anyone to it.",
        Nl => "Er staat geen beleid klaar. Zet het concept klaar om bij elke nieuwe login te zien wat het zou doen, zonder dat iemand eraan gehouden wordt.",
    }

    /// Stage the draft.
    fn stage_draft() {
        En => "Stage this draft",
        Nl => "Zet dit concept klaar",
    }

    /// What is staged, and its level.
    fn staged_level(level: u32) {
        En => format!("Staged: level {level}."),
        Nl => format!("Klaargezet: niveau {level}."),
    }

    /// The staged policy's counts in words.
    fn staged_counts(logins: &str, more: &str, impossible: &str) {
        En => format!("Since it was staged, {logins} logins ended; under it {more} would have needed another step and {impossible} could not have been done."),
        Nl => format!("Sinds het klaarstaat zijn er {logins} logins geëindigd; daarvan hadden er {more} een extra stap nodig gehad en waren er {impossible} niet gelukt."),
    }

    /// Make the staged policy the active one.
    fn promote() {
        En => "Make it the active policy",
        Nl => "Maak het het actieve beleid",
    }

    /// Drop the staged policy.
    fn unstage() {
        En => "Drop the staged policy",
        Nl => "Verwijder het klaargezette beleid",
    }

    /// The staged policy became the active one.
    fn promoted() {
        En => "The staged policy is now the active policy.",
        Nl => "Het klaargezette beleid is nu het actieve beleid.",
    }

    /// The directories page: heading, and the crumb back to it.
    fn directories() {
        En => "Directories",
        Nl => "Directory's",
    }

    /// A link to the login page for a console page without a session.
    fn log_in_as_admin() {
        En => "Log in as an administrator",
        Nl => "Log in als beheerder",
    }

    /// The same on a directory's page.
    fn log_in_as_admin_here() {
        En => "Log in as an administrator of this directory",
        Nl => "Log in als beheerder van deze directory",
    }

    /// An administrator of nothing.
    fn no_directories() {
        En => "You administer no directory.",
        Nl => "Je beheert geen directory.",
    }

    /// A directory was renamed.
    fn directory_renamed(slug: &str, name: &str) {
        En => format!("The directory {slug} is now called {name}."),
        Nl => format!("De directory {slug} heet nu {name}."),
    }

    /// Before a directory's login address.
    fn login_page() {
        En => "Login page:",
        Nl => "Inlogpagina:",
    }

    /// A directory's links to its tabs, for screen readers.
    fn directory_tabs_of(slug: &str) {
        En => format!("{slug}: tabs"),
        Nl => format!("{slug}: tabbladen"),
    }

    /// A directory page's tabs, for screen readers.
    fn directory_tabs() {
        En => "Directory",
        Nl => "Tabbladen van de directory",
    }

    /// The field of a directory's new name.
    fn new_name() {
        En => "New name",
        Nl => "Nieuwe naam",
    }

    /// Saves it.
    fn save_name() {
        En => "Save name",
        Nl => "Naam opslaan",
    }

    /// A directory was created.
    fn directory_created(name: &str, url: &str) {
        En => format!("The directory {name} is created, with the two-factor policy. Its login page is {url}."),
        Nl => format!("De directory {name} is aangemaakt, met het beleid tweestapsverificatie. De inlogpagina is {url}."),
    }

    /// Heading: a new directory.
    fn create_directory_title() {
        En => "Create a directory",
        Nl => "Een directory aanmaken",
    }

    /// A new directory's name.
    fn directory_name() {
        En => "Name of the directory",
        Nl => "Naam van de directory",
    }

    /// A new directory's slug.
    fn directory_slug() {
        En => "Short name in addresses (lowercase letters, digits and -)",
        Nl => "Korte naam in adressen (kleine letters, cijfers en -)",
    }

    /// Creates it.
    fn create_directory() {
        En => "Create directory",
        Nl => "Directory aanmaken",
    }

    /// A directory this administrator cannot see.
    fn no_such_directory(slug: &str) {
        En => format!("There is no directory “{slug}”, or you do not administer it."),
        Nl => format!("Er is geen directory “{slug}”, of je beheert hem niet."),
    }

    /// The Authentication tab.
    fn tab_authentication() {
        En => "Authentication",
        Nl => "Authenticatie",
    }

    /// The Users tab.
    fn tab_users() {
        En => "Users",
        Nl => "Gebruikers",
    }

    /// The Applications tab.
    fn tab_applications() {
        En => "Applications",
        Nl => "Applicaties",
    }

    /// The Activity tab.
    fn tab_activity() {
        En => "Activity",
        Nl => "Activiteit",
    }

    /// A policy was saved.
    fn policy_saved() {
        En => "Saved. The policy applies from the next login step.",
        Nl => "Opgeslagen. Het beleid geldt vanaf de volgende inlogstap.",
    }

    /// The presets.
    fn start_from_preset() {
        En => "Start from a preset",
        Nl => "Begin met een voorinstelling",
    }

    /// The level's field.
    fn required_level() {
        En => "Required level",
        Nl => "Vereist niveau",
    }

    /// The points' fields.
    fn points_per_method() {
        En => "Points per method (0 switches a method off)",
        Nl => "Punten per methode (0 zet een methode uit)",
    }

    /// Legend: risk signals and their extra points.
    fn risk_points() {
        En => "Extra points a login needs when a risk signal is seen (0 switches a signal off)",
        Nl => "Extra punten die een inlog nodig heeft bij een risicosignaal (0 zet een signaal uit)",
    }

    /// A risk signal's label.
    fn risk_signal(signal: &str) {
        En => match signal {
            "new_browser" => "New browser",
            "new_network" => "New network",
            "recent_not_me" => "\"Not me\" or a lockout notice in the last day",
            _ => "Many failed attempts in the last day",
        }
        .to_owned(),
        Nl => match signal {
            "new_browser" => "Nieuwe browser",
            "new_network" => "Nieuw netwerk",
            "recent_not_me" => "\"Niet ik\" of een blokkeringsmelding in het afgelopen etmaal",
            _ => "Veel mislukte pogingen in het afgelopen etmaal",
        }
        .to_owned(),
    }

    /// A method's lifetime field.
    fn lifetime_of(method: &str) {
        En => format!("{method}, seconds"),
        Nl => format!("{method}, seconden"),
    }

    /// Legend: per-method lifetimes.
    fn lifetimes() {
        En => "Seconds a method counts for applications after it was verified (0: for the whole session)",
        Nl => "Seconden dat een methode na controle meetelt voor applicaties (0: de hele sessie)",
    }

    /// Back to the saved policy.
    fn undo_changes() {
        En => "Undo changes",
        Nl => "Wijzigingen ongedaan maken",
    }

    /// The policy differs from the saved one.
    fn unsaved_changes() {
        En => "Unsaved changes",
        Nl => "Niet-opgeslagen wijzigingen",
    }

    /// Heading: the server's report of a refused policy.
    fn server_refused() {
        En => "The server refused the policy",
        Nl => "De server heeft het beleid geweigerd",
    }

    /// Heading: the analysis.
    fn what_policy_does() {
        En => "What this policy does",
        Nl => "Wat dit beleid doet",
    }

    /// A directory without users.
    fn no_users_yet() {
        En => "This directory has no users yet.",
        Nl => "Deze directory heeft nog geen gebruikers.",
    }

    /// A link to the users a warning counts.
    fn show_them(n: u32) {
        En => one_or_many(n, "Show them", "Show these users".into()),
        Nl => one_or_many(n, "Toon deze gebruiker", "Toon deze gebruikers".into()),
    }

    /// Users without a phone, SMS counting but not needed.
    fn no_phone_no_sms(n: u32) {
        En => one_or_many(
            n,
            "1 user has no mobile number: SMS codes are not open to them.",
            format!("{n} users have no mobile number: SMS codes are not open to them."),
        ),
        Nl => one_or_many(
            n,
            "1 gebruiker heeft geen mobiel nummer en kan dus geen sms-codes gebruiken.",
            format!("{n} gebruikers hebben geen mobiel nummer en kunnen dus geen sms-codes gebruiken."),
        ),
    }

    /// Users without a phone when every way needs SMS.
    fn no_phone_blocked(n: u32) {
        En => one_or_many(
            n,
            "1 user has no mobile number: they cannot log in until one is added, as every way to the level needs an SMS code.",
            format!("{n} users have no mobile number: they cannot log in until one is added, as every way to the level needs an SMS code."),
        ),
        Nl => one_or_many(
            n,
            "1 gebruiker heeft geen mobiel nummer en kan pas inloggen als er een is toegevoegd, want elke weg naar het niveau vraagt een sms-code.",
            format!("{n} gebruikers hebben geen mobiel nummer en kunnen pas inloggen als er een is toegevoegd, want elke weg naar het niveau vraagt een sms-code."),
        ),
    }

    /// How many users have no phone (none, or SMS not needed).
    fn no_phone_plain(n: u32) {
        En => one_or_many(
            n,
            "1 user has no mobile number.",
            format!("{n} users have no mobile number."),
        ),
        Nl => one_or_many(
            n,
            "1 gebruiker heeft geen mobiel nummer.",
            format!("{n} gebruikers hebben geen mobiel nummer."),
        ),
    }

    /// Everyone reaches the level under the policy being edited.
    fn reach_all(total: u32) {
        En => one_or_many(
            total,
            "The 1 user can reach the level under this policy with what they have enrolled.",
            format!("All {total} users can reach the level under this policy with what they have enrolled."),
        ),
        Nl => one_or_many(
            total,
            "De enige gebruiker haalt het niveau onder dit beleid met wat die heeft ingesteld.",
            format!("Alle {total} gebruikers halen het niveau onder dit beleid met wat ze hebben ingesteld."),
        ),
    }

    /// Some do not.
    fn reach_some(cannot: u32, total: u32) {
        En => format!("{cannot} of {total} users could not reach the level under this policy with what they have enrolled today."),
        Nl => one_or_many(
            cannot,
            &format!("1 van de {total} gebruikers zou het niveau onder dit beleid niet halen met wat die nu heeft ingesteld."),
            format!("{cannot} van de {total} gebruikers zouden het niveau onder dit beleid niet halen met wat ze nu hebben ingesteld."),
        ),
    }

    /// A report's errors: the heading.
    fn cannot_be_saved() {
        En => "Cannot be saved",
        Nl => "Kan niet worden opgeslagen",
    }

    /// A report's warnings: the heading.
    fn warnings() {
        En => "Warnings",
        Nl => "Waarschuwingen",
    }

    /// No way reaches the level.
    fn no_combination() {
        En => "No combination of methods reaches the level.",
        Nl => "Geen enkele combinatie van methoden haalt het niveau.",
    }

    /// The ways to the level: the heading.
    fn ways_to_level() {
        En => "Ways to reach the level",
        Nl => "Manieren om het niveau te halen",
    }

    /// A report's what-if: everyone reaches the level.
    fn report_all_reach(total: u32) {
        En => format!("All {total} users can reach the level with what they have enrolled today."),
        Nl => format!("Alle {total} gebruikers halen het niveau met wat ze nu hebben ingesteld."),
    }

    /// A report's what-if: some do not.
    fn report_some_cannot(cannot: u32, total: u32) {
        En => format!("{cannot} of {total} users could not reach the level with what they have enrolled today."),
        Nl => format!("{cannot} van de {total} gebruikers zouden het niveau niet halen met wat ze nu hebben ingesteld."),
    }

    /// Filter: no phone.
    fn filter_no_phone() {
        En => "No mobile number",
        Nl => "Geen mobiel nummer",
    }

    /// Filter: only the password or a passkey.
    fn filter_no_second_method() {
        En => "No second method (SMS, email, authenticator app or recovery codes)",
        Nl => "Geen tweede methode (sms, e-mail, authenticator-app of herstelcodes)",
    }

    /// Filter: below the saved policy's level.
    fn filter_cannot_reach() {
        En => "Cannot reach the level (saved policy)",
        Nl => "Haalt het niveau niet (opgeslagen beleid)",
    }

    /// Filter: below the edited policy's level.
    fn filter_cannot_reach_edited() {
        En => "Cannot reach the level (policy being edited)",
        Nl => "Haalt het niveau niet (beleid dat je bewerkt)",
    }

    /// Filter: locked out.
    fn filter_locked() {
        En => "Locked out",
        Nl => "Geblokkeerd",
    }

    /// Filter: disabled.
    fn filter_disabled() {
        En => "Disabled",
        Nl => "Uitgeschakeld",
    }

    /// Filter: enrolled for a method.
    fn filter_has(m: Method) {
        En => format!("With {}", m.enrolment_need_in(Lang::En)),
        Nl => format!("Met {}", m.enrolment_need_in(Lang::Nl)),
    }

    /// Filter: not enrolled for a method.
    fn filter_lacks(m: Method) {
        En => format!("Without {}", m.enrolment_need_in(Lang::En)),
        Nl => format!("Zonder {}", m.enrolment_need_in(Lang::Nl)),
    }

    /// Bulk action: setup links by email.
    fn action_setup_links() {
        En => "Email a new setup link",
        Nl => "Nieuwe instellink mailen",
    }

    /// Bulk action: disable.
    fn action_disable() {
        En => "Disable",
        Nl => "Uitschakelen",
    }

    /// Bulk action: enable.
    fn action_enable() {
        En => "Enable",
        Nl => "Inschakelen",
    }

    /// The question before setup links for many.
    fn confirm_setup_links(n: u32) {
        En => format!("Email a new setup link to {}?", super::count_users(Lang::En, n)),
        Nl => format!("Een nieuwe instellink mailen naar {}?", super::count_users(Lang::Nl, n)),
    }

    /// The question before disabling many.
    fn confirm_disable(n: u32) {
        En => format!("Disable {}?", super::count_users(Lang::En, n)),
        Nl => format!("{} uitschakelen?", super::count_users(Lang::Nl, n)),
    }

    /// The question before enabling many.
    fn confirm_enable(n: u32) {
        En => format!("Enable {}?", super::count_users(Lang::En, n)),
        Nl => format!("{} inschakelen?", super::count_users(Lang::Nl, n)),
    }

    /// Setup links were sent.
    fn bulk_links_sent(n: u32) {
        En => one_or_many(
            n,
            "1 user got a new setup link by email.",
            format!("{n} users got a new setup link by email."),
        ),
        Nl => one_or_many(
            n,
            "1 gebruiker kreeg een nieuwe instellink per e-mail.",
            format!("{n} gebruikers kregen een nieuwe instellink per e-mail."),
        ),
    }

    /// Users were disabled.
    fn bulk_disabled(n: u32) {
        En => one_or_many(n, "1 user is disabled.", format!("{n} users are disabled.")),
        Nl => one_or_many(
            n,
            "1 gebruiker is uitgeschakeld.",
            format!("{n} gebruikers zijn uitgeschakeld."),
        ),
    }

    /// Users were enabled.
    fn bulk_enabled(n: u32) {
        En => one_or_many(n, "1 user is enabled.", format!("{n} users are enabled.")),
        Nl => one_or_many(
            n,
            "1 gebruiker is ingeschakeld.",
            format!("{n} gebruikers zijn ingeschakeld."),
        ),
    }

    /// Whom a bulk action passed over (`list`: "ann (why), bob (why)").
    fn bulk_passed_over(list: &str) {
        En => format!("Passed over: {list}."),
        Nl => format!("Overgeslagen: {list}."),
    }

    /// The search field, for screen readers.
    fn search_users() {
        En => "Search users",
        Nl => "Gebruikers zoeken",
    }

    /// What the search looks in.
    fn search_placeholder() {
        En => "Username, name, email or phone",
        Nl => "Gebruikersnaam, naam, e-mail of telefoon",
    }

    /// Searches.
    fn search() {
        En => "Search",
        Nl => "Zoeken",
    }

    /// The filter's field.
    fn show() {
        En => "Show",
        Nl => "Toon",
    }

    /// No filter.
    fn all_users() {
        En => "All users",
        Nl => "Alle gebruikers",
    }

    /// How many users a search or filter finds.
    fn users_match(n: u32) {
        En => one_or_many(n, "1 user matches", format!("{n} users match")),
        Nl => one_or_many(n, "1 gebruiker gevonden", format!("{n} gebruikers gevonden")),
    }

    /// Which of them are shown.
    fn showing(first: u32, last: u32) {
        En => format!("showing {first}–{last}"),
        Nl => format!("{first}–{last} getoond"),
    }

    /// The export link.
    fn export_users() {
        En => "Export these users (CSV)",
        Nl => "Deze gebruikers exporteren (CSV)",
    }

    /// The exported file's name.
    fn export_file_name() {
        En => "users.csv",
        Nl => "gebruikers.csv",
    }

    /// The page before.
    fn previous() {
        En => "Previous",
        Nl => "Vorige",
    }

    /// The page after.
    fn next() {
        En => "Next",
        Nl => "Volgende",
    }

    /// The bulk actions: the legend.
    fn with_chosen() {
        En => "With the users chosen",
        Nl => "Met de gekozen gebruikers",
    }

    /// The bulk action's field, for screen readers.
    fn action() {
        En => "Action",
        Nl => "Actie",
    }

    /// Acts on the users ticked.
    fn apply_selected(n: usize) {
        En => format!("Apply to {n} selected"),
        Nl => format!("Toepassen op {n} geselecteerde"),
    }

    /// Acts on every user found.
    fn apply_all(n: u32) {
        En => format!("Apply to all that match ({n})"),
        Nl => format!("Toepassen op alle gevonden ({n})"),
    }

    /// Why the edited policy's users cannot all be acted on.
    fn edited_policy_hint() {
        En => "Users found by a policy not yet saved can be chosen one by one; save it to act on all of them.",
        Nl => "Gebruikers die een nog niet opgeslagen beleid vindt, kun je een voor een kiezen. Sla het beleid op om iets met ze allemaal te doen.",
    }

    /// A new setup link's field.
    fn setup_link_for(who: &str) {
        En => format!("Setup link for {who} (shown once; valid 24 hours, single use)"),
        Nl => format!("Instellink voor {who} (alleen nu zichtbaar, 24 uur geldig, één keer te gebruiken)"),
    }

    /// The copy button, after copying.
    fn copied_button() {
        En => "Copied",
        Nl => "Gekopieerd",
    }

    /// A user was saved.
    fn user_saved(name: &str) {
        En => format!("{name} is saved."),
        Nl => format!("{name} is opgeslagen."),
    }

    /// A user was unlocked.
    fn user_unlocked(name: &str) {
        En => format!("{name} is unlocked: failed attempts are cleared and every method can be tried again."),
        Nl => format!("{name} is gedeblokkeerd: mislukte pogingen zijn gewist en elke methode kan weer worden geprobeerd."),
    }

    /// The question before ending a user's sessions.
    fn confirm_end_sessions(name: &str) {
        En => format!("End every session of {name}? They will have to log in again everywhere."),
        Nl => format!("Alle sessies van {name} beëindigen? Die moet dan overal opnieuw inloggen."),
    }

    /// A user's sessions were ended.
    fn sessions_ended(name: &str) {
        En => format!("Every session of {name} has ended."),
        Nl => format!("Alle sessies van {name} zijn beëindigd."),
    }

    /// The question before revoking recovery codes.
    fn confirm_revoke(name: &str) {
        En => format!("Revoke every unused recovery code of {name}?"),
        Nl => format!("Alle ongebruikte herstelcodes van {name} intrekken?"),
    }

    /// Recovery codes were revoked.
    fn revoked(name: &str) {
        En => format!("The recovery codes of {name} are revoked."),
        Nl => format!("De herstelcodes van {name} zijn ingetrokken."),
    }

    /// Recovery codes among a user's methods.
    fn recovery_with_left(n: u32) {
        En => format!("Recovery codes ({n} left)"),
        Nl => format!("Herstelcodes (nog {n})"),
    }

    /// A user's role, among their facts.
    fn fact_administrator() {
        En => "administrator",
        Nl => "beheerder",
    }

    /// A disabled user, among their facts.
    fn fact_disabled() {
        En => "disabled",
        Nl => "uitgeschakeld",
    }

    /// A user's checkbox, for screen readers.
    fn select_user(name: &str) {
        En => format!("Select {name}"),
        Nl => format!("{name} selecteren"),
    }

    /// A user without a phone when every way needs SMS.
    fn flag_no_phone() {
        En => "No mobile number: cannot reach the level",
        Nl => "Geen mobiel nummer: haalt het niveau niet",
    }

    /// A user with no method.
    fn nothing_set_up() {
        En => "Nothing set up yet",
        Nl => "Nog niets ingesteld",
    }

    /// A user's methods (`list`: their names).
    fn set_up_list(list: &str) {
        En => format!("Set up: {list}"),
        Nl => format!("Ingesteld: {list}"),
    }

    /// Opens a user's form.
    fn edit() {
        En => "Edit",
        Nl => "Bewerken",
    }

    /// Issues a setup link.
    fn new_setup_link() {
        En => "New setup link",
        Nl => "Nieuwe instellink",
    }

    /// Lifts a lockout.
    fn unlock() {
        En => "Unlock",
        Nl => "Deblokkeren",
    }

    /// Ends a user's sessions.
    fn end_sessions() {
        En => "End sessions",
        Nl => "Sessies beëindigen",
    }

    /// Revokes a user's recovery codes.
    fn revoke_codes() {
        En => "Revoke recovery codes",
        Nl => "Herstelcodes intrekken",
    }

    /// The role's checkbox.
    fn administrator() {
        En => "Administrator",
        Nl => "Beheerder",
    }

    /// The disabled checkbox.
    fn disabled_check() {
        En => "Disabled (logins refused, sessions ended)",
        Nl => "Uitgeschakeld (inloggen geweigerd, sessies beëindigd)",
    }

    /// Heading: a new user.
    fn add_user_title() {
        En => "Add a user",
        Nl => "Een gebruiker toevoegen",
    }

    /// A new user's email.
    fn email_optional() {
        En => "Email address (optional)",
        Nl => "E-mailadres (optioneel)",
    }

    /// A new user's phone.
    fn phone_optional() {
        En => "Mobile number (optional)",
        Nl => "Mobiel nummer (optioneel)",
    }

    /// Adds the user.
    fn add_user() {
        En => "Add user",
        Nl => "Gebruiker toevoegen",
    }

    /// "1 row", "3 rows".
    fn count_rows(n: u32) {
        En => one_or_many(n, "1 row", format!("{n} rows")),
        Nl => one_or_many(n, "1 rij", format!("{n} rijen")),
    }

    /// The file chosen could not be read.
    fn file_unreadable() {
        En => "The file could not be read.",
        Nl => "Het bestand kon niet worden gelezen.",
    }

    /// Check or import without a file.
    fn choose_csv_first() {
        En => "Choose a CSV file first.",
        Nl => "Kies eerst een CSV-bestand.",
    }

    /// An import failed part of the way.
    fn import_stopped(sent: u32, all: u32, message: &str) {
        En => format!("The import stopped after {sent} of {}, which are imported: {message}", count_rows(Lang::En, all)),
        Nl => format!("De import stopte na {sent} van de {}, die wel zijn geïmporteerd: {message}", count_rows(Lang::Nl, all)),
    }

    /// A dry run: what would happen.
    fn dry_run_checked(rows: u32, created: u32, updated: u32) {
        En => format!("{} checked: {created} would be created and {updated} updated.", count_rows(Lang::En, rows)),
        Nl => format!("{} gecontroleerd: {created} zouden worden aangemaakt en {updated} bijgewerkt.", count_rows(Lang::Nl, rows)),
    }

    /// A dry run: the rows with problems.
    fn dry_run_problems(bad: u32) {
        En => match bad {
            0 => "No row has a problem.".to_owned(),
            1 => "1 row has a problem and would change nothing.".to_owned(),
            n => format!("{n} rows have problems and would change nothing."),
        },
        Nl => match bad {
            0 => "Geen enkele rij heeft een probleem.".to_owned(),
            1 => "1 rij heeft een probleem en zou niets veranderen.".to_owned(),
            n => format!("{n} rijen hebben problemen en zouden niets veranderen."),
        },
    }

    /// An import: what happened.
    fn import_done(rows: u32, created: u32, updated: u32) {
        En => format!("Import finished: {} read, {} created and {updated} updated.", count_rows(Lang::En, rows), super::count_users(Lang::En, created)),
        Nl => format!("Import klaar: {} gelezen, {} aangemaakt en {updated} bijgewerkt.", count_rows(Lang::Nl, rows), super::count_users(Lang::Nl, created)),
    }

    /// An import: the rows left out.
    fn import_left_out(bad: u32) {
        En => match bad {
            0 => "No row was left out.".to_owned(),
            1 => "1 row with a problem was left out.".to_owned(),
            n => format!("{n} rows with problems were left out."),
        },
        Nl => match bad {
            0 => "Er is geen rij overgeslagen.".to_owned(),
            1 => "1 rij met een probleem is overgeslagen.".to_owned(),
            n => format!("{n} rijen met problemen zijn overgeslagen."),
        },
    }

    /// A problem of a row.
    fn line_problem(line: u32, message: &str) {
        En => format!("Line {line}: {message}"),
        Nl => format!("Regel {line}: {message}"),
    }

    /// Problems not listed.
    fn and_more(n: usize) {
        En => format!("and {n} more"),
        Nl => format!("en nog {n}"),
    }

    /// Heading: the import.
    fn import_title() {
        En => "Import users from a CSV file",
        Nl => "Gebruikers importeren uit een CSV-bestand",
    }

    /// What the file holds.
    fn import_hint() {
        En => "Columns: username, display_name, email, phone, role (user or admin), with that header line. Contact details count as confirmed.",
        Nl => "Kolommen: username, display_name, email, phone, role (user of admin), met die kopregel. Contactgegevens gelden als bevestigd.",
    }

    /// The file's field.
    fn csv_file() {
        En => "CSV file",
        Nl => "CSV-bestand",
    }

    /// Whether existing users are updated.
    fn update_existing() {
        En => "Update existing users (else their rows are reported and left out)",
        Nl => "Bestaande gebruikers bijwerken (anders worden hun rijen gemeld en overgeslagen)",
    }

    /// The dry run.
    fn check_file() {
        En => "Check the file",
        Nl => "Het bestand controleren",
    }

    /// The import.
    fn import_rows(n: u32) {
        En => format!("Import {}", count_rows(Lang::En, n)),
        Nl => format!("{} importeren", count_rows(Lang::Nl, n)),
    }

    /// An import's progress.
    fn rows_progress(done: u32, all: u32) {
        En => format!("{done} of {}", count_rows(Lang::En, all)),
        Nl => format!("{done} van {}", count_rows(Lang::Nl, all)),
    }

    /// The question before removing an application.
    fn confirm_remove_app(name: &str) {
        En => format!("Remove the application “{name}”? Its users are signed out of it and it can no longer use this login."),
        Nl => format!("De applicatie “{name}” verwijderen? De gebruikers ervan worden uitgelogd en de applicatie kan deze inlog niet meer gebruiken."),
    }

    /// An application was removed.
    fn app_removed(name: &str) {
        En => format!("{name} is removed."),
        Nl => format!("{name} is verwijderd."),
    }

    /// Heading: the applications.
    fn applications_title() {
        En => "Applications (OpenID Connect)",
        Nl => "Applicaties (OpenID Connect)",
    }

    /// No application yet.
    fn no_apps() {
        En => "No application uses this login yet.",
        Nl => "Nog geen enkele applicatie gebruikt deze inlog.",
    }

    /// A confidential client.
    fn app_confidential() {
        En => "confidential (client secret)",
        Nl => "vertrouwelijk (clientgeheim)",
    }

    /// A public client.
    fn app_public() {
        En => "public (PKCE)",
        Nl => "openbaar (PKCE)",
    }

    /// The level an application asks for.
    fn level_or_more(level: u32) {
        En => format!("level {level} or more"),
        Nl => format!("niveau {level} of hoger"),
    }

    /// Where an application may be sent back to.
    fn redirects_to(uris: &str) {
        En => format!("Redirects to {uris}"),
        Nl => format!("Stuurt terug naar {uris}"),
    }

    /// An application was registered.
    fn app_registered(name: &str) {
        En => format!("{name} is registered."),
        Nl => format!("{name} is geregistreerd."),
    }

    /// The client id's field.
    fn client_id() {
        En => "Client ID",
        Nl => "Client-ID",
    }

    /// The client secret's field.
    fn client_secret() {
        En => "Client secret (shown once: copy it into the application now)",
        Nl => "Clientgeheim (alleen nu zichtbaar: kopieer het nu naar de applicatie)",
    }

    /// A lowest level that is not a number.
    fn min_level_invalid() {
        En => "The lowest level must be a whole number, or empty for the directory's.",
        Nl => "Het laagste niveau moet een heel getal zijn, of leeg voor dat van de directory.",
    }

    /// Heading: a new application.
    fn register_app_title() {
        En => "Register an application",
        Nl => "Een applicatie registreren",
    }

    /// Its name.
    fn app_name() {
        En => "Name (shown to users when it asks for a higher level)",
        Nl => "Naam (zien gebruikers als de applicatie om een hoger niveau vraagt)",
    }

    /// Its redirect URIs.
    fn redirect_uris() {
        En => "Redirect URIs, one per line (exact match)",
        Nl => "Redirect-URI's, één per regel (moeten exact overeenkomen)",
    }

    /// Its after-logout URIs.
    fn logout_uris() {
        En => "After-logout URIs, one per line (optional)",
        Nl => "URI's na het uitloggen, één per regel (optioneel)",
    }

    /// Its lowest level.
    fn min_level() {
        En => "Lowest level it accepts (empty: the directory's)",
        Nl => "Laagste niveau dat de applicatie accepteert (leeg: dat van de directory)",
    }

    /// Public or confidential.
    fn public_app() {
        En => "Public application (runs in a browser or on a phone: no secret, PKCE required)",
        Nl => "Openbare applicatie (draait in een browser of op een telefoon: geen geheim, PKCE verplicht)",
    }

    /// Registers it.
    fn register() {
        En => "Register",
        Nl => "Registreren",
    }

    /// Heading: the audit events.
    fn recent_activity() {
        En => "Recent activity",
        Nl => "Recente activiteit",
    }

    /// Loads them again.
    fn refresh() {
        En => "Refresh",
        Nl => "Vernieuwen",
    }

    /// A user the events name who is gone.
    fn deleted_user() {
        En => "a deleted user",
        Nl => "een verwijderde gebruiker",
    }

    /// Who did it.
    fn by(name: &str) {
        En => format!("by {name}"),
        Nl => format!("door {name}"),
    }

    /// An event that failed.
    fn failed() {
        En => "failed",
        Nl => "mislukt",
    }

    /// From where.
    fn from_ip(ip: &str) {
        En => format!("from {ip}"),
        Nl => format!("vanaf {ip}"),
    }
}

/// What an audit event kind means, in words (no full stop: it starts a
/// line of facts). Exhaustive: a new kind needs words in both languages.
pub fn audit_kind(lang: Lang, kind: AuditKind) -> String {
    let (en, nl) = match kind {
        AuditKind::Login(m) => {
            return match lang {
                Lang::En => format!("{} step", m.label_lower_in(lang)),
                Lang::Nl => format!("stap met {}", m.label_lower_in(lang)),
            };
        }
        AuditKind::Added(m) => {
            return match lang {
                Lang::En => format!("{} added", m.label_lower_in(lang)),
                Lang::Nl => format!("{} toegevoegd", m.label_lower_in(lang)),
            };
        }
        AuditKind::Removed(m) => {
            return match lang {
                Lang::En => format!("{} removed", m.label_lower_in(lang)),
                Lang::Nl => format!("{} verwijderd", m.label_lower_in(lang)),
            };
        }
        AuditKind::LoginComplete => ("logged in", "ingelogd"),
        AuditKind::Logout => ("logged out", "uitgelogd"),
        AuditKind::AccountLocked => (
            "locked by guesses from unknown browsers",
            "vergrendeld door pogingen vanuit onbekende browsers",
        ),
        AuditKind::CodeSend => ("code sent", "code verstuurd"),
        AuditKind::CodeQuota => ("code quota reached", "maximum aantal codes bereikt"),
        AuditKind::PolicyUpdate => ("policy changed", "beleid gewijzigd"),
        AuditKind::PolicyStage => (
            "policy staged (report-only)",
            "beleid klaargezet (alleen rapporteren)",
        ),
        AuditKind::PolicyPromote => (
            "staged policy made active",
            "klaargezet beleid actief gemaakt",
        ),
        AuditKind::PolicyUnstage => ("staged policy dropped", "klaargezet beleid verwijderd"),
        AuditKind::UserCreate => ("user created", "gebruiker aangemaakt"),
        AuditKind::UsersImport => ("users imported", "gebruikers geïmporteerd"),
        AuditKind::UsersBulk => ("action on many users", "actie op veel gebruikers"),
        AuditKind::DirectoryRename => ("directory renamed", "directory hernoemd"),
        AuditKind::UserUpdate => ("user changed", "gebruiker gewijzigd"),
        AuditKind::UserDelete => ("user deleted", "gebruiker verwijderd"),
        AuditKind::UserUnlock => ("user unlocked", "gebruiker gedeblokkeerd"),
        AuditKind::UserEndSessions => ("sessions ended", "sessies beëindigd"),
        AuditKind::PasswordSet => ("password set", "wachtwoord ingesteld"),
        AuditKind::TotpConfirm => (
            "authenticator app confirmation",
            "bevestiging van de authenticator-app",
        ),
        AuditKind::RecoveryGenerate => ("recovery codes made", "herstelcodes gemaakt"),
        AuditKind::RecoveryRevoke => ("recovery codes revoked", "herstelcodes ingetrokken"),
        AuditKind::PhoneConfirm => ("phone number confirmed", "telefoonnummer bevestigd"),
        AuditKind::EmailConfirm => ("email address confirmed", "e-mailadres bevestigd"),
        AuditKind::PhoneRemove => ("mobile number removed", "mobiel nummer verwijderd"),
        AuditKind::EmailRemove => ("email address removed", "e-mailadres verwijderd"),
        AuditKind::SessionEnd => (
            "session ended by the user",
            "sessie beëindigd door de gebruiker",
        ),
        AuditKind::ProfileContact => ("contact details changed", "contactgegevens gewijzigd"),
        AuditKind::SetupOpen => ("setup link opened", "instellink geopend"),
        AuditKind::UserSetupLink => ("setup link issued", "instellink uitgegeven"),
        AuditKind::DirectoryCreate => ("directory created", "directory aangemaakt"),
        AuditKind::Bootstrap => ("first start", "eerste start"),
        AuditKind::OidcAuthorize => (
            "application asked for a login",
            "applicatie vroeg om een inlog",
        ),
        AuditKind::OidcToken => ("application got tokens", "applicatie kreeg tokens"),
        AuditKind::OidcClientAuth => (
            "application authentication",
            "authenticatie van een applicatie",
        ),
        AuditKind::OidcRevoke => ("token revoked", "token ingetrokken"),
        AuditKind::OidcRotateKeys => ("signing keys rotated", "ondertekeningssleutels vervangen"),
        AuditKind::ClientCreate => ("application registered", "applicatie geregistreerd"),
        AuditKind::ClientDelete => ("application removed", "applicatie verwijderd"),
    };
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
    .to_owned()
}

/// The words of every audit kind, for the test of all messages.
#[cfg(test)]
pub(crate) fn keyed_texts() -> Vec<(&'static str, String, String)> {
    AuditKind::all()
        .into_iter()
        .map(|k| {
            (
                "audit kind",
                audit_kind(Lang::En, k),
                audit_kind(Lang::Nl, k),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_kinds_start_a_line_of_facts() {
        assert_eq!(audit_kind(Lang::En, AuditKind::LoginComplete), "logged in");
        assert_eq!(audit_kind(Lang::Nl, AuditKind::LoginComplete), "ingelogd");
        for kind in AuditKind::all() {
            for lang in Lang::ALL {
                assert!(!audit_kind(lang, kind).contains('.'), "{kind}");
            }
        }
    }
}
