//! The authentication methods and sets of them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One way to prove identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Something you know: the account password.
    Password,
    /// A one-time code sent by SMS to the confirmed mobile number.
    Sms,
    /// A one-time code sent to the confirmed email address.
    Email,
    /// A time-based one-time code from an authenticator app (RFC 6238).
    Totp,
    /// A WebAuthn passkey, counted only with user verification.
    Passkey,
    /// A one-time recovery code, for a lost phone: never a first step.
    Recovery,
}

impl Method {
    /// Every method, in the order the UI lists them.
    pub const ALL: [Method; 6] = [
        Method::Password,
        Method::Passkey,
        Method::Totp,
        Method::Sms,
        Method::Email,
        Method::Recovery,
    ];

    /// The wire and URL name: `password`, `sms`, `email`, `totp`, `passkey`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::Sms => "sms",
            Method::Email => "email",
            Method::Totp => "totp",
            Method::Passkey => "passkey",
            Method::Recovery => "recovery",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// A name a person reads, in `lang`.
    pub fn label_in(self, lang: crate::Lang) -> String {
        crate::text::method_label(lang, self)
    }

    /// The name inside a sentence, in `lang`.
    pub fn label_lower_in(self, lang: crate::Lang) -> String {
        crate::text::method_label_lower(lang, self)
    }

    /// Whether a login may begin with this method. Only the password and a
    /// passkey identify the user; codes are never sent to an unidentified
    /// caller and possession factors alone never complete a login.
    pub const fn is_first_step(self) -> bool {
        matches!(self, Method::Password | Method::Passkey)
    }

    /// What a user must have enrolled for this method to be offered, in
    /// `lang`.
    pub fn enrolment_need_in(self, lang: crate::Lang) -> String {
        crate::text::enrolment_need(lang, self)
    }

    const fn bit(self) -> u8 {
        match self {
            Method::Password => 1,
            Method::Sms => 2,
            Method::Email => 4,
            Method::Totp => 8,
            Method::Passkey => 16,
            Method::Recovery => 32,
        }
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
    pub const ALL: MethodSet = MethodSet(63);

    /// A set from a list of methods.
    pub fn of(methods: &[Method]) -> MethodSet {
        methods.iter().copied().collect()
    }

    /// The set as a bit pattern (password 1, sms 2, email 4, totp 8,
    /// passkey 16, recovery 32),
    /// the form a database stores.
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

    /// Every subset of [`MethodSet::ALL`] (32 sets), smallest bit patterns first.
    pub fn all_subsets() -> impl Iterator<Item = MethodSet> {
        (0..=MethodSet::ALL.0).map(MethodSet)
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
    fn slot(m: Method) -> usize {
        Method::ALL.iter().position(|x| *x == m).unwrap_or(0)
    }

    /// When `m` was verified, if it was.
    pub fn get(&self, m: Method) -> Option<i64> {
        self.0[Self::slot(m)]
    }

    /// Records `m` as verified at `at`.
    pub fn set(&mut self, m: Method, at: i64) {
        self.0[Self::slot(m)] = Some(at);
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
            assert_eq!(json, format!("\"{}\"", m.as_str()));
        }
        assert_eq!(Method::parse("PASSWORD"), None);
    }

    #[test]
    fn only_password_and_passkey_are_first_steps() {
        let first: Vec<_> = Method::ALL
            .into_iter()
            .filter(|m| m.is_first_step())
            .collect();
        assert_eq!(first, vec![Method::Password, Method::Passkey]);
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
        assert_eq!(MethodSet::all_subsets().count(), 64);
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"["password","sms"]"#);
        let back: MethodSet = serde_json::from_str(r#"["sms","password","sms"]"#).unwrap();
        assert_eq!(back, s);
    }
}
