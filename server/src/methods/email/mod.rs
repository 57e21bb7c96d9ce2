//! The email code: a one-time code sent in an email to the confirmed
//! address, a second step
//! after the password or a passkey. The code itself (made, sent under the
//! quotas, checked once) is the machinery it shares with the other channel:
//! [`crate::login::codes`].

pub mod http;

use crate::contact::mask_email;
use crate::store::UserRow;

/// That a user has a confirmed email address, as SQL on `users`.
pub const ENROLLED: &str = "users.email IS NOT NULL";

/// What its option shows: where the code goes, masked.
pub fn hint(user: &UserRow) -> Option<String> {
    user.email.as_deref().map(mask_email)
}
