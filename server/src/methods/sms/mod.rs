//! The SMS code: a one-time code sent in an SMS to the confirmed mobile
//! number, a second step
//! after the password or a passkey. The code itself (made, sent under the
//! quotas, checked once) is the machinery it shares with the other channel:
//! [`crate::login::codes`].

pub mod http;

use crate::contact::mask_phone;
use crate::store::UserRow;

/// That a user has a confirmed mobile number, as SQL on `users`.
pub const ENROLLED: &str = "users.phone IS NOT NULL";

/// What its option shows: where the code goes, masked.
pub fn hint(user: &UserRow) -> Option<String> {
    user.phone.as_deref().map(mask_phone)
}
