//! Points that age and points that rise. A policy may give each method a
//! lifetime ([`MaxAges`]): for an application's request, a method counts
//! only within it, so a session's level decays. And it may give risk
//! signals points ([`Risk`]): each signal found at a login raises that
//! login's required level. Signals never earn points and never block; the
//! login's state names each with its points.

use crate::method::{Method, MethodSet, MethodTimes};
use serde::{Deserialize, Serialize};

/// The longest lifetime a method may have: a year, in seconds.
pub const MAX_AGE_S: u32 = 366 * 86400;

/// Seconds each method counts after it was verified; 0 (or absent) counts
/// it for the session's life.
///
/// On the wire an object with a member per method that has a lifetime
/// (`{"sms": 3600}`); an unknown member is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MaxAges([u32; Method::ALL.len()]);

impl MaxAges {
    /// No method has a lifetime.
    pub const NONE: MaxAges = MaxAges([0; Method::ALL.len()]);

    /// The lifetime of `m` in seconds (0: the session's life).
    pub fn get(&self, m: Method) -> u32 {
        self.0[m.index()]
    }

    /// Sets the lifetime of `m`.
    pub fn set(&mut self, m: Method, seconds: u32) {
        self.0[m.index()] = seconds;
    }

    /// These lifetimes with `m`'s set to `seconds`.
    #[must_use]
    pub fn with(mut self, m: Method, seconds: u32) -> MaxAges {
        self.set(m, seconds);
        self
    }

    /// Whether no method has a lifetime.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|s| *s == 0)
    }

    /// The methods with a lifetime and their seconds, in [`Method::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Method, u32)> + '_ {
        Method::ALL
            .into_iter()
            .map(|m| (m, self.get(m)))
            .filter(|(_, s)| *s > 0)
    }

    /// The methods of `times` that still count at `now`.
    pub fn live(&self, times: &MethodTimes, now: i64) -> MethodSet {
        times
            .iter()
            .filter(|(m, t)| self.counts(*m, *t, now))
            .map(|(m, _)| m)
            .collect()
    }

    /// `times` without the methods that no longer count at `now`.
    pub fn live_times(&self, times: &MethodTimes, now: i64) -> MethodTimes {
        times
            .iter()
            .filter(|(m, t)| self.counts(*m, *t, now))
            .fold(MethodTimes::default(), |acc, (m, t)| acc.with(m, t))
    }

    /// When the next method of `times` that counts at `now` stops counting.
    pub fn next_expiry(&self, times: &MethodTimes, now: i64) -> Option<i64> {
        times
            .iter()
            .filter(|(m, t)| self.get(*m) > 0 && self.counts(*m, *t, now))
            .map(|(m, t)| t + i64::from(self.get(m)))
            .min()
    }

    fn counts(&self, m: Method, verified_at: i64, now: i64) -> bool {
        let age = self.get(m);
        age == 0 || now - verified_at <= i64::from(age)
    }
}

impl Serialize for MaxAges {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (m, seconds) in self.iter() {
            map.serialize_entry(m.as_str(), &seconds)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for MaxAges {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let members = std::collections::BTreeMap::<String, u32>::deserialize(d)?;
        let mut ages = MaxAges::default();
        for (name, seconds) in members {
            let m = Method::parse(&name)
                .ok_or_else(|| D::Error::custom(format!("unknown method `{name}` in max_age_s")))?;
            ages.set(m, seconds);
        }
        Ok(ages)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for MaxAges {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, SchemaFormat, Type,
        };
        let mut object = ObjectBuilder::new()
            .description(Some(
                "Seconds a method counts after it was verified, for an application's request; \
                 0 or absent: for the session's life.",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for m in Method::ALL {
            object = object.property(
                m.as_str(),
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                    .minimum(Some(0))
                    .maximum(Some(MAX_AGE_S)),
            );
        }
        object.into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for MaxAges {}

/// A fact about one login that raises its required level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// The browser holds no valid known-browser entry for the user.
    NewBrowser,
    /// The user completed no login from this network (/24 for IPv4, /48
    /// for IPv6) in the history kept.
    NewNetwork,
    /// The user said "this wasn't me" to an approval, or was told of a
    /// lockout, in the last 24 hours.
    RecentNotMe,
    /// The anonymous lockout engaged for the user in the last 24 hours.
    ManyFailures,
}

impl Signal {
    /// Every signal, in the order the state lists them.
    pub const ALL: [Signal; 4] = [
        Signal::NewBrowser,
        Signal::NewNetwork,
        Signal::RecentNotMe,
        Signal::ManyFailures,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Signal::NewBrowser => "new_browser",
            Signal::NewNetwork => "new_network",
            Signal::RecentNotMe => "recent_not_me",
            Signal::ManyFailures => "many_failures",
        }
    }

    /// The signal with wire name `name`.
    pub fn parse(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.as_str() == name)
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of signals, stored as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Signals(u8);

impl Signals {
    /// No signal.
    pub const NONE: Signals = Signals(0);

    /// The set with these bits (unknown bits dropped).
    pub const fn from_bits(bits: u8) -> Signals {
        Signals(bits & 0b1111)
    }

    /// Its bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// This set with `s`.
    #[must_use]
    pub const fn with(self, s: Signal) -> Signals {
        Signals(self.0 | s.bit())
    }

    /// Whether `s` is in the set.
    pub const fn contains(self, s: Signal) -> bool {
        self.0 & s.bit() != 0
    }

    /// The signals in the set, in [`Signal::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Signal> {
        Signal::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

/// Points each risk signal adds to a login's required level; 0 switches a
/// signal off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Risk {
    /// The browser holds no valid known-browser entry for the user.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub new_browser: u32,
    /// No completed login of the user from this /24 (IPv4) or /48 (IPv6)
    /// in the history kept (`history_days`).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub new_network: u32,
    /// A "this wasn't me" or a lockout notice in the last 24 hours.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub recent_not_me: u32,
    /// The anonymous lockout engaged for the user in the last 24 hours.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub many_failures: u32,
}

impl Risk {
    /// Every signal off.
    pub const OFF: Risk = Risk {
        new_browser: 0,
        new_network: 0,
        recent_not_me: 0,
        many_failures: 0,
    };

    /// The points of `s`.
    pub const fn points(&self, s: Signal) -> u32 {
        match s {
            Signal::NewBrowser => self.new_browser,
            Signal::NewNetwork => self.new_network,
            Signal::RecentNotMe => self.recent_not_me,
            Signal::ManyFailures => self.many_failures,
        }
    }

    /// The points of `s`, to write.
    pub fn points_mut(&mut self, s: Signal) -> &mut u32 {
        match s {
            Signal::NewBrowser => &mut self.new_browser,
            Signal::NewNetwork => &mut self.new_network,
            Signal::RecentNotMe => &mut self.recent_not_me,
            Signal::ManyFailures => &mut self.many_failures,
        }
    }

    /// Whether every signal is off.
    pub fn is_off(&self) -> bool {
        self.on() == Signals::NONE
    }

    /// The signals switched on.
    pub fn on(&self) -> Signals {
        Signal::ALL
            .into_iter()
            .filter(|s| self.points(*s) > 0)
            .fold(Signals::NONE, Signals::with)
    }

    /// What `found` adds to the level: the points of each signal on.
    pub fn extra(&self, found: Signals) -> u32 {
        found
            .iter()
            .fold(0u32, |acc, s| acc.saturating_add(self.points(s)))
    }

    /// The signals of `found` that are on, each with its points.
    pub fn named(&self, found: Signals) -> Vec<SignalPoints> {
        found
            .iter()
            .map(|signal| SignalPoints {
                signal,
                points: self.points(signal),
            })
            .filter(|s| s.points > 0)
            .collect()
    }
}

/// A signal that raised a login's level, with the points it added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignalPoints {
    /// The signal.
    pub signal: Signal,
    /// The points it added to the required level.
    pub points: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::*;

    #[test]
    fn a_method_counts_within_its_lifetime() {
        let ages = MaxAges::default().with(Sms, 3600);
        let times = MethodTimes::default().with(Password, 0).with(Sms, 100);
        assert_eq!(ages.live(&times, 3700), MethodSet::of(&[Password, Sms]));
        assert_eq!(ages.live(&times, 3701), MethodSet::of(&[Password]));
        assert_eq!(ages.next_expiry(&times, 50), Some(3700));
        assert_eq!(ages.next_expiry(&times, 3701), None);
        assert_eq!(
            ages.live_times(&times, 3701).methods(),
            MethodSet::of(&[Password])
        );
        assert!(MaxAges::default().live(&times, i64::MAX / 2) == times.methods());
    }

    #[test]
    fn wire_shapes() {
        let ages = MaxAges::default().with(Sms, 60);
        assert_eq!(
            serde_json::to_value(ages).unwrap(),
            serde_json::json!({"sms": 60})
        );
        let back: MaxAges = serde_json::from_str(r#"{"sms": 60, "totp": 0}"#).unwrap();
        assert_eq!(back, ages);
        assert!(serde_json::from_str::<MaxAges>(r#"{"magic": 1}"#).is_err());
        let risk: Risk = serde_json::from_str(r#"{"new_browser": 10}"#).unwrap();
        assert_eq!(risk.points(Signal::NewBrowser), 10);
        assert!(serde_json::from_str::<Risk>(r#"{"new_country": 10}"#).is_err());
        let mut risk = Risk::OFF;
        for s in Signal::ALL {
            assert_eq!(Signal::parse(s.as_str()), Some(s));
            *risk.points_mut(s) = 7;
            assert_eq!(risk.points(s), 7);
            assert_eq!(serde_json::to_value(risk).unwrap()[s.as_str()], 7);
        }
    }

    #[test]
    fn signals_add_only_their_points_when_on() {
        let risk = Risk {
            new_browser: 10,
            many_failures: 5,
            ..Risk::default()
        };
        let found = Signals::NONE
            .with(Signal::NewBrowser)
            .with(Signal::NewNetwork)
            .with(Signal::ManyFailures);
        assert_eq!(risk.extra(found), 15);
        assert_eq!(
            risk.named(found),
            vec![
                SignalPoints {
                    signal: Signal::NewBrowser,
                    points: 10
                },
                SignalPoints {
                    signal: Signal::ManyFailures,
                    points: 5
                },
            ]
        );
        assert_eq!(Signals::from_bits(found.bits()), found);
        assert!(Risk::default().is_off());
    }
}
