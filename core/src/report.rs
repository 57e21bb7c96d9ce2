//! Analysis of a policy before it is saved: errors that refuse the save,
//! warnings an administrator should read, the minimal method combinations
//! that reach the level, and what the policy would do to today's users.

use crate::method::{Method, MethodSet};
use crate::policy::{MAX_LEVEL, Policy};
use crate::risk::MAX_AGE_S;
use serde::{Deserialize, Serialize};

/// What a finding is about; stable names for the UI and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// Error: the required level is 0.
    LevelZero,
    /// Error: the required level is above [`MAX_LEVEL`].
    LevelTooHigh,
    /// Error: a method is worth more than [`MAX_LEVEL`] points.
    PointsTooHigh,
    /// Error: all methods together do not reach the level.
    Unreachable,
    /// Error: neither the password nor a passkey has points, so no login can begin.
    NoFirstStep,
    /// Warning: the password alone reaches the level (no MFA).
    PasswordAlone,
    /// Warning: email codes are needed to reach the level in some combination.
    EmailNeeded,
    /// Warning: SMS is needed to reach the level, and some users have no mobile number.
    SmsNeededWithoutPhone,
    /// Warning: some users could not reach the level with what they have enrolled today.
    UsersCannotReach,
    /// Note: the password and a recovery code reach the level, as they are
    /// meant to when a phone is lost.
    RecoveryWithPassword,
    /// Warning: recovery codes are worth more than a second method they back up.
    RecoveryOutweighs,
    /// Error: a method's lifetime or a risk signal's points are out of range.
    AgeingOutOfRange,
    /// Warning: with every risk signal the level is out of reach (for
    /// everyone, or, with `users`, for that many users who reach it
    /// without).
    RiskUnreachable,
}

/// One error or warning, with a message a person understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Stable name of the finding.
    pub code: FindingCode,
    /// The finding in plain words.
    pub message: String,
    /// The method it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// The number of users it concerns, for the what-if findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
}

impl Finding {
    fn new(code: FindingCode, message: String) -> Finding {
        Finding {
            code,
            message,
            method: None,
            users: None,
        }
    }
}

/// How a policy would treat today's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserImpact {
    /// Users counted.
    pub total: u32,
    /// Users whose enrolled methods cannot reach the level.
    pub cannot_reach: u32,
    /// Users without a confirmed mobile number.
    pub without_phone: u32,
}

/// The analysis of one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyReport {
    /// Problems that refuse the save.
    pub errors: Vec<Finding>,
    /// Things the administrator should know; the save goes ahead.
    pub warnings: Vec<Finding>,
    /// How the policy works where that is intended, for the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Finding>,
    /// The smallest sets of methods that complete a login: each completes,
    /// and no proper subset of one does.
    pub minimal_combinations: Vec<MethodSet>,
    /// The what-if over today's users, when their enrolments were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<UserImpact>,
}

impl PolicyReport {
    /// Whether the policy may be saved.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Whether a user who enrolled `enrolled` can reach `policy`'s level.
pub fn can_reach(policy: &Policy, enrolled: MethodSet) -> bool {
    policy.completes(enrolled.intersection(policy.enabled()))
}

/// The minimal method combinations that complete a login under `policy`,
/// fewest methods first. Completion is monotone (a superset of a completing
/// set completes), so a set is minimal when removing any one method breaks it.
pub fn minimal_combinations(policy: &Policy) -> Vec<MethodSet> {
    let mut found: Vec<MethodSet> = MethodSet::all_subsets()
        .filter(|s| policy.completes(*s) && s.iter().all(|m| !policy.completes(s.without(m))))
        .collect();
    // Fewest methods first, then in the order the UI lists methods.
    found.sort_by_key(|s| {
        let order: Vec<usize> = s
            .iter()
            .filter_map(|m| Method::ALL.iter().position(|x| *x == m))
            .collect();
        (s.len(), order)
    });
    found
}

/// Writes a combination as "password + SMS code".
pub fn describe(set: MethodSet) -> String {
    describe_in(set, crate::Lang::En)
}

/// Writes a combination in `lang`: "password + SMS code", "wachtwoord +
/// sms-code".
pub fn describe_in(set: MethodSet, lang: crate::Lang) -> String {
    set.iter()
        .map(|m| m.label_lower_in(lang))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// How many users have enrolled exactly `methods` (a confirmed phone counts
/// as `sms`, and so on): the what-if of a directory, at most one entry per
/// set of methods however many users it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentCount {
    /// The set of enrolled methods.
    pub methods: MethodSet,
    /// How many users have exactly it.
    pub users: u32,
}

impl EnrolmentCount {
    /// The counts of a list of users' enrolled sets, one entry per set, in
    /// the order of [`MethodSet`]'s bits.
    pub fn tally(users: impl IntoIterator<Item = MethodSet>) -> Vec<EnrolmentCount> {
        let mut counts = std::collections::BTreeMap::<MethodSet, u32>::new();
        for u in users {
            *counts.entry(u).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(methods, users)| EnrolmentCount { methods, users })
            .collect()
    }
}

/// Analyses `policy`, in English. `users`, when given, holds how many
/// users have enrolled each set of methods, for the what-if warnings.
pub fn analyse(policy: &Policy, users: Option<&[EnrolmentCount]>) -> PolicyReport {
    analyse_in(policy, users, crate::Lang::En)
}

/// Analyses `policy`, its findings in `lang`. `users`, when given, holds
/// how many users have enrolled each set of methods, for the what-if
/// warnings.
pub fn analyse_in(
    policy: &Policy,
    users: Option<&[EnrolmentCount]>,
    lang: crate::Lang,
) -> PolicyReport {
    use crate::text;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let level = policy.required_level;

    if level == 0 {
        errors.push(Finding::new(
            FindingCode::LevelZero,
            text::report_level_zero(lang),
        ));
    }
    if level > MAX_LEVEL {
        errors.push(Finding::new(
            FindingCode::LevelTooHigh,
            text::report_level_too_high(lang, level, MAX_LEVEL),
        ));
    }
    for m in Method::ALL {
        let points = policy.points.get(m);
        if points > MAX_LEVEL {
            errors.push(Finding {
                method: Some(m),
                ..Finding::new(
                    FindingCode::PointsTooHigh,
                    text::report_points_too_high(lang, m, points, MAX_LEVEL),
                )
            });
        }
    }
    if !policy.ageing_in_range() {
        errors.push(Finding::new(
            FindingCode::AgeingOutOfRange,
            text::report_ageing_out_of_range(lang, MAX_AGE_S, MAX_LEVEL),
        ));
    }
    let total = policy.score(MethodSet::ALL);
    if total < level {
        errors.push(Finding::new(
            FindingCode::Unreachable,
            text::report_unreachable(lang, total, level),
        ));
    }
    if policy.points.get(Method::Password) == 0 && policy.points.get(Method::Passkey) == 0 {
        errors.push(Finding::new(
            FindingCode::NoFirstStep,
            text::report_no_first_step(lang),
        ));
    }

    let combos = minimal_combinations(policy);
    let password_only = MethodSet::of(&[Method::Password]);
    if policy.completes(password_only) && level > 0 {
        warnings.push(Finding {
            method: Some(Method::Password),
            ..Finding::new(
                FindingCode::PasswordAlone,
                text::report_password_alone(lang),
            )
        });
    }
    let with_email: Vec<String> = combos
        .iter()
        .filter(|s| s.contains(Method::Email))
        .map(|s| describe_in(*s, lang))
        .collect();
    if !with_email.is_empty() {
        warnings.push(Finding {
            method: Some(Method::Email),
            ..Finding::new(
                FindingCode::EmailNeeded,
                text::report_email_needed(lang, with_email.join("; ")),
            )
        });
    }

    let mut notes = Vec::new();
    let recovery = policy.points.get(Method::Recovery);
    if recovery > 0 {
        if combos.contains(&MethodSet::of(&[Method::Password, Method::Recovery])) {
            notes.push(Finding {
                method: Some(Method::Recovery),
                ..Finding::new(
                    FindingCode::RecoveryWithPassword,
                    text::report_recovery_with_password(lang),
                )
            });
        }
        // The second steps recovery codes stand in for.
        let backed_up: Vec<(Method, u32)> = MethodSet::of_role(crate::method::StepRole::Second)
            .iter()
            .map(|m| (m, policy.points.get(m)))
            .filter(|(_, p)| *p > 0 && *p < recovery)
            .collect();
        if !backed_up.is_empty() {
            let names: Vec<String> = backed_up
                .iter()
                .map(|(m, p)| format!("{} ({p})", m.label_lower_in(lang)))
                .collect();
            warnings.push(Finding {
                method: Some(Method::Recovery),
                ..Finding::new(
                    FindingCode::RecoveryOutweighs,
                    text::report_recovery_outweighs(lang, recovery, names.join(", ")),
                )
            });
        }
    }

    let impact = users.map(|users| {
        let enabled = policy.enabled();
        let mut impact = UserImpact::default();
        for count in users {
            let (enrolled, n) = (count.methods, count.users);
            impact.total += n;
            if !enrolled.contains(Method::Sms) {
                impact.without_phone += n;
            }
            if !policy.completes(enrolled.intersection(enabled)) {
                impact.cannot_reach += n;
            }
        }
        impact
    });
    if let Some(impact) = impact {
        let sms_needed = !combos.is_empty() && combos.iter().all(|s| s.contains(Method::Sms));
        if sms_needed && impact.without_phone > 0 {
            let n = impact.without_phone;
            warnings.push(Finding {
                method: Some(Method::Sms),
                users: Some(n),
                ..Finding::new(
                    FindingCode::SmsNeededWithoutPhone,
                    text::report_sms_needed_without_phone(lang, n),
                )
            });
        }
        if impact.cannot_reach > 0 {
            let n = impact.cannot_reach;
            warnings.push(Finding {
                users: Some(n),
                ..Finding::new(
                    FindingCode::UsersCannotReach,
                    text::report_users_cannot_reach(lang, n),
                )
            });
        }
    }

    let raised = policy.with_signals(policy.risk.on());
    if raised.required_level > level && total >= level {
        if total < raised.required_level {
            warnings.push(Finding::new(
                FindingCode::RiskUnreachable,
                text::report_risk_unreachable(lang, raised.required_level),
            ));
        } else if let Some(users) = users {
            let n: u32 = users
                .iter()
                .filter(|c| can_reach(policy, c.methods) && !can_reach(&raised, c.methods))
                .map(|c| c.users)
                .sum();
            if n > 0 {
                warnings.push(Finding {
                    users: Some(n),
                    ..Finding::new(
                        FindingCode::RiskUnreachable,
                        text::report_risk_locks_out(lang, n, raised.required_level),
                    )
                });
            }
        }
    }

    PolicyReport {
        errors,
        warnings,
        notes,
        minimal_combinations: combos,
        users: impact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Points, Preset};
    use Method::*;

    fn codes(f: &[Finding]) -> Vec<FindingCode> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn presets_are_valid() {
        for p in Preset::ALL {
            let r = analyse(&p.policy(), None);
            assert!(r.is_ok(), "{p:?}: {:?}", r.errors);
        }
    }

    #[test]
    fn two_factor_combinations() {
        let r = analyse(&Preset::TwoFactor.policy(), None);
        assert_eq!(
            r.minimal_combinations,
            vec![
                MethodSet::of(&[Passkey]),
                MethodSet::of(&[Password, App]),
                MethodSet::of(&[Password, Totp]),
                MethodSet::of(&[Password, Sms]),
                MethodSet::of(&[Password, Email]),
                MethodSet::of(&[Password, Recovery]),
            ]
        );
        assert_eq!(codes(&r.warnings), vec![FindingCode::EmailNeeded]);
        assert_eq!(codes(&r.notes), vec![FindingCode::RecoveryWithPassword]);
        assert!(r.warnings[0].message.contains("password + email code"));
    }

    #[test]
    fn risk_that_puts_the_level_out_of_reach_is_warned_of() {
        let mut p = Preset::TwoFactor.policy();
        p.risk.new_browser = 10;
        // Password + SMS is 30; with a new browser 40 asks for a third method.
        let users = [
            EnrolmentCount {
                methods: MethodSet::of(&[Password, Sms]),
                users: 3,
            },
            EnrolmentCount {
                methods: MethodSet::of(&[Password, Sms, Totp]),
                users: 2,
            },
        ];
        let r = analyse(&p, Some(&users));
        let w = r
            .warnings
            .iter()
            .find(|f| f.code == FindingCode::RiskUnreachable)
            .unwrap();
        assert_eq!(w.users, Some(3));
        assert!(r.is_ok());
        p.risk.new_network = 1000;
        let r = analyse(&p, None);
        assert!(codes(&r.warnings).contains(&FindingCode::RiskUnreachable));
        p.risk.new_network = 1001;
        assert_eq!(
            codes(&analyse(&p, None).errors),
            vec![FindingCode::AgeingOutOfRange]
        );
        p.risk.new_network = 0;
        p.max_age_s.set(Sms, crate::risk::MAX_AGE_S + 1);
        assert_eq!(
            codes(&analyse(&p, None).errors),
            vec![FindingCode::AgeingOutOfRange]
        );
    }

    #[test]
    fn recovery_codes_worth_more_than_what_they_back_up_are_warned_of() {
        let mut p = Preset::TwoFactor.policy();
        p.points.set(Method::Recovery, 15);
        let r = analyse(&p, None);
        let w = r
            .warnings
            .iter()
            .find(|f| f.code == FindingCode::RecoveryOutweighs)
            .expect("the warning");
        assert!(w.message.contains("SMS code (10)"), "{}", w.message);
        p.points.set(Method::Recovery, 0);
        let r = analyse(&p, None);
        assert!(r.notes.is_empty());
        assert!(!codes(&r.warnings).contains(&FindingCode::RecoveryOutweighs));
    }

    #[test]
    fn password_only_warns_no_mfa() {
        let r = analyse(&Preset::PasswordOnly.policy(), None);
        assert_eq!(codes(&r.warnings), vec![FindingCode::PasswordAlone]);
        assert_eq!(r.minimal_combinations, vec![MethodSet::of(&[Password])]);
    }

    #[test]
    fn errors() {
        let mut p = Policy {
            required_level: 0,
            ..Policy::default()
        };
        assert_eq!(
            codes(&analyse(&p, None).errors),
            vec![FindingCode::LevelZero]
        );
        p.required_level = 1001;
        assert_eq!(
            codes(&analyse(&p, None).errors),
            vec![FindingCode::LevelTooHigh, FindingCode::Unreachable]
        );
        let mut p = Policy::default();
        p.points.set(Method::Sms, 1001);
        let r = analyse(&p, None);
        assert_eq!(codes(&r.errors), vec![FindingCode::PointsTooHigh]);
        assert_eq!(r.errors[0].method, Some(Sms));
        let p = Policy::of(30, Points::of(&[(Method::Sms, 20), (Method::Email, 20)]));
        let r = analyse(&p, None);
        assert_eq!(codes(&r.errors), vec![FindingCode::NoFirstStep]);
        assert!(r.minimal_combinations.is_empty());
        let p = Policy::of(
            100,
            Points::of(&[(Method::Password, 20), (Method::Sms, 10)]),
        );
        assert_eq!(
            codes(&analyse(&p, None).errors),
            vec![FindingCode::Unreachable]
        );
    }

    #[test]
    fn email_warning_when_password_plus_email_reaches() {
        let p = Policy::of(
            30,
            Points::of(&[
                (Method::Password, 20),
                (Method::Email, 10),
                (Method::Totp, 10),
            ]),
        );
        let r = analyse(&p, None);
        assert!(codes(&r.warnings).contains(&FindingCode::EmailNeeded));
        let mut no_email = p;
        no_email.points.set(Method::Email, 0);
        assert!(!codes(&analyse(&no_email, None).warnings).contains(&FindingCode::EmailNeeded));
    }

    #[test]
    fn what_if_counts_users() {
        let p = Policy::of(30, Points::of(&[(Method::Password, 20), (Method::Sms, 10)]));
        let users = [
            MethodSet::of(&[Password, Sms]),
            MethodSet::of(&[Password]),
            MethodSet::of(&[Password, Email]),
        ];
        let r = analyse(&p, Some(&EnrolmentCount::tally(users)));
        assert_eq!(
            r.users,
            Some(UserImpact {
                total: 3,
                cannot_reach: 2,
                without_phone: 2
            })
        );
        assert_eq!(
            codes(&r.warnings),
            vec![
                FindingCode::SmsNeededWithoutPhone,
                FindingCode::UsersCannotReach
            ]
        );
        assert!(
            r.warnings[0]
                .message
                .contains("2 users have no mobile number")
        );
        assert_eq!(r.warnings[1].users, Some(2));
    }
}
