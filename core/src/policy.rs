//! A directory's authentication policy: the required level, the points of
//! each method, and the presets an administrator starts from.

use crate::method::{Method, MethodSet, MethodTimes};
use crate::risk::{MaxAges, Risk, Signals};
use serde::{Deserialize, Serialize};

/// The highest required level and the highest points a method may be worth.
pub const MAX_LEVEL: u32 = 1000;

/// Points per method. 0 switches a method off.
///
/// On the wire an object with a member per method (`{"password": 20,
/// "sms": 10, …}`); a method added after policies were first saved may be
/// left out (it is then 0), an unknown member is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Points([u32; Method::BY_BIT.len()]);

impl Points {
    /// The points of `m`.
    pub const fn get(&self, m: Method) -> u32 {
        self.0[slot(m)]
    }

    /// Sets the points of `m`.
    pub fn set(&mut self, m: Method, points: u32) {
        self.0[slot(m)] = points;
    }

    /// These points with `m` worth `points`.
    #[must_use]
    pub const fn with(mut self, m: Method, points: u32) -> Points {
        self.0[slot(m)] = points;
        self
    }

    /// Points of the methods named, 0 for the others.
    pub fn of(pairs: &[(Method, u32)]) -> Points {
        pairs
            .iter()
            .fold(Points::default(), |p, (m, points)| p.with(*m, *points))
    }

    /// Every method with its points, in the order of their bits.
    pub fn iter(&self) -> impl Iterator<Item = (Method, u32)> + '_ {
        Method::BY_BIT.into_iter().map(|m| (m, self.get(m)))
    }
}

/// Where `m`'s points are kept: its place in [`Method::BY_BIT`].
const fn slot(m: Method) -> usize {
    let mut i = 0;
    while i < Method::BY_BIT.len() {
        if Method::BY_BIT[i] as u8 == m as u8 {
            return i;
        }
        i += 1;
    }
    0
}

impl Serialize for Points {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (m, points) in self.iter() {
            if points > 0 || m.spec().named_when_off {
                map.serialize_entry(m.as_str(), &points)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Points;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of points per method")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Points, A::Error> {
                use serde::de::Error;
                let mut points = Points::default();
                let mut named = MethodSet::EMPTY;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let Some(m) = Method::parse(&key) else {
                        return Err(A::Error::unknown_field(&key, NAMES));
                    };
                    if !named.insert(m) {
                        return Err(A::Error::duplicate_field(m.as_str()));
                    }
                    points.set(m, map.next_value()?);
                }
                match Method::BY_BIT
                    .into_iter()
                    .find(|m| m.spec().required_in_policy && !named.contains(*m))
                {
                    Some(m) => Err(A::Error::missing_field(m.as_str())),
                    None => Ok(points),
                }
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The members of [`Points`] on the wire.
const NAMES: &[&str] = &{
    let mut names = [""; Method::BY_BIT.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Method::BY_BIT[i].as_str();
        i += 1;
    }
    names
};

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Points {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, SchemaFormat, Type,
        };
        let mut object = ObjectBuilder::new()
            .description(Some("Points per method. 0 switches a method off."))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for m in Method::BY_BIT {
            let spec = m.spec();
            object = object.property(
                spec.name,
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                    .description(Some(format!("{} At most {MAX_LEVEL}.", spec.points_doc)))
                    .minimum(Some(0))
                    .maximum(Some(MAX_LEVEL)),
            );
            if spec.required_in_policy {
                object = object.required(spec.name);
            }
        }
        object.into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Points {}

/// Required level plus points per method, for one directory. It applies to
/// every user of that directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The score a login must reach: 1 to 1000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub required_level: u32,
    /// What each verified method is worth.
    pub points: Points,
    /// How long each method counts for an application's request, in
    /// seconds (absent: for the session's life).
    #[serde(default, skip_serializing_if = "MaxAges::is_empty")]
    pub max_age_s: MaxAges,
    /// Points each risk signal adds to a login's required level (absent:
    /// none).
    #[serde(default, skip_serializing_if = "Risk::is_off")]
    pub risk: Risk,
}

impl Default for Policy {
    /// The `two-factor` preset, the policy of a new directory.
    fn default() -> Self {
        Preset::TwoFactor.policy()
    }
}

impl Policy {
    /// A policy of `required_level` and `points`, without lifetimes or
    /// risk.
    pub const fn of(required_level: u32, points: Points) -> Policy {
        Policy {
            required_level,
            points,
            max_age_s: MaxAges::NONE,
            risk: Risk::OFF,
        }
    }

    /// The methods switched on (points above 0).
    pub fn enabled(&self) -> MethodSet {
        Method::ALL
            .into_iter()
            .filter(|m| self.points.get(*m) > 0)
            .collect()
    }

    /// The score of a set of verified methods: each method counts once.
    /// Saturates rather than overflows.
    pub fn score(&self, verified: MethodSet) -> u32 {
        verified
            .iter()
            .fold(0u32, |acc, m| acc.saturating_add(self.points.get(m)))
    }

    /// Whether a login that verified exactly `verified` is complete: the score
    /// reaches the level and the set holds a first step (password or passkey)
    /// that this policy switches on, so no login completes on possession
    /// factors alone.
    pub fn completes(&self, verified: MethodSet) -> bool {
        verified.intersection(self.enabled()).has_first_step()
            && self.score(verified) >= self.required_level
    }

    /// Whether a session whose methods were verified at `times` is fresh at
    /// `now` for account changes: the methods verified within the last
    /// `window_s` seconds complete a login under this policy — they reach
    /// the level and hold the password or a passkey. A step-up that
    /// verified only a code is not a fresh login.
    pub fn is_fresh(&self, times: &MethodTimes, now: i64, window_s: i64) -> bool {
        self.completes(times.since(now - window_s))
    }

    /// Whether every number of this policy is in its range: the level 1 to
    /// [`MAX_LEVEL`], points and risk points at most [`MAX_LEVEL`], each
    /// lifetime at most [`crate::risk::MAX_AGE_S`]. (The report says which
    /// is out, in words.)
    pub fn in_range(&self) -> bool {
        (1..=MAX_LEVEL).contains(&self.required_level)
            && self.points.iter().all(|(_, n)| n <= MAX_LEVEL)
            && self.ageing_in_range()
    }

    /// Whether each risk signal is worth at most [`MAX_LEVEL`] and each
    /// lifetime is at most [`crate::risk::MAX_AGE_S`].
    pub fn ageing_in_range(&self) -> bool {
        crate::risk::Signal::ALL
            .into_iter()
            .all(|s| self.risk.points(s) <= MAX_LEVEL)
            && self
                .max_age_s
                .iter()
                .all(|(_, s)| s <= crate::risk::MAX_AGE_S)
    }

    /// This policy for a login an application asked `asked` of (its
    /// `acr_values`, its minimum): the level raised to that, never lowered.
    #[must_use]
    pub fn asked(mut self, asked: Option<u32>) -> Policy {
        if let Some(level) = asked {
            self.required_level = self.required_level.max(level);
        }
        self
    }

    /// This policy for a login where `found` signals were seen: the level
    /// raised by their points (at most to [`MAX_LEVEL`] above its own).
    #[must_use]
    pub fn with_signals(mut self, found: Signals) -> Policy {
        self.required_level = self
            .required_level
            .saturating_add(self.risk.extra(found).min(MAX_LEVEL));
        self
    }

    /// This policy for a login where `found` signals were seen, of a user
    /// who enrolled `enrolled`: the level raised by the signals' points,
    /// but never past what the user's enrolled methods reach when they
    /// reach the level without the signals. A signal asks for more; it
    /// never blocks a user who could log in without it (the policy report
    /// warns of the users it then asks less of).
    #[must_use]
    pub fn with_signals_for(self, found: Signals, enrolled: MethodSet) -> Policy {
        let raised = self.with_signals(found);
        let usable = enrolled.intersection(self.enabled());
        if raised.completes(usable) || !self.completes(usable) {
            return raised;
        }
        Policy {
            required_level: self.score(usable).max(self.required_level),
            ..raised
        }
    }

    /// The level a session whose methods were verified at `times` holds at
    /// `now`: the points of the methods still within their lifetime, never
    /// more than `reached`, the level it reached at login.
    pub fn level_at(&self, times: &MethodTimes, reached: u32, now: i64) -> u32 {
        if self.max_age_s.is_empty() {
            return reached;
        }
        self.score(self.max_age_s.live(times, now)).min(reached)
    }

    /// The preset this policy equals, if any.
    pub fn preset(&self) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.policy() == *self)
    }
}

/// A ready-made policy an administrator can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Level 20; the password alone (20) reaches it. No MFA.
    PasswordOnly,
    /// Level 30; password 20 plus any code (10), or a passkey (30) alone.
    TwoFactor,
    /// Level 25; password 20 plus any code (5), or a passkey (25) alone.
    LowBarMfa,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::PasswordOnly, Preset::TwoFactor, Preset::LowBarMfa];

    /// The wire name: `password-only`, `two-factor`, `low-bar-mfa`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Preset::PasswordOnly => "password-only",
            Preset::TwoFactor => "two-factor",
            Preset::LowBarMfa => "low-bar-mfa",
        }
    }

    /// A name a person reads, in `lang`.
    pub fn label_in(self, lang: crate::Lang) -> String {
        match self {
            Preset::PasswordOnly => crate::text::preset_password_only(lang),
            Preset::TwoFactor => crate::text::preset_two_factor(lang),
            Preset::LowBarMfa => crate::text::preset_low_bar(lang),
        }
    }

    /// The policy of this preset: its level, and each method's points as
    /// the method's description gives them for this preset.
    pub const fn policy(self) -> Policy {
        let (level, at) = match self {
            Preset::PasswordOnly => (20, 0),
            Preset::TwoFactor => (30, 1),
            Preset::LowBarMfa => (25, 2),
        };
        let mut points = Points([0; Method::BY_BIT.len()]);
        let mut i = 0;
        while i < Method::BY_BIT.len() {
            points.0[i] = Method::BY_BIT[i].spec().presets[at];
            i += 1;
        }
        Policy::of(level, points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::*;

    fn set(ms: &[Method]) -> MethodSet {
        MethodSet::of(ms)
    }

    #[test]
    fn default_is_two_factor() {
        assert_eq!(Policy::default(), Preset::TwoFactor.policy());
        assert_eq!(Policy::default().preset(), Some(Preset::TwoFactor));
    }

    #[test]
    fn each_method_counts_once() {
        let p = Policy::default();
        // A set cannot hold a method twice; the score of a list with repeats
        // built into a set is the score of the distinct methods.
        assert_eq!(p.score(set(&[Sms, Sms, Sms])), 10);
        assert_eq!(p.score(set(&[Password, Sms, Sms])), 30);
    }

    #[test]
    fn seed_password_only() {
        let p = Preset::PasswordOnly.policy();
        assert!(p.completes(set(&[Password])));
        assert!(
            !p.completes(set(&[Passkey])),
            "passkey is off in password-only"
        );
    }

    #[test]
    fn seed_level_25() {
        let p = Policy::of(
            25,
            Points::of(&[(Method::Password, 20), (Method::Sms, 5), (Method::Email, 5)]),
        );
        assert!(!p.completes(set(&[Password])));
        assert!(p.completes(set(&[Password, Sms])));
        assert!(p.completes(set(&[Password, Email])));
        assert!(!p.completes(set(&[Sms, Email])));
    }

    #[test]
    fn seed_level_30() {
        let p = Preset::TwoFactor.policy();
        assert!(p.completes(set(&[Password, Sms])));
        assert!(p.completes(set(&[Password, Email])));
        assert!(p.completes(set(&[Passkey])));
        assert!(!p.completes(set(&[Password])));
    }

    #[test]
    fn possession_factors_alone_never_complete() {
        let mut p = Preset::TwoFactor.policy();
        p.points.set(Method::Sms, 100);
        assert_eq!(p.score(set(&[Sms])), 100);
        assert!(!p.completes(set(&[Sms, Email, Totp])));
    }

    #[test]
    fn score_saturates() {
        let p = Policy::of(
            1,
            Points::of(&[(Method::Password, u32::MAX), (Method::Sms, u32::MAX)]),
        );
        assert_eq!(p.score(set(&[Password, Sms])), u32::MAX);
    }

    #[test]
    fn wire_shape() {
        let json = serde_json::to_value(Policy::default()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"required_level": 30, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "recovery": 10, "app": 10}})
        );
        // The app, added after the API's first clients, is not named while off.
        let mut old_shape = Policy::default();
        old_shape.points.set(Method::App, 0);
        assert_eq!(
            serde_json::to_value(old_shape).unwrap(),
            serde_json::json!({"required_level": 30, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "recovery": 10}})
        );
        // A policy saved before recovery codes existed has them at 0.
        let old: Policy = serde_json::from_str(
            r#"{"required_level": 30, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30}}"#,
        )
        .unwrap();
        assert_eq!(old.points.get(Method::Recovery), 0);
        assert_eq!(old.points.get(Method::App), 0);
        let bad = serde_json::from_str::<Policy>(
            r#"{"required_level": 30, "points": {"password": 20, "sms": 10, "email": 10, "totp": 10, "passkey": 30, "magic": 1}}"#,
        );
        assert!(bad.is_err());
    }

    #[test]
    fn a_signal_raises_the_level_but_never_past_what_the_user_reaches() {
        use crate::risk::{Signal, Signals};
        let mut p = Policy::default();
        p.risk.new_browser = 10;
        let found = Signals::NONE.with(Signal::NewBrowser);
        // Password, SMS and email reach 40: the full raise.
        let many = set(&[Password, Sms, Email]);
        assert_eq!(p.with_signals_for(found, many).required_level, 40);
        // Password and SMS reach only 30: 30, not a blocked login.
        let few = set(&[Password, Sms]);
        assert_eq!(p.with_signals_for(found, few).required_level, 30);
        // Password, SMS and a passkey reach 60: 40.
        assert_eq!(
            p.with_signals_for(found, set(&[Password, Sms, Passkey]))
                .required_level,
            40
        );
        // Without a signal nothing changes; a user blocked without one stays so.
        assert_eq!(p.with_signals_for(Signals::NONE, few).required_level, 30);
        assert_eq!(
            p.with_signals_for(found, set(&[Password])).required_level,
            40
        );
    }

    #[test]
    fn fresh_means_a_recent_full_login_not_a_recent_code() {
        use crate::MethodTimes;
        let p = Policy::default();
        let now = 10_000;
        let old = now - 3_600;
        // Password and SMS an hour ago, email just now (a step-up).
        let stepped_up = MethodTimes::default()
            .with(Password, old)
            .with(Sms, old)
            .with(Email, now);
        assert!(!p.is_fresh(&stepped_up, now, 600));
        assert!(p.is_fresh(&stepped_up, now, 7_200));
        // A fresh password and a fresh code.
        let fresh = stepped_up.with(Password, now - 10).with(Sms, now - 5);
        assert!(p.is_fresh(&fresh, now, 600));
        // A fresh password alone is 20 of 30.
        let pw_only = MethodTimes::default().with(Password, now);
        assert!(!p.is_fresh(&pw_only, now, 600));
        // A fresh passkey alone reaches 30.
        let passkey = MethodTimes::default().with(Passkey, now);
        assert!(p.is_fresh(&passkey, now, 600));
        assert_eq!(fresh.last_first_step(), Some(now - 10));
        assert_eq!(stepped_up.last_first_step(), Some(old));
        assert_eq!(stepped_up.methods(), set(&[Password, Sms, Email]));
    }
}
