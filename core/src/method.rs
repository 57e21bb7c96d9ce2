//! The authentication methods, each described once ([`MethodSpec`]), and
//! sets of them. Every list of methods anywhere — `Method::ALL`, the bits a
//! database stores, the points of a policy, the presets, the options of a
//! login, the `amr` values, the second steps, the users filters, the
//! OpenAPI enums — is derived from these descriptions, so a new method is
//! one entry of [`methods!`] and the compiler and the tests find the rest.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A method's place in a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepRole {
    /// Begins a login and says who is logging in: the password, a passkey.
    /// No code is sent before one of these.
    First,
    /// Adds to a login begun with a first step: a code, an app.
    Second,
    /// A second step kept for when the usual ones are lost (recovery codes).
    Backup,
}

/// What the person gives for a method at login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// A secret they know, typed.
    Secret,
    /// A code of digits, typed.
    Digits,
    /// A code of letters and digits, typed (any case, with or without
    /// dashes).
    Letters,
    /// A WebAuthn ceremony of the browser.
    Ceremony,
    /// An approval on another device.
    Approval,
}

/// How a code reaches the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// An SMS to the confirmed mobile number.
    Sms,
    /// An email to the confirmed address.
    Email,
}

/// What a channel's contact point is, said once: the profile, the setup
/// page and the API's routes of a code method derive from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelSpec {
    /// The profile's field that holds it, and the path segment its code
    /// is confirmed at (`/api/me/<field>/verify`).
    pub field: &'static str,
    /// The input's `type` and `autocomplete`.
    pub input: &'static str,
    /// What it is called.
    pub label: Words,
    /// Its label when one is confirmed already.
    pub new_label: Words,
    /// A placeholder.
    pub example: Words,
    /// What is said once a code confirmed it.
    pub confirmed: Words,
    /// The heading of the setup page's section.
    pub for_codes: Words,
}

impl Channel {
    /// Everything about this channel (a few fields to a line, as a table).
    #[rustfmt::skip]
    pub const fn spec(self) -> ChannelSpec {
        match self {
            Channel::Sms => ChannelSpec {
                field: "phone", input: "tel", label: words("Mobile number", "Mobiel nummer"),
                new_label: words("New mobile number", "Nieuw mobiel nummer"), example: words("+41 79 123 45 67", "+31 6 12 34 56 78"),
                confirmed: words("Your mobile number is confirmed.", "Je mobiele nummer is bevestigd."),
                for_codes: words("Mobile number for SMS codes", "Mobiel nummer voor sms-codes"),
            },
            Channel::Email => ChannelSpec {
                field: "email", input: "email", label: words("Email address", "E-mailadres"),
                new_label: words("New email address", "Nieuw e-mailadres"), example: words("name@example.com", "naam@example.com"),
                confirmed: words("Your email address is confirmed.", "Je e-mailadres is bevestigd."),
                for_codes: words("Email address for codes", "E-mailadres voor codes"),
            },
        }
    }
}

/// Words in English and Dutch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Words {
    /// English.
    pub en: &'static str,
    /// Dutch.
    pub nl: &'static str,
}

/// Words of a description: `en`, then `nl`.
const fn words(en: &'static str, nl: &'static str) -> Words {
    Words { en, nl }
}

impl Words {
    /// The words in `lang`.
    pub const fn in_lang(self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::En => self.en,
            crate::Lang::Nl => self.nl,
        }
    }
}

/// Everything about one method, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodSpec {
    /// The wire and URL name (`password`, `sms`, …), as serde writes it.
    pub name: &'static str,
    /// Its place in the lists people are shown ([`Method::ALL`]), from 0.
    pub shown: u8,
    /// Its bit in a stored set of methods: given once and never changed,
    /// since databases hold it (`users.enrolled`, sessions, flows).
    pub bit: u8,
    /// Its place in a login.
    pub role: StepRole,
    /// What the person gives at login.
    pub input: Input,
    /// How its code reaches the person, when one is sent.
    pub channel: Option<Channel>,
    /// Its RFC 8176 `amr` values in an ID token.
    pub amr: &'static [&'static str],
    /// Whether its means are kept on a device of the user's (a passkey, an
    /// authenticator app): their adding and removing are audited as
    /// `<name>.add` and `<name>.remove`.
    pub device: bool,
    /// Its points in the presets `password-only`, `two-factor`,
    /// `low-bar-mfa`.
    pub presets: [u32; 3],
    /// Whether a policy must name its points; a method added after
    /// policies were first saved is 0 in a policy that does not.
    pub required_in_policy: bool,
    /// Whether a policy's points name it while it is off (0). The methods
    /// the API's first clients knew always are; a method added later only
    /// once it has points, so a policy written without it reads back as
    /// it was written.
    pub named_when_off: bool,
    /// What its member of a policy's points is, for the API's document.
    pub points_doc: &'static str,
    /// Its name for people.
    pub label: Words,
    /// Its name inside a sentence.
    pub label_lower: Words,
    /// What a user must have enrolled for it to be offered.
    pub need: Words,
    /// The label of the field a code of its own is typed in (one that
    /// comes by a channel is "sent to …" instead).
    pub code_label: Option<Words>,
}

/// The methods: one entry a method, `Variant = MethodSpec { … }` (written
/// a few fields to a line, which rustfmt leaves in a macro) with the
/// variant's doc comment, in the order of their bits (the order a policy
/// lists their points in). Makes the `Method` enum, [`Method::BY_BIT`],
/// [`Method::ALL`] (by [`MethodSpec::shown`]) and the exhaustive
/// [`Method::spec`].
macro_rules! methods {
    ($( $(#[doc = $doc:literal])* $variant:ident = $spec:expr, )*) => {
        /// One way to prove identity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum Method {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Method {
            /// Every method, in the order of their bits: the order a
            /// policy lists their points in.
            pub const BY_BIT: [Method; [$(stringify!($variant)),*].len()] = [$(Method::$variant),*];

            /// Everything about this method.
            pub const fn spec(self) -> &'static MethodSpec {
                match self {
                    $( Method::$variant => {
                        const SPEC: MethodSpec = $spec;
                        &SPEC
                    } )*
                }
            }
        }
    };
}

methods! {
    /// Something you know: the account password.
    Password = MethodSpec {
        name: "password", shown: 0, bit: 1, role: StepRole::First, input: Input::Secret, channel: None, amr: &["pwd"], device: false, presets: [20, 20, 20], required_in_policy: true, named_when_off: true,
        points_doc: "Points of the password.", label: words("Password", "Wachtwoord"), label_lower: words("password", "wachtwoord"),
        need: words("a password", "een wachtwoord"), code_label: None,
    },
    /// A one-time code sent by SMS to the confirmed mobile number.
    Sms = MethodSpec {
        name: "sms", shown: 4, bit: 2, role: StepRole::Second, input: Input::Digits, channel: Some(Channel::Sms), amr: &["sms"], device: false, presets: [0, 10, 5], required_in_policy: true, named_when_off: true,
        points_doc: "Points of an SMS code.", label: words("SMS code", "Sms-code"), label_lower: words("SMS code", "sms-code"),
        need: words("a confirmed mobile number", "een bevestigd mobiel nummer"), code_label: None,
    },
    /// A one-time code sent to the confirmed email address.
    Email = MethodSpec {
        name: "email", shown: 5, bit: 4, role: StepRole::Second, input: Input::Digits, channel: Some(Channel::Email), amr: &["mail"], device: false, presets: [0, 10, 5], required_in_policy: true, named_when_off: true,
        points_doc: "Points of an email code.", label: words("Email code", "E-mailcode"), label_lower: words("email code", "e-mailcode"),
        need: words("a confirmed email address", "een bevestigd e-mailadres"), code_label: None,
    },
    /// A time-based one-time code from an authenticator app (RFC 6238).
    Totp = MethodSpec {
        name: "totp", shown: 3, bit: 8, role: StepRole::Second, input: Input::Digits, channel: None, amr: &["otp"], device: true, presets: [0, 10, 5], required_in_policy: true, named_when_off: true,
        points_doc: "Points of an authenticator-app (TOTP) code.", label: words("Authenticator app", "Authenticator-app"), label_lower: words("authenticator app", "authenticator-app"),
        need: words("an authenticator app", "een authenticator-app"), code_label: Some(words("Code from your authenticator app", "Code uit je authenticator-app")),
    },
    /// A WebAuthn passkey, counted only with user verification.
    Passkey = MethodSpec {
        name: "passkey", shown: 1, bit: 16, role: StepRole::First, input: Input::Ceremony, channel: None, amr: &["hwk", "user"], device: true, presets: [0, 30, 25], required_in_policy: true, named_when_off: true,
        points_doc: "Points of a user-verified passkey.", label: words("Passkey", "Toegangssleutel (passkey)"), label_lower: words("passkey", "toegangssleutel (passkey)"),
        need: words("a registered passkey", "een geregistreerde toegangssleutel (passkey)"), code_label: None,
    },
    /// A one-time recovery code, for a lost phone: never a first step.
    Recovery = MethodSpec {
        // A recovery code is a one-time password kept on paper.
        name: "recovery", shown: 6, bit: 32, role: StepRole::Backup, input: Input::Letters, channel: None, amr: &["otp"], device: false, presets: [0, 10, 5], required_in_policy: false, named_when_off: true,
        points_doc: "Points of a recovery code (0 in policies saved before there were\nany).", label: words("Recovery code", "Herstelcode"), label_lower: words("recovery code", "herstelcode"),
        need: words("unused recovery codes", "ongebruikte herstelcodes"), code_label: Some(words("One of your recovery codes", "Een van je herstelcodes")),
    },
    /// An approval in the app on a paired phone: the number the login page
    /// shows, picked there, signed with the phone's device key (user
    /// verification: its PIN or biometric).
    App = MethodSpec {
        name: "app", shown: 2, bit: 64, role: StepRole::Second, input: Input::Approval, channel: None, amr: &["swk", "user"], device: true, presets: [0, 10, 5], required_in_policy: false, named_when_off: false,
        points_doc: "Points of an approval in the app on a paired phone (0 in policies\nsaved before there was one).", label: words("Approval app", "Goedkeurings-app"), label_lower: words("approval app", "goedkeurings-app"),
        need: words("a phone paired with the approval app", "een telefoon gekoppeld aan de goedkeurings-app"), code_label: None,
    },
}

impl Method {
    /// Every method, in the order people are shown them
    /// ([`MethodSpec::shown`]).
    pub const ALL: [Method; Method::BY_BIT.len()] = {
        let mut all = Method::BY_BIT;
        let mut i = 1;
        while i < all.len() {
            let mut j = i;
            while j > 0 && all[j - 1].spec().shown > all[j].spec().shown {
                let earlier = all[j - 1];
                all[j - 1] = all[j];
                all[j] = earlier;
                j -= 1;
            }
            i += 1;
        }
        all
    };

    /// The wire and URL name: `password`, `sms`, `email`, `totp`, `passkey`, …
    pub const fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// A name a person reads, in `lang`.
    pub fn label_in(self, lang: crate::Lang) -> String {
        self.spec().label.in_lang(lang).to_owned()
    }

    /// The name inside a sentence, in `lang`.
    pub fn label_lower_in(self, lang: crate::Lang) -> String {
        self.spec().label_lower.in_lang(lang).to_owned()
    }

    /// Whether a login may begin with this method. Only the password and a
    /// passkey identify the user; codes are never sent to an unidentified
    /// caller and possession factors alone never complete a login.
    pub const fn is_first_step(self) -> bool {
        matches!(self.spec().role, StepRole::First)
    }

    /// What a user must have enrolled for this method to be offered, in
    /// `lang`.
    pub fn enrolment_need_in(self, lang: crate::Lang) -> String {
        self.spec().need.in_lang(lang).to_owned()
    }

    const fn bit(self) -> u8 {
        self.spec().bit
    }

    /// Its position in [`Method::ALL`].
    pub fn index(self) -> usize {
        Method::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of methods: verified in a login, or enrolled by a user.
///
/// On the wire it is a list of method names, in [`Method::ALL`] order.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodSet(u8);

impl MethodSet {
    /// No method.
    pub const EMPTY: MethodSet = MethodSet(0);
    /// Every method.
    pub const ALL: MethodSet = {
        let mut bits = 0;
        let mut i = 0;
        while i < Method::ALL.len() {
            bits |= Method::ALL[i].bit();
            i += 1;
        }
        MethodSet(bits)
    };

    /// A set from a list of methods.
    pub fn of(methods: &[Method]) -> MethodSet {
        methods.iter().copied().collect()
    }

    /// The methods of `role`.
    pub fn of_role(role: StepRole) -> MethodSet {
        Method::ALL
            .into_iter()
            .filter(|m| m.spec().role == role)
            .collect()
    }

    /// The steps that add to a login begun with a first step: every method
    /// but the password and a passkey (the second steps and the backup).
    pub fn after_first_step() -> MethodSet {
        MethodSet::ALL.without_all(MethodSet::of_role(StepRole::First))
    }

    /// The set as a bit pattern (each method's [`MethodSpec::bit`]), the
    /// form a database stores.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The set of a bit pattern from [`MethodSet::bits`]; unknown bits are dropped.
    pub const fn from_bits(bits: u8) -> MethodSet {
        MethodSet(bits & MethodSet::ALL.0)
    }

    /// Whether `m` is in the set.
    pub const fn contains(self, m: Method) -> bool {
        self.0 & m.bit() != 0
    }

    /// This set with `m` added.
    #[must_use]
    pub const fn with(self, m: Method) -> MethodSet {
        MethodSet(self.0 | m.bit())
    }

    /// This set without `m`.
    #[must_use]
    pub const fn without(self, m: Method) -> MethodSet {
        MethodSet(self.0 & !m.bit())
    }

    /// Adds `m`; returns whether it was new.
    pub fn insert(&mut self, m: Method) -> bool {
        let new = !self.contains(m);
        self.0 |= m.bit();
        new
    }

    /// Number of methods in the set.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every method of `self` is in `other`.
    pub const fn is_subset(self, other: MethodSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Methods in both sets.
    #[must_use]
    pub const fn intersection(self, other: MethodSet) -> MethodSet {
        MethodSet(self.0 & other.0)
    }

    /// Methods of `self` not in `other`.
    #[must_use]
    pub const fn without_all(self, other: MethodSet) -> MethodSet {
        MethodSet(self.0 & !other.0)
    }

    /// Methods in either set.
    #[must_use]
    pub const fn union(self, other: MethodSet) -> MethodSet {
        MethodSet(self.0 | other.0)
    }

    /// Whether the set holds a method a login may begin with.
    pub fn has_first_step(self) -> bool {
        self.iter().any(Method::is_first_step)
    }

    /// The methods, in [`Method::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Method> {
        Method::ALL.into_iter().filter(move |m| self.contains(*m))
    }

    /// Every subset of [`MethodSet::ALL`] (2 to the number of methods),
    /// smallest bit patterns first.
    pub fn all_subsets() -> impl Iterator<Item = MethodSet> {
        (0..=MethodSet::ALL.0)
            .filter(|bits| bits & !MethodSet::ALL.0 == 0)
            .map(MethodSet)
    }

    /// The methods as a vector, in [`Method::ALL`] order.
    pub fn to_vec(self) -> Vec<Method> {
        self.iter().collect()
    }
}

impl FromIterator<Method> for MethodSet {
    fn from_iter<I: IntoIterator<Item = Method>>(iter: I) -> Self {
        let mut set = MethodSet::EMPTY;
        for m in iter {
            set.insert(m);
        }
        set
    }
}

impl fmt::Debug for MethodSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for MethodSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for MethodSet {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(<Method as utoipa::PartialSchema>::schema())
            .description(Some("A set of methods, each named once"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for MethodSet {}

impl<'de> Deserialize<'de> for MethodSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<Method>::deserialize(d)?.into_iter().collect())
    }
}

/// When each method was verified (Unix seconds): in a login, and in the
/// session it became. Times are given, never read from a clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MethodTimes([Option<i64>; Method::ALL.len()]);

impl MethodTimes {
    /// When `m` was verified, if it was.
    pub fn get(&self, m: Method) -> Option<i64> {
        self.0[m.index()]
    }

    /// Records `m` as verified at `at`.
    pub fn set(&mut self, m: Method, at: i64) {
        self.0[m.index()] = Some(at);
    }

    /// These times with `m` verified at `at`.
    #[must_use]
    pub fn with(mut self, m: Method, at: i64) -> MethodTimes {
        self.set(m, at);
        self
    }

    /// The verified methods with their times, in [`Method::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Method, i64)> + '_ {
        Method::ALL
            .into_iter()
            .filter_map(|m| self.get(m).map(|t| (m, t)))
    }

    /// The verified methods.
    pub fn methods(&self) -> MethodSet {
        self.iter().map(|(m, _)| m).collect()
    }

    /// The methods verified at `since` or later.
    pub fn since(&self, since: i64) -> MethodSet {
        self.iter()
            .filter(|(_, t)| *t >= since)
            .map(|(m, _)| m)
            .collect()
    }

    /// When the last first step (the password or a passkey) was verified:
    /// the login's `auth_time`.
    pub fn last_first_step(&self) -> Option<i64> {
        self.iter()
            .filter(|(m, _)| m.is_first_step())
            .map(|(_, t)| t)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::parse(m.as_str()), Some(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", m.as_str()),
                "serde's name is the spec's"
            );
        }
        assert_eq!(Method::parse("PASSWORD"), None);
    }

    /// Every method's description fits: its bit is one bit of its own, its
    /// name and words are there, a first step sends no code, and the bits of
    /// the methods that were there first never change.
    #[test]
    fn every_description_holds_together() {
        let mut seen = 0u8;
        for m in Method::ALL {
            let s = m.spec();
            assert_eq!(s.bit.count_ones(), 1, "{m}: one bit");
            assert_eq!(seen & s.bit, 0, "{m}: a bit of its own");
            seen |= s.bit;
            assert!(!s.amr.is_empty(), "{m}: amr");
            for w in [s.label, s.label_lower, s.need] {
                assert!(!w.en.is_empty() && !w.nl.is_empty(), "{m}: words");
            }
            if s.role == StepRole::First {
                assert!(s.channel.is_none(), "{m}: no code before the first step");
            }
        }
        assert_eq!(MethodSet::ALL.bits(), seen);
        for (m, bit) in [
            (Method::Password, 1),
            (Method::Sms, 2),
            (Method::Email, 4),
            (Method::Totp, 8),
            (Method::Passkey, 16),
            (Method::Recovery, 32),
        ] {
            assert_eq!(m.spec().bit, bit, "{m}: a stored bit never changes");
        }
    }

    #[test]
    fn shown_in_order_and_each_once() {
        for (i, m) in Method::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(m.spec().shown), i, "{m}");
        }
        assert_eq!(
            Method::ALL.map(Method::as_str),
            [
                "password", "passkey", "app", "totp", "sms", "email", "recovery"
            ]
        );
    }

    #[test]
    fn only_password_and_passkey_are_first_steps() {
        let first: Vec<_> = Method::ALL
            .into_iter()
            .filter(|m| m.is_first_step())
            .collect();
        assert_eq!(first, vec![Method::Password, Method::Passkey]);
        assert_eq!(
            MethodSet::after_first_step(),
            MethodSet::ALL
                .without(Method::Password)
                .without(Method::Passkey)
        );
    }

    #[test]
    fn set_operations() {
        let s = MethodSet::of(&[Method::Sms, Method::Password, Method::Sms]);
        assert_eq!(s.len(), 2);
        assert!(s.contains(Method::Sms) && s.contains(Method::Password));
        assert!(!s.contains(Method::Email));
        assert!(s.has_first_step());
        assert!(!MethodSet::of(&[Method::Sms, Method::Totp]).has_first_step());
        assert!(s.without(Method::Password).is_subset(s));
        assert_eq!(MethodSet::all_subsets().count(), 1 << Method::ALL.len());
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"["password","sms"]"#);
        let back: MethodSet = serde_json::from_str(r#"["sms","password","sms"]"#).unwrap();
        assert_eq!(back, s);
    }
}
