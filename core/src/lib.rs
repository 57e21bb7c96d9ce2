//! authlevel-core: the policy, the scoring rules, the policy analysis and the
//! wire types of authlevel. Pure: no I/O, no clock, no randomness; it compiles
//! for native and `wasm32-unknown-unknown` so server and browser decide alike.

pub mod api;
pub mod audit;
pub mod error;
pub mod lang;
pub mod method;
pub mod policy;
pub mod progress;
pub mod replay;
pub mod report;
pub mod risk;
pub mod text;

pub use audit::AuditKind;
pub use error::ErrorCode;
pub use lang::Lang;
pub use method::{
    Channel, ChannelSpec, Input, Method, MethodSet, MethodSpec, MethodTimes, StepRole, Words,
};
pub use policy::{MAX_LEVEL, Points, Policy, Preset};
pub use progress::{
    BlockedReason, Evaluation, LoginOption, LoginStatus, Progress, evaluate, may_attempt,
};
pub use report::{
    EnrolmentCount, Finding, FindingCode, PolicyReport, UserImpact, analyse, can_reach,
    minimal_combinations,
};
pub use risk::{MaxAges, Risk, Signal, SignalPoints, Signals};

/// Every method is in every list derived from its description: a method
/// added to `method.rs` that some list forgets fails here, not in use.
#[cfg(test)]
mod every_list_has_every_method {
    use super::*;
    use crate::api::UserFilter;

    #[test]
    fn walk_every_method_through_every_derived_list() {
        let filters = UserFilter::all();
        let kinds = AuditKind::all();
        let pattern = UserFilter::pattern();
        for m in Method::ALL {
            let name = m.as_str();
            assert!(MethodSet::ALL.contains(m), "{name}: MethodSet::ALL");
            assert!(Method::BY_BIT.contains(&m), "{name}: BY_BIT");
            assert_eq!(Method::parse(name), Some(m), "{name}: its wire name");
            // A policy's points, on the wire, by name.
            let json = serde_json::to_value(Points::default().with(m, 7)).unwrap();
            assert_eq!(json[name], 7, "{name}: a member of Points");
            let back: Points = serde_json::from_value(json).unwrap();
            assert_eq!(back.get(m), 7, "{name}: read back");
            // Its points in every preset, as its description says.
            for (i, preset) in Preset::ALL.into_iter().enumerate() {
                assert_eq!(preset.policy().points.get(m), m.spec().presets[i], "{name}");
            }
            // Its login step in the audit log, and its filters.
            assert!(kinds.contains(&AuditKind::Login(m)), "{name}: login.{name}");
            if m.spec().device {
                assert!(kinds.contains(&AuditKind::Added(m)), "{name}: {name}.add");
                assert!(
                    kinds.contains(&AuditKind::Removed(m)),
                    "{name}: {name}.remove"
                );
            }
            assert!(filters.contains(&UserFilter::Has(m)), "{name}: has:");
            assert!(filters.contains(&UserFilter::Lacks(m)), "{name}: lacks:");
            assert!(pattern.contains(name), "{name}: the filter pattern");
            // A second step counts as one for "no second method".
            assert_eq!(
                MethodSet::after_first_step().contains(m),
                !m.is_first_step(),
                "{name}"
            );
            // It is offered when enrolled, switched on and allowed.
            let verified = if m.is_first_step() {
                MethodSet::EMPTY
            } else {
                MethodSet::of(&[Method::Password])
            };
            let policy = Policy::of(1000, Points::default().with(Method::Password, 1).with(m, 5));
            let e = evaluate(&policy, verified, MethodSet::ALL);
            assert!(e.offers(m), "{name}: offered");
            // Its words in both languages.
            for lang in Lang::ALL {
                assert!(!m.label_in(lang).is_empty(), "{name}");
                assert!(!m.enrolment_need_in(lang).is_empty(), "{name}");
            }
        }
    }
}
