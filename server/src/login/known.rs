//! Known browsers (SECURITY 32; OWASP "Slow Down Online Guessing Attacks
//! with Device Cookies"): a browser that completed a login for a user holds
//! a long-lived cookie with one signed entry per such user. A password step
//! for that user from that browser is counted on the browser alone, with
//! its own limit, and is not held by the anonymous lockout, so a flood of
//! guesses from elsewhere cannot keep the user out of a browser they have
//! used before. The cookie earns no points (SECURITY 7): it only decides
//! which counter a password step is held to.
//!
//! An entry is a random secret (128 bits, hex) and a MAC over the user's id
//! and the secret under the server key, so an entry made for one user
//! says nothing for another and cannot be forged; the database keeps only
//! the secret's hash, with the browser's failures, so an entry can be
//! listed, removed from the profile, and made void after its limit.

use super::Browser;
use crate::clock::now;
use crate::crypto::same;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{Tx, UserRow};
use crate::token;

/// The most users one browser is known to (the oldest entry goes first).
pub const MAX_USERS: usize = 5;
/// Hex characters of an entry's secret (128 bits).
const SECRET_LEN: usize = 32;
/// Hex characters of an entry's MAC (128 bits of HMAC-SHA-256).
const MAC_LEN: usize = 32;
/// The longest cookie value: the entries of [`MAX_USERS`] users, with dots.
pub const COOKIE_MAX_LEN: usize = MAX_USERS * (SECRET_LEN + MAC_LEN + 1);

/// The MAC of `user_id`'s entry with `secret`.
fn mac(app: &AppState, user_id: &str, secret: &str) -> String {
    let full = app
        .secrets
        .mac(&format!("known browser v1:{user_id}:{secret}"));
    full.chars().take(MAC_LEN).collect()
}

/// The well-formed entries of a cookie value, as (secret, MAC).
fn entries(cookie: &str) -> impl Iterator<Item = (&str, &str)> {
    cookie
        .split('.')
        .filter(|e| e.len() == SECRET_LEN + MAC_LEN && e.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|e| e.split_at(SECRET_LEN))
}

/// The secret of the browser's entry for `user_id`, when the browser holds
/// one whose MAC holds.
pub fn secret_for(app: &AppState, cookie: Option<&str>, user_id: &str) -> Option<String> {
    entries(cookie?)
        .find(|(secret, m)| same(m, &mac(app, user_id, secret)))
        .map(|(secret, _)| secret.to_owned())
}

/// The id of the known browser a secret names: its hash, the only form
/// the database keeps.
pub fn row_id(secret: &str) -> String {
    token::hash(secret)
}

/// The row id of the browser's entry for `user_id`, as the profile marks
/// the browser asking.
pub fn current_row(app: &AppState, browser_cookie: Option<&str>, user_id: &str) -> Option<String> {
    secret_for(app, browser_cookie, user_id).map(|s| row_id(&s))
}

/// At a completed login of `user`: records the browser as known to them,
/// in `tx` (a new entry, or the one it holds used again), and answers the
/// cookie's new value: this user's entry first, then the others' as they
/// were, at most [`MAX_USERS`].
pub async fn remember(
    app: &AppState,
    tx: &mut Tx,
    browser: &Browser,
    user: &UserRow,
) -> ApiResult<String> {
    let secret = secret_for(app, browser.known.as_deref(), &user.id)
        .unwrap_or_else(|| token::new_token().chars().take(SECRET_LEN).collect());
    tx.remember_browser(
        &row_id(&secret),
        &token::new_id(),
        &user.id,
        now(),
        browser.ip(),
        browser.user_agent.as_deref(),
    )
    .await?;
    let mine = format!("{secret}{}", mac(app, &user.id, &secret));
    let others = browser
        .known
        .as_deref()
        .map(|c| {
            entries(c)
                .filter(|(s, _)| *s != secret)
                .map(|(s, m)| format!("{s}{m}"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Ok(std::iter::once(mine)
        .chain(others)
        .take(MAX_USERS)
        .collect::<Vec<_>>()
        .join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_entries_are_read() {
        let good = format!("{}{}", "a".repeat(SECRET_LEN), "b".repeat(MAC_LEN));
        let cookie = format!("{good}.short.{}.{good}", "z".repeat(64));
        let read: Vec<_> = entries(&cookie).collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].0, "a".repeat(SECRET_LEN));
        const { assert!(COOKIE_MAX_LEN >= MAX_USERS * 64) };
    }
}
