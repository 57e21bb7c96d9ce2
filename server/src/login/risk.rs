//! Risk signals (DESIGN §2 "Lifetimes and risk"): facts about a login,
//! found at its first step, each raising its required level by the points
//! the directory's policy gives it. A signal earns nothing and blocks
//! nothing (SECURITY 7): it only asks for more.
//!
//! - `new_browser`: the browser holds no known-browser entry ([`super::known`])
//!   for the user that is still on file;
//! - `new_network`: no login of the user completed from this /24 (IPv4) or
//!   /48 (IPv6) in `history_days`;
//! - `recent_not_me`: a "this wasn't me" to an approval, or a lockout
//!   notice, in the last 24 hours;
//! - `many_failures`: the anonymous lockout engaged in the last 24 hours.

use super::{Browser, known};
use crate::clock::now;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{DirectoryRow, Tx, UserRow};
use authlevel_core::{Lang, Signal, Signals};
use std::net::IpAddr;

/// How far back `recent_not_me` and `many_failures` look.
const DAY_S: i64 = 86_400;

/// The network of an address as the `new_network` signal keys it: the /24
/// of an IPv4 address (or of one mapped into IPv6), the /48 of an IPv6 one.
pub fn network_of(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()?.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

/// The signals of a login of `user` from `browser`, in `tx`: none when the
/// directory's policy switches every signal off (nothing is read then).
pub async fn signals(
    app: &AppState,
    tx: &mut Tx,
    dir: &DirectoryRow,
    user: &UserRow,
    browser: &Browser,
) -> ApiResult<Signals> {
    if dir.policy.risk.is_off() {
        return Ok(Signals::NONE);
    }
    let t = now();
    let network = browser.ip().and_then(network_of).unwrap_or_default();
    let known_row = known::current_row(app, browser.known.as_deref(), &user.id).unwrap_or_default();
    let facts = tx
        .risk_facts(
            &user.id,
            &network,
            t - app.config.history_days * DAY_S,
            &known_row,
            t - app.config.known_browser_s(),
            t - DAY_S,
        )
        .await?;
    let found = [
        (Signal::NewBrowser, !facts.known_browser),
        (Signal::NewNetwork, !facts.seen_network),
        (
            Signal::RecentNotMe,
            facts.said_not_me || facts.told_of_lockout,
        ),
        (Signal::ManyFailures, facts.lockout_engaged),
    ];
    Ok(found
        .into_iter()
        .filter(|(_, seen)| *seen)
        .fold(Signals::NONE, |acc, (s, _)| acc.with(s)))
}

/// A signal's notice on the login page: what it is and what it adds.
pub fn words(lang: Lang, signal: Signal, points: u32) -> String {
    use crate::text;
    match signal {
        Signal::NewBrowser => text::risk_new_browser(lang, points),
        Signal::NewNetwork => text::risk_new_network(lang, points),
        Signal::RecentNotMe => text::risk_recent_not_me(lang, points),
        Signal::ManyFailures => text::risk_many_failures(lang, points),
    }
}

#[cfg(test)]
mod tests {
    use super::network_of;

    #[test]
    fn networks_are_a_24_or_a_48() {
        assert_eq!(network_of("192.0.2.77").as_deref(), Some("192.0.2.0/24"));
        assert_eq!(
            network_of("::ffff:192.0.2.9").as_deref(),
            Some("192.0.2.0/24")
        );
        assert_eq!(
            network_of("2001:db8:abcd:12::1").as_deref(),
            Some("2001:db8:abcd::/48")
        );
        assert_eq!(network_of("not an address"), None);
    }
}
