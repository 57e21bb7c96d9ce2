//! The words of the own account: home, the setup link's page, the profile,
//! and the enrolment of methods both of those show.

use authlevel_core::lang::points;
use authlevel_core::{Lang, Method, texts};

texts! {
    /// The prompt when the server wants a fresh login.
    fn reauth_text() {
        En => "For this change, sign in again: it needs a login from the last few minutes.",
        Nl => "Log voor deze wijziging opnieuw in: daarvoor is een inlog van de laatste paar minuten nodig.",
    }

    /// Its button.
    fn sign_in_again() {
        En => "Sign in again",
        Nl => "Opnieuw inloggen",
    }

    /// The dialog of a fresh login: its heading.
    fn relogin_title() {
        En => "Confirm it is you",
        Nl => "Bevestig dat jij het bent",
    }

    /// The dialog of a fresh login: why (`who`: the username, when known).
    fn relogin_text(who: &str) {
        En => if who.is_empty() {
            "This change needs a recent login. Log in again, and it is made right after.".to_owned()
        } else {
            format!("This change needs a recent login. Log in again as {who}, and it is made right after.")
        },
        Nl => if who.is_empty() {
            "Voor deze wijziging is een recente inlog nodig. Log opnieuw in; daarna wordt de wijziging meteen doorgevoerd.".to_owned()
        } else {
            format!("Voor deze wijziging is een recente inlog nodig. Log opnieuw in als {who}; daarna wordt de wijziging meteen doorgevoerd.")
        },
    }

    /// The dialog of a fresh login: giving up the change.
    fn relogin_cancel() {
        En => "Cancel the change",
        Nl => "Wijziging annuleren",
    }

    /// Home without a session: the heading.
    fn not_logged_in_title() {
        En => "You are not logged in",
        Nl => "Je bent niet ingelogd",
    }

    /// A page that needs a session, without one.
    fn not_logged_in() {
        En => "You are not logged in.",
        Nl => "Je bent niet ingelogd.",
    }

    /// Home: the heading.
    fn logged_in_title() {
        En => "You are logged in",
        Nl => "Je bent ingelogd",
    }

    /// Home: who.
    fn fact_user() {
        En => "User",
        Nl => "Gebruiker",
    }

    /// Home: where.
    fn fact_directory() {
        En => "Directory",
        Nl => "Directory",
    }

    /// Home: the level.
    fn fact_level() {
        En => "Level reached",
        Nl => "Behaald niveau",
    }

    /// Home: the methods.
    fn fact_methods() {
        En => "Methods used",
        Nl => "Gebruikte methoden",
    }

    /// Home: when.
    fn fact_logged_in_at() {
        En => "Logged in at",
        Nl => "Ingelogd op",
    }

    /// Home: until when.
    fn fact_session_ends() {
        En => "Session ends at the latest",
        Nl => "Sessie eindigt uiterlijk",
    }

    /// Home: the link to the profile.
    fn link_account() {
        En => "Your account: name, contact, password, passkeys",
        Nl => "Je account: naam, contactgegevens, wachtwoord, toegangssleutels (passkeys)",
    }

    /// Home: the link to the console.
    fn link_directories() {
        En => "Directories: authentication policy, users, applications",
        Nl => "Directory's: authenticatiebeleid, gebruikers, applicaties",
    }

    /// Ends the session.
    fn log_out() {
        En => "Log out",
        Nl => "Uitloggen",
    }

    /// The setup link's page: the heading.
    fn setup_title() {
        En => "Set up your account",
        Nl => "Je account instellen",
    }

    /// The setup page opened without its link.
    fn setup_needs_link() {
        En => "This page needs the setup link you were given. Open that link again, or ask your administrator for a new one.",
        Nl => "Voor deze pagina heb je de instellink nodig die je hebt gekregen. Open die link opnieuw, of vraag je beheerder om een nieuwe.",
    }

    /// Whose account, where.
    fn account_in_directory(username: &str, directory: &str) {
        En => format!("Account {username} in directory {directory}."),
        Nl => format!("Het account {username} in de directory {directory}."),
    }

    /// A setup link opened while logged in as someone else.
    fn setup_other_account(other: &str, username: &str) {
        En => format!("This browser is logged in as {other}. What you set up on this page goes to {username}, not to {other}."),
        Nl => format!("Deze browser is ingelogd als {other}. Wat je op deze pagina instelt, geldt voor {username}, niet voor {other}."),
    }

    /// What the setup page's progress bar measures.
    fn setup_progress() {
        En => "What you have set up",
        Nl => "Wat je hebt ingesteld",
    }

    /// Enough is set up.
    fn setup_can_reach() {
        En => "What you have set up reaches the required level: you will be able to log in.",
        Nl => "Wat je hebt ingesteld, haalt het vereiste niveau: je kunt straks inloggen.",
    }

    /// Not enough is set up.
    fn setup_cannot_reach() {
        En => "What you have set up does not reach the required level yet, so you could not log in.",
        Nl => "Wat je hebt ingesteld, haalt het vereiste niveau nog niet, dus je zou nog niet kunnen inloggen.",
    }

    /// The methods not set up: the summary.
    fn setup_not_set_up() {
        En => "Methods you have not set up",
        Nl => "Methoden die je nog niet hebt ingesteld",
    }

    /// One method not set up.
    fn setup_missing(m: Method, worth: u32) {
        En => format!(
            "{} ({}) needs {}.",
            m.label_in(Lang::En),
            points(Lang::En, worth),
            m.enrolment_need_in(Lang::En)
        ),
        Nl => format!(
            "{} ({}) vraagt om {}.",
            m.label_in(Lang::Nl),
            points(Lang::Nl, worth),
            m.enrolment_need_in(Lang::Nl)
        ),
    }

    /// Heading of the methods to add.
    fn add_ways() {
        En => "Add ways to log in",
        Nl => "Manieren om in te loggen toevoegen",
    }

    /// Heading: finishing a setup link.
    fn done_title() {
        En => "Done?",
        Nl => "Klaar?",
    }

    /// What finishing does.
    fn done_text() {
        En => "Finishing closes this setup link. Then log in as usual.",
        Nl => "Met Afronden sluit je deze instellink. Log daarna gewoon in.",
    }

    /// Finishes a setup link.
    fn finish() {
        En => "Finish",
        Nl => "Afronden",
    }

    /// Confirms a code.
    fn confirm() {
        En => "Confirm",
        Nl => "Bevestigen",
    }

    /// A contact point was removed.
    fn removed() {
        En => "Removed.",
        Nl => "Verwijderd.",
    }

    /// Before a confirmed number or address.
    fn confirmed() {
        En => "Confirmed:",
        Nl => "Bevestigd:",
    }

    /// The profile: the heading.
    fn profile_title() {
        En => "Your account",
        Nl => "Je account",
    }

    /// Back to home.
    fn back() {
        En => "Back",
        Nl => "Terug",
    }

    /// A setup link of another account is open in this browser.
    fn open_setup_warning(other: &str) {
        En => format!("A setup link for {other} is open in this browser. Until it is closed, changes to methods go to {other}, not to you."),
        Nl => format!("In deze browser staat een instellink voor {other} open. Zolang die open is, gelden wijzigingen aan methoden voor {other}, niet voor jou."),
    }

    /// Closes that setup link.
    fn close_setup() {
        En => "Close that setup",
        Nl => "Die instellink sluiten",
    }

    /// Heading: the display name.
    fn display_name() {
        En => "Display name",
        Nl => "Weergavenaam",
    }

    /// The display name's field.
    fn display_name_field() {
        En => "Name shown to people",
        Nl => "Naam die anderen zien",
    }

    /// The display name was saved.
    fn display_name_saved() {
        En => "Your display name is saved.",
        Nl => "Je weergavenaam is opgeslagen.",
    }

    /// Heading: the language of what is sent.
    fn messages_language() {
        En => "Language of messages",
        Nl => "Taal van berichten",
    }

    /// The field of that language.
    fn messages_language_field() {
        En => "Language of the SMS codes, email codes and notices sent to you",
        Nl => "Taal van de sms-codes, e-mailcodes en meldingen die je krijgt",
    }

    /// When no language is stored.
    fn messages_language_unset() {
        En => "You have not chosen one yet: each message comes in the language of the page that sends it.",
        Nl => "Je hebt er nog geen gekozen: elk bericht komt in de taal van de pagina die het verstuurt.",
    }

    /// That language was saved.
    fn messages_language_saved() {
        En => "The language of your messages is saved.",
        Nl => "De taal van je berichten is opgeslagen.",
    }

    /// Changes the password.
    fn change_password() {
        En => "Change password",
        Nl => "Wachtwoord wijzigen",
    }

    /// Heading: the sessions.
    fn sessions() {
        En => "Where you are logged in",
        Nl => "Waar je bent ingelogd",
    }

    /// A session was ended.
    fn session_ended() {
        En => "That session is ended.",
        Nl => "Die sessie is beëindigd.",
    }

    /// Heading: the known browsers.
    fn known_browsers() {
        En => "Browsers you have logged in from",
        Nl => "Browsers waarin je bent ingelogd",
    }

    /// What a known browser is for.
    fn known_browsers_hint() {
        En => "When someone guesses at your password elsewhere, logins from new browsers have to wait; these browsers do not. Forget one you no longer use.",
        Nl => "Als iemand elders je wachtwoord probeert te raden, moeten inlogs vanuit nieuwe browsers wachten; deze browsers niet. Vergeet een browser die je niet meer gebruikt.",
    }

    /// A known browser was forgotten.
    fn browser_forgotten() {
        En => "That browser is forgotten.",
        Nl => "Die browser is vergeten.",
    }

    /// After the browser this page runs in.
    fn this_browser() {
        En => " (this one)",
        Nl => " (deze)",
    }

    /// A known browser's times and address.
    fn browser_times(since: &str, last: &str, ip: &str) {
        En => format!("Known since {since}, last login {last}, from {ip}."),
        Nl => format!("Bekend sinds {since}, laatst ingelogd {last}, vanaf {ip}."),
    }

    /// A known browser's times.
    fn browser_times_no_ip(since: &str, last: &str) {
        En => format!("Known since {since}, last login {last}."),
        Nl => format!("Bekend sinds {since}, laatst ingelogd {last}."),
    }

    /// Forgets a known browser.
    fn forget() {
        En => "Forget",
        Nl => "Vergeten",
    }

    /// A session without a user agent.
    fn unknown_browser() {
        En => "Unknown browser",
        Nl => "Onbekende browser",
    }

    /// After the session this page runs in.
    fn this_session() {
        En => " (this one)",
        Nl => " (deze)",
    }

    /// A session's times and address.
    fn session_times(since: &str, last: &str, ip: &str) {
        En => format!("Since {since}, last used {last}, from {ip}."),
        Nl => format!("Sinds {since}, laatst gebruikt {last}, vanaf {ip}."),
    }

    /// A session's level now for applications, and when it drops.
    fn session_level(level: u32, drops: &str) {
        En => format!("Level {level} for applications until {drops}."),
        Nl => format!("Niveau {level} voor applicaties tot {drops}."),
    }

    /// A session's times, its address unknown.
    fn session_times_no_ip(since: &str, last: &str) {
        En => format!("Since {since}, last used {last}, from an unknown address."),
        Nl => format!("Sinds {since}, laatst gebruikt {last}, vanaf een onbekend adres."),
    }

    /// Ends one session.
    fn end() {
        En => "End",
        Nl => "Beëindigen",
    }

    /// Every other session was ended.
    fn others_ended() {
        En => "Every other session is ended.",
        Nl => "Alle andere sessies zijn beëindigd.",
    }

    /// Ends every other session.
    fn end_others() {
        En => "End every other session",
        Nl => "Alle andere sessies beëindigen",
    }

    /// Adds a passkey.
    fn add_passkey() {
        En => "Add a passkey",
        Nl => "Toegangssleutel (passkey) toevoegen",
    }

    /// No passkey is registered.
    fn no_passkeys() {
        En => "No passkeys yet.",
        Nl => "Nog geen toegangssleutels (passkeys).",
    }

    /// A passkey was added.
    fn passkey_added(name: &str) {
        En => format!("Passkey “{name}” added."),
        Nl => format!("Toegangssleutel “{name}” toegevoegd."),
    }

    /// The name a new passkey starts with.
    fn passkey_default_name() {
        En => "Passkey",
        Nl => "Toegangssleutel",
    }

    /// The field of a new passkey's name.
    fn passkey_name() {
        En => "Name of the new passkey",
        Nl => "Naam van de nieuwe toegangssleutel (passkey)",
    }

    /// A passkey's name field, for screen readers.
    fn passkey_name_of(name: &str) {
        En => format!("Name of passkey “{name}”"),
        Nl => format!("Naam van toegangssleutel “{name}”"),
    }

    /// A passkey was removed.
    fn passkey_removed() {
        En => "Passkey removed.",
        Nl => "Toegangssleutel verwijderd.",
    }

    /// Heading: the passkeys.
    fn passkeys() {
        En => "Passkeys",
        Nl => "Toegangssleutels (passkeys)",
    }

    /// A passkey was renamed.
    fn renamed() {
        En => "Renamed.",
        Nl => "Naam gewijzigd.",
    }


    /// Heading: a password is set.
    fn change_your_password() {
        En => "Change your password",
        Nl => "Je wachtwoord wijzigen",
    }

    /// Heading: no password yet.
    fn choose_password() {
        En => "Choose a password",
        Nl => "Kies een wachtwoord",
    }

    /// The field of a new password.
    fn new_password() {
        En => "New password",
        Nl => "Nieuw wachtwoord",
    }

    /// The password was changed.
    fn password_changed() {
        En => "Your password is changed.",
        Nl => "Je wachtwoord is gewijzigd.",
    }

    /// What a password must be.
    fn password_rules() {
        En => "8 to 256 characters; any characters; not a common password.",
        Nl => "8 tot 256 tekens, alle tekens mogen, geen veelgebruikt wachtwoord.",
    }

    /// The password is set.
    fn password_set() {
        En => "Your password is set.",
        Nl => "Je wachtwoord is ingesteld.",
    }

    /// The two password fields differ.
    fn passwords_differ() {
        En => "The two passwords differ; type the same one twice.",
        Nl => "De twee wachtwoorden verschillen. Typ twee keer hetzelfde.",
    }

    /// Sets the password on a setup link.
    fn set_password() {
        En => "Set password",
        Nl => "Wachtwoord instellen",
    }

    /// The field that repeats the new password.
    fn type_again() {
        En => "Type it again",
        Nl => "Typ het nog een keer",
    }


    /// Downloads a file.
    fn download() {
        En => "Download",
        Nl => "Downloaden",
    }

    /// Prints the page.
    fn print() {
        En => "Print",
        Nl => "Afdrukken",
    }

    /// Few recovery codes are left.
    fn recovery_few() {
        En => "Make a new set before they run out.",
        Nl => "Maak een nieuwe set voordat ze op zijn.",
    }

    /// The head of a downloaded set of recovery codes.
    fn recovery_file_intro() {
        En => "Recovery codes. Each works once, in place of your phone or authenticator app.\nKeep them somewhere safe, apart from your devices.\n\n",
        Nl => "Herstelcodes. Elke code werkt één keer, in plaats van je telefoon of authenticator-app.\nBewaar ze op een veilige plek, niet bij je apparaten.\n\n",
    }

    /// The name of that file.
    fn recovery_file_name() {
        En => "recovery-codes.txt",
        Nl => "herstelcodes.txt",
    }

    /// What recovery codes are for.
    fn recovery_intro() {
        En => "For when your phone is lost: each code works once, in place of a code from it.",
        Nl => "Voor als je telefoon kwijt is: elke code werkt één keer, in plaats van een code van je telefoon.",
    }

    /// Above a new set.
    fn recovery_keep() {
        En => "Keep these somewhere safe, apart from your phone. Each works once; they are shown only now.",
        Nl => "Bewaar deze op een veilige plek, niet bij je telefoon. Elke code werkt één keer en je ziet ze alleen nu.",
    }

    /// How many recovery codes are left.
    fn recovery_left(n: u32) {
        En => match n {
            0 => "You have no recovery codes.".to_owned(),
            1 => "1 recovery code is left.".to_owned(),
            n => format!("{n} recovery codes are left."),
        },
        Nl => match n {
            0 => "Je hebt geen herstelcodes.".to_owned(),
            1 => "Er is nog 1 herstelcode over.".to_owned(),
            n => format!("Er zijn nog {n} herstelcodes over."),
        },
    }

    /// A new set was made.
    fn recovery_made() {
        En => "Your new recovery codes are below. Any earlier ones no longer work.",
        Nl => "Je nieuwe herstelcodes staan hieronder. Eerdere codes werken niet meer.",
    }

    /// Makes the first recovery codes.
    fn recovery_make() {
        En => "Make recovery codes",
        Nl => "Herstelcodes maken",
    }

    /// Replaces the recovery codes.
    fn recovery_new_set() {
        En => "Make a new set",
        Nl => "Nieuwe set maken",
    }


    /// A method that is set up.
    fn set_up_done() {
        En => "✓ Set up.",
        Nl => "✓ Ingesteld.",
    }

    /// The app is confirmed.
    fn totp_done() {
        En => "Your authenticator app is set up.",
        Nl => "Je authenticator-app is ingesteld.",
    }

    /// Before the secret in letters.
    fn totp_key() {
        En => "Key:",
        Nl => "Sleutel:",
    }

    /// The QR code, for screen readers.
    fn totp_qr() {
        En => "QR code for your authenticator app",
        Nl => "QR-code voor je authenticator-app",
    }

    /// Removes the app.
    fn totp_remove() {
        En => "Remove the authenticator app",
        Nl => "De authenticator-app verwijderen",
    }

    /// The app was removed.
    fn totp_removed() {
        En => "The authenticator app is removed.",
        Nl => "De authenticator-app is verwijderd.",
    }

    /// How to add the secret to the app.
    fn totp_scan() {
        En => "Scan this code with your authenticator app, or type the key into it.",
        Nl => "Scan deze code met je authenticator-app, of typ de sleutel erin.",
    }

    /// Starts setting up an authenticator app.
    fn totp_start() {
        En => "Set up an authenticator app",
        Nl => "Een authenticator-app instellen",
    }

    /// Pairs a phone with the approval app.
    fn app_pair() {
        En => "Pair a phone",
        Nl => "Een telefoon koppelen",
    }

    /// How to pair.
    fn app_scan() {
        En => "Scan this code with the phone's camera, or open the link on the phone: it opens the approval app, which you can add to the home screen. The link works once, for 10 minutes.",
        Nl => "Scan deze code met de camera van de telefoon, of open de link op de telefoon: die opent de goedkeurings-app, die je aan het beginscherm kunt toevoegen. De link werkt één keer, 10 minuten lang.",
    }

    /// The pairing QR code's description.
    fn app_qr() {
        En => "QR code of the pairing link",
        Nl => "QR-code van de koppellink",
    }

    /// The pairing link.
    fn app_open_link() {
        En => "Open the pairing link",
        Nl => "De koppellink openen",
    }

    /// A phone was paired.
    fn app_paired() {
        En => "The phone is paired.",
        Nl => "De telefoon is gekoppeld.",
    }

    /// No phone paired.
    fn app_none() {
        En => "No phone is paired yet.",
        Nl => "Er is nog geen telefoon gekoppeld.",
    }

    /// A phone without push.
    fn app_no_push() {
        En => "(no notifications: open the app to approve)",
        Nl => "(geen meldingen: open de app om goed te keuren)",
    }

    /// A phone was removed.
    fn app_removed() {
        En => "Phone removed.",
        Nl => "Telefoon verwijderd.",
    }
}
