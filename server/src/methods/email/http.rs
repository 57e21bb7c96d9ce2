//! The email code over HTTP: the login step's code sent and verified, and a
//! new email confirmed.

use crate::http::codes::channel;
use authlevel_core::Method;

channel!(Method::Email, email_send, email_verify, email_confirm);
