//! Property tests of the scoring rules over random policies, verified sets
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! and enrolments.

use authlevel_core::{
    EnrolmentCount, LoginStatus, Method, MethodSet, Points, Policy, analyse, evaluate, may_attempt,
    minimal_combinations,
};
use proptest::prelude::*;

fn method_set() -> impl Strategy<Value = MethodSet> {
    (0u32..(1 << Method::ALL.len())).prop_map(|bits| {
        Method::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, m)| m)
            .collect()
    })
}

fn points() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), 0u32..=60, 0u32..=1000]
}

/// A policy with points for every method there is.
fn policy() -> impl Strategy<Value = Policy> {
    (
        0u32..=120,
        proptest::collection::vec(points(), Method::ALL.len()),
    )
        .prop_map(|(required_level, each)| {
            Policy::of(
                required_level,
                Method::ALL
                    .into_iter()
                    .zip(each)
                    .fold(Points::default(), |p, (m, n)| p.with(m, n)),
            )
        })
}

/// Turns `raw` into a verified set a real login can produce: only switched-on
/// methods, which came one at a time, each allowed by the first-step rule
/// when it came (so a non-empty set holds a first step).
fn realistic(p: &Policy, raw: MethodSet) -> MethodSet {
    let on = raw.intersection(p.enabled());
    if on.has_first_step() {
        on
    } else {
        MethodSet::EMPTY
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn complete_iff_earned_reaches_required(p in policy(), verified in method_set(), enrolled in method_set()) {
        prop_assume!(p.required_level >= 1);
        let verified = realistic(&p, verified);
        let e = evaluate(&p, verified, enrolled);
        let complete = e.status == LoginStatus::Complete;
        prop_assert_eq!(complete, e.progress.earned >= e.progress.required);
        prop_assert_eq!(e.progress.required, p.required_level);
    }

    #[test]
    fn each_method_counts_once(p in policy(), verified in method_set()) {
        let sum: u32 = verified.iter().map(|m| p.points.get(m)).sum();
        prop_assert_eq!(p.score(verified), sum);
        // Verifying a method again changes nothing.
        for m in verified.iter() {
            prop_assert_eq!(p.score(verified.with(m)), p.score(verified));
        }
    }

    #[test]
    fn every_completing_set_holds_password_or_passkey(p in policy(), verified in method_set()) {
        if p.completes(verified) {
            prop_assert!(verified.contains(Method::Password) || verified.contains(Method::Passkey));
        }
    }

    #[test]
    fn a_login_driven_by_options_only_completes_with_a_first_step(
        p in policy(), enrolled in method_set(), picks in proptest::collection::vec(0usize..5, 0..6)
    ) {
        // Follow the offered options only, as the server does.
        let mut verified = MethodSet::EMPTY;
        for pick in picks {
            let e = evaluate(&p, verified, enrolled);
            if e.options.is_empty() { break; }
            let m = e.options[pick % e.options.len()].method;
            prop_assert!(may_attempt(verified, m));
            verified.insert(m);
        }
        if evaluate(&p, verified, enrolled).status == LoginStatus::Complete {
            prop_assert!(verified.has_first_step());
        }
    }

    #[test]
    fn minimal_combinations_complete_and_no_proper_subset_does(p in policy()) {
        let combos = minimal_combinations(&p);
        for c in &combos {
            prop_assert!(p.completes(*c));
            for sub in MethodSet::all_subsets().filter(|s| s.is_subset(*c) && s != c) {
                prop_assert!(!p.completes(sub), "{:?} completes inside {:?}", sub, c);
            }
        }
        // And every completing set contains one of them.
        for s in MethodSet::all_subsets().filter(|s| p.completes(*s)) {
            prop_assert!(combos.iter().any(|c| c.is_subset(s)));
        }
    }

    #[test]
    fn no_option_for_a_method_off_verified_or_not_enrolled(p in policy(), verified in method_set(), enrolled in method_set()) {
        let verified = realistic(&p, verified);
        let e = evaluate(&p, verified, enrolled);
        for o in &e.options {
            prop_assert!(p.points.get(o.method) > 0, "{:?} is off", o.method);
            prop_assert!(!verified.contains(o.method), "{:?} already verified", o.method);
            prop_assert!(enrolled.contains(o.method), "{:?} not enrolled", o.method);
            prop_assert!(may_attempt(verified, o.method));
            prop_assert_eq!(o.points, p.points.get(o.method));
        }
    }

    #[test]
    fn an_option_flagged_completes_does_complete(p in policy(), verified in method_set(), enrolled in method_set()) {
        let verified = realistic(&p, verified);
        let e = evaluate(&p, verified, enrolled);
        for o in &e.options {
            let after = evaluate(&p, verified.with(o.method), enrolled);
            prop_assert_eq!(o.completes, after.status == LoginStatus::Complete);
        }
    }

    #[test]
    fn blocked_iff_no_way_to_complete(p in policy(), verified in method_set(), enrolled in method_set()) {
        let verified = realistic(&p, verified);
        let e = evaluate(&p, verified, enrolled);
        // Brute force: can some set of enrolled methods, added to verified, complete?
        let possible = MethodSet::all_subsets()
            .filter(|s| s.is_subset(enrolled))
            .any(|s| p.completes(verified.union(s)));
        match e.status {
            LoginStatus::Complete => prop_assert!(p.completes(verified)),
            LoginStatus::InProgress => prop_assert!(possible),
            LoginStatus::Blocked => {
                prop_assert!(!possible);
                prop_assert!(e.blocked.is_some());
            }
        }
    }

    #[test]
    fn report_errors_exactly_when_no_login_can_complete_or_out_of_range(p in policy()) {
        let r = analyse(&p, None);
        let any_completes = MethodSet::all_subsets().any(|s| p.completes(s));
        let in_range = p.required_level >= 1
            && p.required_level <= 1000
            && Method::ALL.iter().all(|m| p.points.get(*m) <= 1000);
        prop_assert_eq!(r.is_ok(), any_completes && in_range);
    }

    #[test]
    fn what_if_counts_match_evaluate(p in policy(), users in proptest::collection::vec(method_set(), 0..20)) {
        let r = analyse(&p, Some(&EnrolmentCount::tally(users.iter().copied())));
        let impact = r.users.unwrap();
        prop_assert_eq!(impact.total as usize, users.len());
        let blocked = users
            .iter()
            .filter(|u| evaluate(&p, MethodSet::EMPTY, **u).status == LoginStatus::Blocked)
            .count();
        prop_assert_eq!(impact.cannot_reach as usize, blocked);
    }
}
