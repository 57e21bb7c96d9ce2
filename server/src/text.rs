//! The words of the server, in English and Dutch: problem details, the
//! import's and bulk actions' reports, the SMS and email texts, the
//! notices and the pages the server writes itself. Dutch is informal
//! ("je"), with the terms of `docs/glossary.md`. Where a request is being
//! answered, callers pass [`crate::lang::current`]; what is sent to a user
//! goes in [`crate::lang::for_user`].

use authlevel_core::texts;
#[allow(unused_imports)]
use authlevel_core::{Lang, Method, lang::points};

texts! {
    /// A replay window out of range.
    fn replay_days() {
        En => "days is 1 to 366.",
        Nl => "days moet 1 tot en met 366 zijn.",
    }

    /// A draft with a level or points out of range.
    fn replay_policy_range() {
        En => "The draft's level is 1 to 1000, its points and risk points 0 to 1000, and a lifetime at most a year.",
        Nl => "Het niveau van het concept moet 1 tot en met 1000 zijn, de punten en risicopunten 0 tot en met 1000, en een geldigheid hoogstens een jaar.",
    }

    /// Users of a replay asked for before any replay.
    fn no_replay_yet() {
        En => "Replay a draft policy first; its users are those of your last replay.",
        Nl => "Speel eerst een conceptbeleid af; de gebruikers zijn die van je laatste afspeelronde.",
    }

    /// Promote or drop with nothing staged.
    fn nothing_staged() {
        En => "No policy is staged in this directory.",
        Nl => "Er staat in deze directory geen beleid klaar.",
    }

    /// A promote raced by another change of the staged policy.
    fn staged_changed() {
        En => "The staged policy changed meanwhile; look at it again before making it active.",
        Nl => "Het klaargezette beleid is intussen gewijzigd; bekijk het opnieuw voordat je het actief maakt.",
    }

    /// A policy with errors was not saved.
    fn policy_has_errors() {
        En => "The policy has errors; nothing was saved.",
        Nl => "Het beleid bevat fouten; er is niets opgeslagen.",
    }

    /// A body that is not a JSON object.
    fn body_not_object() {
        En => "The body is a JSON object.",
        Nl => "De inhoud moet een JSON-object zijn.",
    }

    /// A body without the JSON content type.
    fn send_json() {
        En => "Send the body as JSON with Content-Type: application/json.",
        Nl => "Stuur de inhoud als JSON met Content-Type: application/json.",
    }

    /// A body that is not JSON at all.
    fn json_malformed() {
        En => "The body is not well-formed JSON.",
        Nl => "De inhoud is geen correcte JSON.",
    }

    /// A body that is too large.
    fn body_too_large() {
        En => "The request body is too large.",
        Nl => "De inhoud van het verzoek is te groot.",
    }

    /// A body that could not be read.
    fn body_unreadable() {
        En => "The request body could not be read.",
        Nl => "De inhoud van het verzoek kon niet worden gelezen.",
    }

    /// JSON that does not fit (`why`: serde's words, values cut out).
    fn json_misfit(why: &str) {
        En => format!("The JSON does not fit this request: {why}"),
        Nl => format!("De JSON past niet bij dit verzoek: {why}"),
    }

    /// A query string that does not fit.
    fn query_misfit(why: &str) {
        En => format!("The query string does not fit this request: {why}"),
        Nl => format!("De querystring past niet bij dit verzoek: {why}"),
    }

    /// The hashing queue is full.
    fn busy() {
        En => "The service is busy. Please try again in a moment.",
        Nl => "De dienst heeft het druk. Probeer het zo opnieuw.",
    }

    /// No session.
    fn please_log_in() {
        En => "Please log in.",
        Nl => "Log eerst in.",
    }

    /// An unknown directory id.
    fn no_such_directory() {
        En => "There is no directory with this id.",
        Nl => "Er is geen directory met deze id.",
    }

    /// An unknown user id.
    fn no_such_user() {
        En => "There is no user with this id.",
        Nl => "Er is geen gebruiker met deze id.",
    }

    /// A request from another site.
    fn other_site() {
        En => "This request came from another site and was refused.",
        Nl => "Dit verzoek kwam van een andere site en is geweigerd.",
    }

    /// A POST that is not JSON (or CSV to the import).
    fn send_requests_as_json() {
        En => "Send requests as JSON with Content-Type: application/json.",
        Nl => "Stuur verzoeken als JSON met Content-Type: application/json.",
    }

    /// Not an administrator of this directory.
    fn admins_only() {
        En => "Only an administrator of this directory may do this.",
        Nl => "Alleen een beheerder van deze directory mag dit doen.",
    }

    /// Too many login attempts.
    fn too_many_login_attempts() {
        En => "Too many login attempts from here. Please wait a moment and try again.",
        Nl => "Te veel inlogpogingen vanaf hier. Wacht even en probeer het dan opnieuw.",
    }

    /// Too many passkey sign-in attempts.
    fn too_many_sign_in_attempts() {
        En => "Too many sign-in attempts from here. Please wait a moment and try again.",
        Nl => "Te veel aanmeldpogingen vanaf hier. Wacht even en probeer het dan opnieuw.",
    }

    /// Too many authorization requests.
    fn too_many_sign_in_requests() {
        En => "Too many sign-in requests from here. Please wait a moment and try again.",
        Nl => "Te veel aanmeldverzoeken vanaf hier. Wacht even en probeer het dan opnieuw.",
    }

    /// An unknown session id.
    fn no_such_session() {
        En => "No such session.",
        Nl => "Die sessie bestaat niet.",
    }

    /// No such known browser.
    fn no_such_browser() {
        En => "You have no known browser with this id.",
        Nl => "Je hebt geen bekende browser met deze id.",
    }

    /// The database does not answer.
    fn database_silent() {
        En => "The database does not answer.",
        Nl => "De database antwoordt niet.",
    }

    /// An unknown API path.
    fn no_such_route() {
        En => "There is no such API route.",
        Nl => "Deze API-route bestaat niet.",
    }

    /// A bad slug.
    fn bad_slug() {
        En => "A directory's slug has 1 to 63 lower-case letters, digits or dashes.",
        Nl => "De korte naam van een directory heeft 1 tot 63 kleine letters, cijfers of streepjes.",
    }

    /// Only operators create directories.
    fn operators_create_directories() {
        En => "Only administrators of the default directory create directories.",
        Nl => "Alleen beheerders van de directory default maken directories aan.",
    }

    /// A slug in use.
    fn slug_taken() {
        En => "A directory with this slug exists.",
        Nl => "Er bestaat al een directory met deze korte naam.",
    }

    /// Only operators rename directories.
    fn operators_rename_directories() {
        En => "Only administrators of the default directory rename directories.",
        Nl => "Alleen beheerders van de directory default wijzigen de naam van directories.",
    }

    /// An administrator changing their own account through the
    /// administration routes.
    fn own_account() {
        En => "This is your own account: change it in your profile, where a new email address or mobile number is confirmed with a code and you are told of every change.",
        Nl => "Dit is je eigen account: wijzig het in je profiel, waar een nieuw e-mailadres of mobiel nummer met een code wordt bevestigd en je van elke wijziging hoort.",
    }

    /// A change that needs a login more recent than the window.
    fn log_in_again(minutes: i64) {
        En => format!("For this change, log in again: with your password or a passkey, up to your directory's level. What you verified in the last {minutes} minutes is not enough."),
        Nl => format!("Log voor deze wijziging opnieuw in: met je wachtwoord of een passkey, tot het niveau van je directory. Wat je de afgelopen {minutes} minuten hebt bevestigd, is niet genoeg."),
    }

    /// A limit out of its range.
    fn limit_range(max: u32) {
        En => format!("`limit` is 1 to {max}."),
        Nl => format!("`limit` is 1 tot {max}."),
    }

    /// A username in use.
    fn username_taken() {
        En => "This username is taken in this directory.",
        Nl => "Deze gebruikersnaam is al in gebruik in deze directory.",
    }

    /// An import that is not CSV.
    fn send_csv() {
        En => "Send the users as CSV with Content-Type: text/csv.",
        Nl => "Stuur de gebruikers als CSV met Content-Type: text/csv.",
    }

    /// An import file over 8 MiB.
    fn csv_too_large() {
        En => "The file is larger than 8 MiB; split it and import the parts.",
        Nl => "Het bestand is groter dan 8 MiB; splits het en importeer de delen.",
    }

    /// An import file that is not UTF-8.
    fn csv_not_utf8() {
        En => "The file is not UTF-8 text; save it as CSV UTF-8.",
        Nl => "Het bestand is geen UTF-8-tekst; sla het op als CSV UTF-8.",
    }

    /// Bulk: ids and a filter.
    fn bulk_both() {
        En => "Name the users by id, or select them with a filter, not both.",
        Nl => "Noem de gebruikers bij id, of kies ze met een filter, niet allebei.",
    }

    /// Bulk: neither.
    fn bulk_neither() {
        En => "Name the users (user_ids) or select them (filter or q).",
        Nl => "Noem de gebruikers (user_ids) of kies ze (filter of q).",
    }

    /// Only operators read the dev outbox.
    fn outbox_operators() {
        En => "Only an administrator of the default directory may read the outbox.",
        Nl => "Alleen een beheerder van de directory default mag de outbox lezen.",
    }

    /// The outbox outside dev mode.
    fn outbox_dev_only() {
        En => "The outbox exists in development mode only.",
        Nl => "De outbox bestaat alleen in ontwikkelmodus.",
    }

    /// A redirect URI refused.
    fn bad_redirect_uri(uri: &str) {
        En => format!("`{uri}` is not a redirect URI this login accepts: use https://, or http://localhost for development, in visible ASCII (percent-encoded), without a #fragment."),
        Nl => format!("`{uri}` is geen redirect-URI die deze login accepteert: gebruik https://, of http://localhost voor ontwikkeling, in zichtbare ASCII (met procentcodering), zonder #fragment."),
    }

    /// A client without redirect URIs.
    fn redirect_uri_needed() {
        En => "An application needs at least one redirect URI.",
        Nl => "Een applicatie heeft minstens één redirect-URI nodig.",
    }

    /// An unknown scope.
    fn unknown_scope(scope: &str) {
        En => format!("Unknown scope `{scope}`; use openid, profile, email, phone."),
        Nl => format!("Onbekende scope `{scope}`; gebruik openid, profile, email, phone."),
    }

    /// A client's minimum level too high.
    fn min_level_range(max: u32) {
        En => format!("The minimum level is at most {max}."),
        Nl => format!("Het minimumniveau is hoogstens {max}."),
    }

    /// An unknown application.
    fn no_such_application() {
        En => "There is no application with this id.",
        Nl => "Er is geen applicatie met deze id.",
    }

    /// A code message: the code, what it is for, how long it lasts.
    fn code_login(code: &str, directory: &str, ttl: &str) {
        En => format!("{code} is your {directory} login code. It expires in {ttl}. Never share it; we will never ask for it."),
        Nl => format!("{code} is je inlogcode voor {directory}. Hij verloopt over {ttl}. Deel hem met niemand; wij vragen er nooit om."),
    }

    /// A code to confirm a mobile number.
    fn code_confirm_phone(code: &str, directory: &str, ttl: &str) {
        En => format!("{code} is your code to confirm this number for {directory}. It expires in {ttl}. Never share it; we will never ask for it."),
        Nl => format!("{code} is je code om dit nummer te bevestigen voor {directory}. Hij verloopt over {ttl}. Deel hem met niemand; wij vragen er nooit om."),
    }

    /// A code to confirm an email address.
    fn code_confirm_email(code: &str, directory: &str, ttl: &str) {
        En => format!("{code} is your code to confirm this address for {directory}. It expires in {ttl}. Never share it; we will never ask for it."),
        Nl => format!("{code} is je code om dit adres te bevestigen voor {directory}. Hij verloopt over {ttl}. Deel hem met niemand; wij vragen er nooit om."),
    }

    /// The end of a code email.
    fn code_email_footer() {
        En => "If you did not ask for this, you can ignore this message.",
        Nl => "Heb je hier niet om gevraagd? Dan kun je dit bericht negeren.",
    }

    /// A lifetime in minutes.
    fn minutes(n: i64) {
        En => if n == 1 { "1 minute".to_owned() } else { format!("{n} minutes") },
        Nl => if n == 1 { "1 minuut".to_owned() } else { format!("{n} minuten") },
    }

    /// A lifetime in seconds.
    fn seconds(n: i64) {
        En => if n == 1 { "1 second".to_owned() } else { format!("{n} seconds") },
        Nl => if n == 1 { "1 seconde".to_owned() } else { format!("{n} seconden") },
    }

    /// The subject of a login code email.
    fn subject_login_code(directory: &str) {
        En => format!("Your {directory} login code"),
        Nl => format!("Je inlogcode voor {directory}"),
    }

    /// The subject of an email confirming an address.
    fn subject_confirm_email(directory: &str) {
        En => format!("Confirm your email address for {directory}"),
        Nl => format!("Bevestig je e-mailadres voor {directory}"),
    }

    /// The subject of a notice.
    fn subject_notice(directory: &str) {
        En => format!("A change to your {directory} account"),
        Nl => format!("Een wijziging in je account bij {directory}"),
    }

    /// The subject of the notice that guesses locked the account.
    fn subject_locked(directory: &str) {
        En => format!("Someone tried to log in to your {directory} account"),
        Nl => format!("Iemand probeerde in te loggen op je account bij {directory}"),
    }

    /// The notice that guesses from unknown browsers locked the account.
    fn locked_notice(directory: &str, username: &str, attempts: i64, minutes: i64) {
        En => format!("Someone tried to log in to your {directory} account ({username}) {attempts} times with a wrong password, from browsers you have not logged in from. Your account is safe: logins from new browsers wait {minutes} minutes. You can still log in from a browser you have used before, or with a passkey. If you did not try this yourself, there is nothing to do; if it goes on, tell your administrator."),
        Nl => format!("Iemand heeft {attempts} keer geprobeerd met een verkeerd wachtwoord in te loggen op je account bij {directory} ({username}), vanuit browsers waarin jij niet eerder inlogde. Je account is veilig: inloggen vanuit nieuwe browsers wacht {minutes} minuten. Je kunt nog steeds inloggen vanuit een browser die je eerder gebruikte, of met een passkey. Was jij het niet, dan hoef je niets te doen; gaat het door, waarschuw dan je beheerder."),
    }

    /// The subject of a setup link email.
    fn subject_setup_link(directory: &str) {
        En => format!("Set up your {directory} account"),
        Nl => format!("Stel je account bij {directory} in"),
    }

    /// A country SMS may not go to.
    fn sms_country_refused() {
        En => "SMS codes cannot be sent to numbers of this country here. Use another method or ask your administrator.",
        Nl => "Sms-codes kunnen hier niet naar nummers in dit land worden gestuurd. Gebruik een andere methode of vraag je beheerder.",
    }

    /// The resend wait.
    fn code_wait(wait: &str) {
        En => format!("Please wait {wait} before asking for a new code."),
        Nl => format!("Wacht {wait} voordat je een nieuwe code aanvraagt."),
    }

    /// A code quota reached.
    fn code_quota() {
        En => "Too many codes were requested. Please try again later or use another method.",
        Nl => "Er zijn te veel codes aangevraagd. Probeer het later opnieuw of gebruik een andere methode.",
    }

    /// A failed delivery.
    fn code_not_sent(to: &str) {
        En => format!("The code could not be sent to {to}. Try again in a moment, or use another method."),
        Nl => format!("De code kon niet naar {to} worden gestuurd. Probeer het zo opnieuw, of gebruik een andere methode."),
    }

    /// No code waiting.
    fn code_none() {
        En => "No code is waiting for this step. Send a new one.",
        Nl => "Er wacht geen code voor deze stap. Vraag een nieuwe aan.",
    }

    /// An expired code.
    fn code_expired() {
        En => "This code has expired. Send a new one.",
        Nl => "Deze code is verlopen. Vraag een nieuwe aan.",
    }

    /// A code tried too often.
    fn code_exhausted() {
        En => "Too many wrong tries for this code. Send a new one.",
        Nl => "Te vaak een verkeerde code geprobeerd. Vraag een nieuwe aan.",
    }

    /// A wrong code.
    fn code_wrong() {
        En => "That code is not valid. Check it and try again.",
        Nl => "Die code is niet geldig. Controleer hem en probeer het opnieuw.",
    }

    /// Confirming with nothing pending.
    fn nothing_pending() {
        En => "Nothing is waiting for confirmation; enter the new value first.",
        Nl => "Er wacht niets op bevestiging; vul eerst de nieuwe waarde in.",
    }

    /// Risk: no known-browser entry for the user.
    fn risk_new_browser(extra: u32) {
        En => format!("This browser is new to us: {} more.", points(Lang::En, extra)),
        Nl => format!("Deze browser kennen we nog niet: {} extra.", points(Lang::Nl, extra)),
    }

    /// Risk: no completed login from this network.
    fn risk_new_network(extra: u32) {
        En => format!("You have not logged in from this network before: {} more.", points(Lang::En, extra)),
        Nl => format!("Je hebt nog niet eerder vanaf dit netwerk ingelogd: {} extra.", points(Lang::Nl, extra)),
    }

    /// Risk: a "this wasn't me" or a lockout notice in the last day.
    fn risk_recent_not_me(extra: u32) {
        En => format!("Someone tried to log in as you in the last day: {} more.", points(Lang::En, extra)),
        Nl => format!("Het afgelopen etmaal probeerde iemand als jou in te loggen: {} extra.", points(Lang::Nl, extra)),
    }

    /// Risk: the lockout engaged in the last day.
    fn risk_many_failures(extra: u32) {
        En => format!("Your account had many failed attempts in the last day: {} more.", points(Lang::En, extra)),
        Nl => format!("Op je account zijn het afgelopen etmaal veel pogingen mislukt: {} extra.", points(Lang::Nl, extra)),
    }

    /// Risk: the raise stopped at what the user's methods reach.
    fn risk_capped(level: u32) {
        En => format!("Your account's methods reach {}, so this login asks for that.", points(Lang::En, level)),
        Nl => format!("De methoden van je account halen {}, dus deze inlog vraagt dat.", points(Lang::Nl, level)),
    }

    /// An application asks for more than the directory's level.
    fn client_asks_more(client: &str, level: u32, directory_level: u32, earned: u32) {
        En => format!("{client} asks for level {level}, more than this directory's {directory_level}; you have {} of it.", points(Lang::En, earned)),
        Nl => format!("{client} vraagt niveau {level}, meer dan de {directory_level} van deze directory; je hebt er {} van.", points(Lang::Nl, earned)),
    }

    /// An unknown directory name at login.
    fn no_such_directory_name() {
        En => "There is no directory with that name.",
        Nl => "Er is geen directory met die naam.",
    }

    /// A login that expired.
    fn login_expired() {
        En => "This login has expired; please start again.",
        Nl => "Deze inlog is verlopen; begin opnieuw.",
    }

    /// A login that is over.
    fn login_over() {
        En => "This login has already completed or expired.",
        Nl => "Deze inlog is al afgerond of verlopen.",
    }

    /// No login in progress.
    fn no_login() {
        En => "No login is in progress. Start with your password or a passkey.",
        Nl => "Er loopt geen inlog. Begin met je wachtwoord of een toegangssleutel (passkey).",
    }

    /// A method not open now.
    fn method_not_offered(m: Method) {
        En => format!("{} is not available in this login now.", m.label_in(Lang::En)),
        Nl => format!("{} is nu niet beschikbaar bij deze inlog.", m.label_in(Lang::Nl)),
    }

    /// A spent or unknown setup link.
    fn setup_link_spent() {
        En => "This setup link was already used or has expired. Ask your administrator for a new one.",
        Nl => "Deze instellink is al gebruikt of verlopen. Vraag je beheerder om een nieuwe.",
    }

    /// A setup link of a disabled account.
    fn account_inactive() {
        En => "This account is not active.",
        Nl => "Dit account is niet actief.",
    }

    /// A username's length.
    fn username_length() {
        En => "A username has 1 to 64 characters.",
        Nl => "Een gebruikersnaam heeft 1 tot 64 tekens.",
    }

    /// A username's characters.
    fn username_chars() {
        En => "A username may hold letters, digits and . _ - @ only.",
        Nl => "Een gebruikersnaam mag alleen letters, cijfers en . _ - @ bevatten.",
    }

    /// A display name's length.
    fn display_name_length() {
        En => "A display name has 1 to 100 characters and no line breaks.",
        Nl => "Een weergavenaam heeft 1 tot 100 tekens en geen regeleinden.",
    }

    /// A number without its country code.
    fn phone_country_code() {
        En => "Enter the mobile number with its country code, for example +41 79 123 45 67.",
        Nl => "Vul het mobiele nummer in met landcode, bijvoorbeeld +31 6 12345678.",
    }

    /// A number that cannot be read.
    fn phone_unreadable() {
        En => "This is not a phone number we can read; use the form +41 79 123 45 67.",
        Nl => "Dit telefoonnummer kunnen we niet lezen; gebruik de vorm +31 6 12345678.",
    }

    /// A number outside the numbering plan.
    fn phone_not_in_plan() {
        En => "This phone number does not exist in its country's numbering plan.",
        Nl => "Dit telefoonnummer bestaat niet in het nummerplan van zijn land.",
    }

    /// A bad email address.
    fn bad_email() {
        En => "Enter an email address like name@example.com.",
        Nl => "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    }

    /// A notice: what changed, on which account.
    fn notice(what: String, directory: &str, username: &str) {
        En => format!("{what} on your {directory} account ({username}). If this was not you, sign in and remove it, or tell your administrator at once."),
        Nl => format!("{what} bij je account van {directory} ({username}). Was jij dit niet? Log dan in en maak het ongedaan, of waarschuw meteen je beheerder."),
    }

    /// Notice: phone confirmed.
    fn changed_phone_confirmed() {
        En => "A new mobile number was confirmed",
        Nl => "Er is een nieuw mobiel nummer bevestigd",
    }

    /// Notice: email confirmed.
    fn changed_email_confirmed() {
        En => "A new email address was confirmed",
        Nl => "Er is een nieuw e-mailadres bevestigd",
    }

    /// Notice: phone removed.
    fn changed_phone_removed() {
        En => "The mobile number was removed",
        Nl => "Het mobiele nummer is verwijderd",
    }

    /// Notice: email removed.
    fn changed_email_removed() {
        En => "The email address was removed",
        Nl => "Het e-mailadres is verwijderd",
    }

    /// A setup link by email (bulk).
    fn setup_link_email(directory: &str, username: &str, url: &str) {
        En => format!("Set up your {directory} account ({username}) with this link, within 24 hours:\n\n{url}\n\nIt works once. If you did not expect it, ask your administrator."),
        Nl => format!("Stel je account bij {directory} ({username}) in met deze link, binnen 24 uur:\n\n{url}\n\nDe link werkt één keer. Verwachtte je dit niet? Vraag het je beheerder."),
    }

    /// Bulk: the admin themself.
    fn bulk_skip_self() {
        En => "That is your own account.",
        Nl => "Dat is je eigen account.",
    }

    /// Bulk: no address for a setup link.
    fn bulk_skip_no_email() {
        En => "No email address.",
        Nl => "Geen e-mailadres.",
    }

    /// Bulk: the email failed.
    fn bulk_skip_not_sent() {
        En => "The email could not be sent.",
        Nl => "De e-mail kon niet worden verstuurd.",
    }

    /// Bulk: too many ids.
    fn bulk_too_many() {
        En => "At most 10,000 users at once; use a filter for more.",
        Nl => "Hoogstens 10.000 gebruikers tegelijk; gebruik een filter voor meer.",
    }

    /// An unknown filter.
    fn unknown_filter(filter: &str, known: &str) {
        En => format!("`{filter}` is no filter; use one of: {known}."),
        Nl => format!("`{filter}` is geen filter; gebruik een van: {known}."),
    }

    /// A `policy` that is no policy.
    fn policy_param_invalid() {
        En => "`policy` is not a policy as JSON, with `required_level` and `points`.",
        Nl => "`policy` is geen beleid in JSON, met `required_level` en `points`.",
    }

    /// `cannot_reach_edited` without the policy.
    fn edited_policy_needed() {
        En => "The filter cannot_reach_edited needs the policy being edited in `policy`.",
        Nl => "Het filter cannot_reach_edited heeft het beleid dat je bewerkt nodig in `policy`.",
    }

    /// Import: the header line.
    fn import_header(columns: &str) {
        En => format!("The first line names the columns: {columns}."),
        Nl => format!("De eerste regel noemt de kolommen: {columns}."),
    }

    /// Import: an unknown column.
    fn import_unknown_column(column: &str, columns: &str) {
        En => format!("Unknown column `{column}`; the columns are {columns}."),
        Nl => format!("Onbekende kolom `{column}`; de kolommen zijn {columns}."),
    }

    /// Import: no username column.
    fn import_no_username() {
        En => "The column `username` is missing.",
        Nl => "De kolom `username` ontbreekt.",
    }

    /// Import: a line that is not CSV.
    fn import_not_csv(why: &str) {
        En => format!("This line is not CSV: {why}"),
        Nl => format!("Deze regel is geen CSV: {why}"),
    }

    /// Import: a name twice.
    fn import_duplicate(username: &str, line: u32) {
        En => format!("`{username}` is on line {line} already."),
        Nl => format!("`{username}` staat al op regel {line}."),
    }

    /// Import: an admin removing their own role.
    fn import_own_account() {
        En => "This is your own account: change it in your profile.",
        Nl => "Dit is je eigen account: wijzig het in je profiel.",
    }

    /// Import: an existing user without `update`.
    fn import_exists(username: &str) {
        En => format!("`{username}` exists in this directory; import with updating existing users to change it."),
        Nl => format!("`{username}` bestaat al in deze directory; importeer met bijwerken van bestaande gebruikers om die te wijzigen."),
    }

    /// Import: an unknown role.
    fn import_unknown_role(role: &str) {
        En => format!("Unknown role `{role}`; use user or admin."),
        Nl => format!("Onbekende rol `{role}`; gebruik user of admin."),
    }

    /// Import: a number that cannot be read.
    fn import_phone_unreadable(number: &str) {
        En => format!("{number} is not a phone number we can read."),
        Nl => format!("{number} is geen telefoonnummer dat we kunnen lezen."),
    }

    /// Import: a landline.
    fn import_landline(number: &str) {
        En => format!("{number} is a landline or service number: it cannot receive SMS codes; give a mobile number."),
        Nl => format!("{number} is een vast of servicenummer: het kan geen sms-codes ontvangen; geef een mobiel nummer."),
    }

    /// Import: a country SMS may not go to.
    fn import_country(number: &str) {
        En => format!("{number} cannot get SMS codes here (its country is not in sms_allowed_countries)."),
        Nl => format!("{number} kan hier geen sms-codes krijgen (het land staat niet in sms_allowed_countries)."),
    }

    /// OIDC page: an unknown client.
    fn oidc_unknown_app_title() {
        En => "Unknown application",
        Nl => "Onbekende applicatie",
    }

    /// OIDC page: an unknown client, explained.
    fn oidc_unknown_app() {
        En => "The application that sent you here is not registered with this login.",
        Nl => "De applicatie die je hierheen stuurde, is niet bij deze login geregistreerd.",
    }

    /// OIDC page: an unregistered redirect URI.
    fn oidc_no_return_title() {
        En => "Cannot return to the application",
        Nl => "Terug naar de applicatie lukt niet",
    }

    /// OIDC page: an unregistered redirect URI, explained.
    fn oidc_no_return() {
        En => "The address the application asked to return to is not registered, so this login will not send you there.",
        Nl => "Het adres waar de applicatie naar terug wil, is niet geregistreerd; daarom stuurt deze login je daar niet heen.",
    }

    /// OIDC page: a parked request gone.
    fn oidc_expired_title() {
        En => "This sign-in has expired",
        Nl => "Deze aanmelding is verlopen",
    }

    /// OIDC page: what to do.
    fn oidc_start_again() {
        En => "Go back to the application and start again.",
        Nl => "Ga terug naar de applicatie en begin opnieuw.",
    }

    /// OIDC page: the level not reached.
    fn oidc_level_title() {
        En => "Not logged in at the level asked for",
        Nl => "Niet ingelogd op het gevraagde niveau",
    }

    /// OIDC page: the level not reached, explained.
    fn oidc_level(client: &str, level: u32) {
        En => format!("{client} asks for level {level}. Go back to the application and try again."),
        Nl => format!("{client} vraagt niveau {level}. Ga terug naar de applicatie en probeer het opnieuw."),
    }

    /// Logout: done.
    fn logged_out_title() {
        En => "You are logged out",
        Nl => "Je bent uitgelogd",
    }

    /// Logout: done, explained.
    fn logged_out() {
        En => "You can close this window.",
        Nl => "Je kunt dit venster sluiten.",
    }

    /// Logout confirmation: the question.
    fn logout_question() {
        En => "Log out?",
        Nl => "Uitloggen?",
    }

    /// Logout confirmation: why it asks (`username` is escaped HTML).
    fn logout_why(username: &str) {
        En => format!("A link or an application asks to end your session. You are logged in as {username}."),
        Nl => format!("Een link of een applicatie vraagt om je sessie te beëindigen. Je bent ingelogd als {username}."),
    }

    /// Logout confirmation: the button.
    fn logout_button() {
        En => "Log out",
        Nl => "Uitloggen",
    }

    /// Logout confirmation: the way out.
    fn stay_logged_in() {
        En => "Stay logged in",
        Nl => "Ingelogd blijven",
    }

    /// A server page's link to the login page.
    fn to_login_page() {
        En => "Go to the login page",
        Nl => "Naar de inlogpagina",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_message_in_both_languages() {
        let problems = authlevel_core::lang::check_texts(&super::all_texts(), &[]);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
