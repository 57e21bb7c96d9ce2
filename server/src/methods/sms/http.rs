//! The SMS code over HTTP: the login step's code sent and verified, and a
//! new phone confirmed.

use crate::http::codes::channel;
use authlevel_core::Method;

channel!(Method::Sms, sms_send, sms_verify, phone_confirm);
