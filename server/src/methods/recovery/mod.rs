//! The recovery-code method, for a lost phone: a set of 10 one-time codes
//! of 80 bits each, from an alphabet without ambiguous characters (Crockford's
//! base32: no I, L, O or U), shown once and stored only as keyed hashes; a
//! new set replaces the old. At login a code is a second step like any
//! other, under the lockout rule; each works once, even when tried at once
//! on several instances, and every use is told to the user.

pub mod http;
pub mod store;

pub(super) mod words;

use crate::audit;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::login::{Browser, Outcome, Step};
use crate::notify::{self, What};
use crate::state::AppState;
use crate::store::UserRow;
use authlevel_core::api::NoticeKind;
use authlevel_core::{AuditKind, ErrorCode, Method};
use rand::Rng;

/// That a user has unused recovery codes, as SQL on `users`.
pub const ENROLLED: &str = store::ENROLLED;

/// Codes in a set.
pub const CODES: usize = 10;
/// Characters in a code: 16 of 32 symbols, 80 bits.
const LENGTH: usize = 16;
/// Crockford's base32 alphabet: digits and letters but I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new code, `XXXX-XXXX-XXXX-XXXX`, from the OS's CSPRNG.
fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..LENGTH)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    raw.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed code as stored: without separators, upper case, with the
/// letters people mistake for digits read as those digits; `None` when it
/// cannot be a code.
fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The stored form of `code` (normalised) for `user_id`: a keyed hash.
fn hash(app: &AppState, user_id: &str, code: &str) -> String {
    app.secrets.mac(&format!("recovery:{user_id}:{code}"))
}

/// Makes a new set for `user`, replacing the old; answers the codes, shown
/// this once. `tell`: the user hears of it (a change from a session).
pub async fn generate(
    app: &AppState,
    user: &UserRow,
    ip: Option<&str>,
    tell: bool,
) -> ApiResult<Vec<String>> {
    let codes: Vec<String> = (0..CODES).map(|_| new_code()).collect();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| normalize(c))
        .map(|c| hash(app, &user.id, &c))
        .collect();
    let mut tx = app.store.begin().await?;
    tx.replace_recovery_codes(&user.id, &hashes, now()).await?;
    tx.commit().await?;
    let notice = tell.then_some(words::changed_recovery_new as What);
    let kind = AuditKind::RecoveryGenerate;
    notify::method_changed(app, user, kind, Method::Recovery, ip, notice).await;
    Ok(codes)
}

/// An administrator (`actor`) revokes `user`'s unused codes; the user
/// hears of it.
pub async fn revoke(
    app: &AppState,
    user: &UserRow,
    actor: &str,
    ip: Option<&str>,
) -> ApiResult<u64> {
    let n = app.store.revoke_recovery_codes(&user.id).await?;
    audit::event(AuditKind::RecoveryRevoke, true)
        .on_user(user)
        .actor(actor)
        .method(Method::Recovery)
        .ip(ip)
        .detail(format!("{n} unused codes revoked"))
        .record(app)
        .await;
    crate::notify::account_changed(app, user, words::changed_recovery_revoked, Method::Recovery)
        .await;
    Ok(n)
}

/// The recovery-code step of the browser's login. After it the login's
/// answer suggests setting up a new phone or app; the user is told of the
/// use by email (or SMS).
pub async fn verify(app: &AppState, browser: &Browser, typed: &str) -> ApiResult<Outcome> {
    let mut step = Step::begin(app, browser, Method::Recovery).await?;
    let user = step.user.clone();
    let mut tx = app.store.begin().await?;
    let allowed = step.attempt(&mut tx).await?;
    let used = match normalize(typed) {
        Some(code) if allowed => {
            tx.use_recovery_code(&user.id, &hash(app, &user.id, &code), now())
                .await?
        }
        _ => false,
    };
    if !used {
        let error = ApiError::text(ErrorCode::InvalidCode, words::recovery_wrong);
        return Err(step.refused(Some(tx), error).await?);
    }
    let mut outcome = step.verified(tx).await?;
    crate::notify::account_changed(app, &user, words::changed_recovery_used, Method::Recovery)
        .await;
    let left = user.recovery_left.saturating_sub(1);
    let advice = words::recovery_advice(crate::lang::current(), left);
    let state = match &mut outcome {
        Outcome::Continue { state, .. } | Outcome::Complete { state, .. } => state,
    };
    state.tell(NoticeKind::RecoveryCodeUsed, advice);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_80_bits_and_read_back_however_typed() {
        let codes: std::collections::HashSet<String> = (0..500).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 500);
        for c in &codes {
            assert_eq!(c.len(), 19, "{c}");
            assert!(c.chars().all(|x| x == '-' || ALPHABET.contains(&(x as u8))));
            let n = normalize(c).unwrap();
            assert_eq!(normalize(&c.to_lowercase()), Some(n.clone()));
            assert_eq!(normalize(&c.replace('-', " ")), Some(n.clone()));
            assert_eq!(normalize(&c.replace('-', "")), Some(n));
        }
        // 16 symbols of 32: 80 bits, at least the 64 SECURITY 13 asks.
        const { assert!(LENGTH * 5 >= 64) };
        assert_eq!(
            normalize("0OIL-1111-2222-3333"),
            normalize("0011-1111-2222-3333")
        );
        assert_eq!(normalize("ABCD-EFGH"), None);
        assert_eq!(
            normalize("UUUU-UUUU-UUUU-UUUU"),
            None,
            "U is not in the alphabet"
        );
    }
}
