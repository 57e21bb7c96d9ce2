//! Progress of a login toward the required level, and the options still
//! open: the one place that decides what a login may do next.

use crate::method::{Method, MethodSet};
use crate::policy::Policy;
use serde::{Deserialize, Serialize};

/// Where a login stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    /// More methods are needed, and the level can still be reached.
    InProgress,
    /// The level is reached; a session exists.
    Complete,
    /// The level cannot be reached with what the user has enrolled.
    Blocked,
}

/// Earned points against the required level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    /// Points earned in this login; each method counts once.
    pub earned: u32,
    /// The directory's required level.
    pub required: u32,
    /// Methods verified in this login.
    pub verified: MethodSet,
    /// The risk signals that raised `required` for this login, each with
    /// the points it added (none: the directory's level as it is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<crate::risk::SignalPoints>,
}

/// A method the user can use now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginOption {
    /// The method.
    pub method: Method,
    /// What verifying it adds.
    pub points: u32,
    /// Whether verifying it alone completes the login.
    pub completes: bool,
    /// A detail for the user, such as the masked number a code goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Why a login cannot complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockedReason {
    /// Points still missing if every open option were used.
    pub missing: u32,
    /// Methods with points that this user has not enrolled (no phone
    /// number, no passkey, …).
    pub not_enrolled: MethodSet,
    /// Whether the user has no password or passkey to begin a login with.
    pub no_first_step: bool,
}

impl BlockedReason {
    /// The reason in plain words in `lang`, naming what would help: whole
    /// sentences, one for each method the account lacks what it needs for.
    pub fn message_in(&self, policy: &Policy, lang: crate::Lang) -> String {
        use crate::text;
        let mut sentences = vec![if self.no_first_step {
            text::blocked_no_first_step(lang)
        } else {
            text::blocked_missing(lang, policy.required_level, self.missing)
        }];
        sentences.extend(
            self.not_enrolled
                .iter()
                .map(|m| text::blocked_lacks(lang, m, policy.points.get(m))),
        );
        sentences.push(text::blocked_ask_admin(lang));
        sentences.join(" ")
    }
}

/// Everything a login step answers: status, progress, options, and why it is
/// blocked when it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Where the login stands.
    pub status: LoginStatus,
    /// Earned against required.
    pub progress: Progress,
    /// The methods open now, in [`Method::ALL`] order.
    pub options: Vec<LoginOption>,
    /// Set when `status` is [`LoginStatus::Blocked`].
    pub blocked: Option<BlockedReason>,
}

impl Evaluation {
    /// Whether `m` may be attempted now.
    pub fn offers(&self, m: Method) -> bool {
        self.options.iter().any(|o| o.method == m)
    }
}

/// Whether `m` may be attempted after `verified`: a login begins with the
/// password or a passkey, and possession factors come only after that.
pub fn may_attempt(verified: MethodSet, m: Method) -> bool {
    m.is_first_step() || verified.has_first_step()
}

/// Evaluates a login: `verified` are the methods verified in this login,
/// `enrolled` those the user has usable means for (confirmed phone for SMS,
/// confirmed email, a passkey, a confirmed TOTP secret, a password).
pub fn evaluate(policy: &Policy, verified: MethodSet, enrolled: MethodSet) -> Evaluation {
    let progress = Progress {
        earned: policy.score(verified),
        required: policy.required_level,
        verified,
        signals: Vec::new(),
    };
    if policy.completes(verified) {
        return Evaluation {
            status: LoginStatus::Complete,
            progress,
            options: Vec::new(),
            blocked: None,
        };
    }
    let enabled = policy.enabled();
    let options: Vec<LoginOption> = Method::ALL
        .into_iter()
        .filter(|m| {
            enabled.contains(*m)
                && enrolled.contains(*m)
                && !verified.contains(*m)
                && may_attempt(verified, *m)
        })
        .map(|m| LoginOption {
            method: m,
            points: policy.points.get(m),
            completes: policy.completes(verified.with(m)),
            hint: None,
        })
        .collect();
    let reachable = verified.union(enrolled.intersection(enabled));
    if policy.completes(reachable) {
        return Evaluation {
            status: LoginStatus::InProgress,
            progress,
            options,
            blocked: None,
        };
    }
    Evaluation {
        status: LoginStatus::Blocked,
        progress,
        options,
        blocked: Some(BlockedReason {
            missing: policy
                .required_level
                .saturating_sub(policy.score(reachable)),
            not_enrolled: enabled.without_all(reachable),
            no_first_step: !reachable.has_first_step(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Points, Preset};
    use Method::*;

    fn set(ms: &[Method]) -> MethodSet {
        MethodSet::of(ms)
    }

    fn methods(e: &Evaluation) -> Vec<Method> {
        e.options.iter().map(|o| o.method).collect()
    }

    #[test]
    fn before_the_first_step_only_password_and_passkey_are_offered() {
        let e = evaluate(&Policy::default(), MethodSet::EMPTY, MethodSet::ALL);
        assert_eq!(e.status, LoginStatus::InProgress);
        assert_eq!(methods(&e), vec![Password, Passkey]);
        assert!(!may_attempt(MethodSet::EMPTY, Sms));
        assert!(may_attempt(set(&[Password]), Sms));
    }

    #[test]
    fn after_password_under_two_factor() {
        let e = evaluate(&Policy::default(), set(&[Password]), MethodSet::ALL);
        assert_eq!(e.status, LoginStatus::InProgress);
        assert_eq!(e.progress.earned, 20);
        assert_eq!(e.progress.required, 30);
        assert_eq!(methods(&e), vec![Passkey, App, Totp, Sms, Email, Recovery]);
        assert!(e.options.iter().all(|o| o.completes));
    }

    #[test]
    fn complete_offers_nothing() {
        let e = evaluate(&Policy::default(), set(&[Password, Sms]), MethodSet::ALL);
        assert_eq!(e.status, LoginStatus::Complete);
        assert!(e.options.is_empty());
        assert_eq!(e.progress.earned, 30);
    }

    #[test]
    fn switched_off_and_unenrolled_methods_are_not_offered() {
        let mut p = Policy::default();
        p.points.set(Method::Email, 0);
        let e = evaluate(&p, set(&[Password]), set(&[Password, Sms, Email]));
        assert_eq!(methods(&e), vec![Sms]);
    }

    #[test]
    fn sms_only_way_without_phone_says_why() {
        let p = Policy::of(30, Points::of(&[(Method::Password, 20), (Method::Sms, 10)]));
        let e = evaluate(&p, set(&[Password]), set(&[Password, Email]));
        assert_eq!(e.status, LoginStatus::Blocked);
        assert!(e.options.is_empty());
        let why = e.blocked.clone().unwrap();
        assert_eq!(why.missing, 10);
        assert_eq!(why.not_enrolled, set(&[Sms]));
        let msg = why.message_in(&p, crate::Lang::En);
        assert!(
            msg.contains("SMS code (10 points) needs a confirmed mobile number"),
            "{msg}"
        );
    }

    #[test]
    fn no_first_step_is_explained() {
        let e = evaluate(&Policy::default(), MethodSet::EMPTY, set(&[Sms, Totp]));
        assert_eq!(e.status, LoginStatus::Blocked);
        let why = e.blocked.unwrap();
        assert!(why.no_first_step);
        assert!(
            why.message_in(&Policy::default(), crate::Lang::En)
                .contains("cannot begin")
        );
    }

    #[test]
    fn partial_options_do_not_complete() {
        let p = Preset::LowBarMfa.policy();
        let mut p50 = p;
        p50.required_level = 30;
        let e = evaluate(&p50, set(&[Password]), MethodSet::ALL);
        let sms = e.options.iter().find(|o| o.method == Sms).unwrap();
        assert!(!sms.completes);
        assert_eq!(sms.points, 5);
        let passkey = e.options.iter().find(|o| o.method == Passkey).unwrap();
        assert!(passkey.completes);
    }
}
