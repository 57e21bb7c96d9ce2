//! Replaying a policy over logins that happened: what a draft would have
//! done to each one, by the rules the login itself uses ([`Policy::completes`],
//! [`evaluate`]). A login is scored by its shape (the methods verified in
//! order, the methods enrolled then, the level an application asked for and
//! how it ended), so a window of a million logins is scored once per
//! distinct shape.

use crate::{LoginStatus, Method, MethodSet, Policy, evaluate};
use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// How a login that happened ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// It reached its level: a session began.
    Complete,
    /// Its flow expired before the level, though the level was reachable.
    Abandoned,
    /// The user's enrolled methods could not reach the level.
    Blocked,
}

impl Ended {
    /// The name stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Ended::Complete => "complete",
            Ended::Abandoned => "abandoned",
            Ended::Blocked => "blocked",
        }
    }

    /// The outcome of a stored name.
    pub fn parse(s: &str) -> Option<Ended> {
        [Ended::Complete, Ended::Abandoned, Ended::Blocked]
            .into_iter()
            .find(|e| e.as_str() == s)
    }

    /// How a login that ends unfinished with `verified` of `enrolled`
    /// ended under `policy`: blocked when the level was out of reach.
    pub fn unfinished(policy: &Policy, verified: MethodSet, enrolled: MethodSet) -> Ended {
        if evaluate(policy, verified, enrolled).status == LoginStatus::Blocked {
            Ended::Blocked
        } else {
            Ended::Abandoned
        }
    }
}

/// What a draft policy would have done to a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Replayed {
    /// The same: completed with the same methods, or (unfinished) still
    /// unfinished with them though the level was within reach.
    Same,
    /// It would have needed more methods than were verified, and the user
    /// had enrolled enough of them.
    MoreSteps,
    /// It would have completed earlier in the order the methods were
    /// verified, or completed where it did not.
    FewerSteps,
    /// The user's enrolled methods could not have reached the level.
    Impossible,
}

impl Replayed {
    /// Every outcome, in the order the answers list them.
    pub const ALL: [Replayed; 4] = [
        Replayed::Same,
        Replayed::MoreSteps,
        Replayed::FewerSteps,
        Replayed::Impossible,
    ];

    /// The name stored and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Replayed::Same => "same",
            Replayed::MoreSteps => "more_steps",
            Replayed::FewerSteps => "fewer_steps",
            Replayed::Impossible => "impossible",
        }
    }

    /// The outcome of a stored name.
    pub fn parse(s: &str) -> Option<Replayed> {
        Replayed::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A login that happened, as replay sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shape {
    /// The methods verified, in order.
    pub verified: Vec<Method>,
    /// The methods the user had enrolled then.
    pub enrolled: MethodSet,
    /// A level above the directory's an application asked for.
    pub asked_level: Option<u32>,
    /// How it ended.
    pub ended: Ended,
}

impl Shape {
    /// The policy the login is held to under `policy`: its level raised to
    /// what the application asked for, as at login.
    pub fn held_to(&self, policy: &Policy) -> Policy {
        policy.asked(self.asked_level)
    }

    /// How `policy` would have held this login: the step (counted from 1)
    /// at which the methods verified, in their order, complete it; whether
    /// the user's enrolled methods could not reach its level at all; and
    /// what it would have offered after the methods verified up to `upto`
    /// steps (all when `None`).
    fn walk(&self, policy: &Policy, upto: Option<usize>) -> Walk {
        let policy = self.held_to(policy);
        let mut set = MethodSet::EMPTY;
        let mut done_at = None;
        let mut before = MethodSet::EMPTY;
        for (i, m) in self.verified.iter().enumerate() {
            if upto == Some(i) {
                before = set;
            }
            set = set.with(*m);
            if done_at.is_none() && policy.completes(set) {
                done_at = Some(i + 1);
            }
        }
        if upto.is_none_or(|u| u >= self.verified.len()) {
            before = set;
        }
        let eval = evaluate(&policy, before, self.enrolled);
        Walk {
            done_at,
            blocked: !crate::can_reach(&policy, self.enrolled),
            next: eval.options.iter().map(|o| o.method).collect(),
        }
    }

    /// What `draft` would have done to this login compared with `active`
    /// (the policy in force, which this login may predate), and, when it
    /// would have needed more, the methods it would have offered next.
    /// Replaying the active policy is `Same` for every login.
    pub fn replay(&self, active: &Policy, draft: &Policy) -> (Replayed, MethodSet) {
        let now = self.walk(active, None);
        let then = self.walk(draft, now.done_at);
        let more = |next| (Replayed::MoreSteps, next);
        let none = MethodSet::EMPTY;
        match (now.done_at, then.done_at) {
            (Some(a), Some(d)) if d == a => (Replayed::Same, none),
            (Some(a), Some(d)) if d < a => (Replayed::FewerSteps, none),
            (Some(_), Some(_)) => more(then.next),
            (None, Some(_)) => (Replayed::FewerSteps, none),
            (Some(_), None) if then.blocked => (Replayed::Impossible, none),
            (Some(_), None) => more(then.next),
            (None, None) if then.blocked && !now.blocked => (Replayed::Impossible, none),
            (None, None) if now.blocked && !then.blocked => more(then.next),
            (None, None) => (Replayed::Same, none),
        }
    }
}

/// How a policy holds a login's shape ([`Shape::walk`]).
struct Walk {
    done_at: Option<usize>,
    blocked: bool,
    next: MethodSet,
}

/// The verified methods as stored: wire names joined by `+`, in order.
pub fn join(verified: &[Method]) -> String {
    verified
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join("+")
}

/// The verified methods of a stored `+`-joined list; unknown names skipped.
pub fn split(verified: &str) -> Vec<Method> {
    verified.split('+').filter_map(Method::parse).collect()
}

/// How many logins had each replayed outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplayCounts {
    /// Logins replayed.
    pub logins: u64,
    /// Same outcome, same methods.
    pub same: u64,
    /// Would have needed more methods.
    pub more_steps: u64,
    /// Would have completed earlier (or at all).
    pub fewer_steps: u64,
    /// The user could not have reached the level.
    pub impossible: u64,
}

impl ReplayCounts {
    /// The logins with outcome `r`.
    pub fn get(&self, r: Replayed) -> u64 {
        match r {
            Replayed::Same => self.same,
            Replayed::MoreSteps => self.more_steps,
            Replayed::FewerSteps => self.fewer_steps,
            Replayed::Impossible => self.impossible,
        }
    }

    /// Counts `n` logins with outcome `r`.
    pub fn add(&mut self, r: Replayed, n: u64) {
        self.logins += n;
        *match r {
            Replayed::Same => &mut self.same,
            Replayed::MoreSteps => &mut self.more_steps,
            Replayed::FewerSteps => &mut self.fewer_steps,
            Replayed::Impossible => &mut self.impossible,
        } += n;
    }
}

/// `POST /api/admin/directories/{id}/policy/replay`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// The draft policy.
    pub policy: Policy,
    /// Days back from now to replay (1 to 366; default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 366))]
    pub days: Option<u32>,
}

/// Replayed counts of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClientCounts {
    /// The application's client id; empty for logins no application asked for.
    pub client: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: ReplayCounts,
}

/// Replayed counts of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DayCounts {
    /// The day (UTC), `YYYY-MM-DD`.
    pub day: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: ReplayCounts,
}

/// A method a draft would have offered next, and to how many logins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NextOption {
    /// The method.
    pub method: Method,
    /// Logins needing more steps that it would have been offered to.
    pub logins: u64,
}

/// Distinct users with logins of each changed outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UsersAffected {
    /// Users with a login that would have needed more steps.
    pub more_steps: u64,
    /// Users with a login that would have completed earlier.
    pub fewer_steps: u64,
    /// Users with a login that could not have reached the level.
    pub impossible: u64,
}

/// Answer of `POST /api/admin/directories/{id}/policy/replay`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplayAnswer {
    /// The days replayed.
    pub days: u32,
    /// The counts over every login of the window.
    #[serde(flatten)]
    pub counts: ReplayCounts,
    /// The users with a login of each changed outcome.
    pub users: UsersAffected,
    /// For the logins needing more steps, what the draft would have offered.
    pub next_options: Vec<NextOption>,
    /// Per application, by client id.
    pub by_client: Vec<ClientCounts>,
    /// Per day, oldest first, every day of the window.
    pub daily: Vec<DayCounts>,
}

/// `GET /api/admin/directories/{id}/policy/replay/users`: the last replay's
/// users of one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReplayUsersQuery {
    /// The outcome.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub outcome: Replayed,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// A user with logins a replay changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplayUser {
    /// The user's id.
    pub id: String,
    /// Their user name (empty when the user was deleted since).
    pub username: String,
    /// Their logins in the window with this outcome.
    pub logins: u64,
    /// When the last of them happened (Unix seconds).
    pub last_at: i64,
}

/// A page of [`ReplayUser`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplayUsersPage {
    /// The users, by id.
    pub users: Vec<ReplayUser>,
    /// The cursor of the next page; `null` on the last.
    pub next: Option<String>,
}

/// `GET /api/admin/directories/{id}/policy/staged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StagedPolicy {
    /// The staged policy (report-only: no login is held to it).
    pub policy: Policy,
    /// When it was staged (Unix seconds).
    pub since: i64,
    /// How the logins ended since then under the active policy.
    pub active: EndedCounts,
    /// What the staged policy would have done to them.
    #[serde(flatten)]
    pub counts: ReplayCounts,
}

/// How many logins ended each way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EndedCounts {
    /// Completed.
    pub complete: u64,
    /// Abandoned.
    pub abandoned: u64,
    /// Blocked by the level.
    pub blocked: u64,
}

impl EndedCounts {
    /// Counts `n` logins that ended `e`.
    pub fn add(&mut self, e: Ended, n: u64) {
        *match e {
            Ended::Complete => &mut self.complete,
            Ended::Abandoned => &mut self.abandoned,
            Ended::Blocked => &mut self.blocked,
        } += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(level: u32) -> Policy {
        Policy {
            required_level: level,
            ..Policy::default()
        }
    }

    fn shape(verified: &[Method], enrolled: &[Method], ended: Ended) -> Shape {
        Shape {
            verified: verified.to_vec(),
            enrolled: MethodSet::of(enrolled),
            asked_level: None,
            ended,
        }
    }

    use Method::*;

    #[test]
    fn the_active_policy_replays_every_login_as_the_same() {
        let active = policy(30);
        for s in [
            shape(&[Password, Sms], &[Password, Sms], Ended::Complete),
            shape(&[Passkey], &[Passkey, Password], Ended::Complete),
            shape(&[Password], &[Password, Sms], Ended::Abandoned),
            shape(&[Password], &[Password], Ended::Blocked),
            // Completed under an earlier, lower level.
            shape(&[Password], &[Password], Ended::Complete),
        ] {
            assert_eq!(s.replay(&active, &active).0, Replayed::Same, "{s:?}");
        }
    }

    #[test]
    fn a_higher_level_needs_more_or_is_impossible_and_a_lower_one_fewer() {
        let active = policy(30);
        let pw_sms = shape(&[Password, Sms], &[Password, Sms, Email], Ended::Complete);
        let (r, next) = pw_sms.replay(&active, &policy(40));
        assert_eq!(r, Replayed::MoreSteps);
        assert_eq!(next, MethodSet::of(&[Email]));
        let only_two = shape(&[Password, Sms], &[Password, Sms], Ended::Complete);
        assert_eq!(
            only_two.replay(&active, &policy(40)).0,
            Replayed::Impossible
        );
        assert_eq!(pw_sms.replay(&active, &policy(20)).0, Replayed::FewerSteps);
        // A login that stopped after the password would have completed.
        let abandoned = shape(&[Password], &[Password, Sms], Ended::Abandoned);
        assert_eq!(
            abandoned.replay(&active, &policy(20)).0,
            Replayed::FewerSteps
        );
        // A login that could have gone on could not have at 40.
        assert_eq!(
            abandoned.replay(&active, &policy(40)).0,
            Replayed::Impossible
        );
        // A blocked one stays blocked at a higher level; within reach of a
        // lower one, it would have needed more.
        let blocked = shape(&[Password], &[Password, Sms], Ended::Blocked);
        assert_eq!(blocked.replay(&policy(40), &policy(50)).0, Replayed::Same);
        assert_eq!(
            blocked.replay(&policy(40), &policy(30)).0,
            Replayed::MoreSteps
        );
    }

    #[test]
    fn an_applications_level_is_kept() {
        let mut s = shape(&[Password, Sms], &[Password, Sms, Email], Ended::Complete);
        s.asked_level = Some(30);
        assert_eq!(s.replay(&policy(30), &policy(20)).0, Replayed::Same);
    }

    #[test]
    fn stored_names_read_back() {
        assert_eq!(
            split(&join(&[Password, App, Recovery])),
            vec![Password, App, Recovery]
        );
        for r in Replayed::ALL {
            assert_eq!(Replayed::parse(r.as_str()), Some(r));
        }
    }
}
