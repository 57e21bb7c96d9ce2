//! Delivery of codes: SMS (`log`, `webhook`) and email (`log`, `smtp`). A
//! failed delivery is an error to the caller, never a silent success.

pub mod email;
pub mod sms;

use crate::config::Config;

/// Why a message could not be delivered. The text is for the log: it names
/// the transport's problem, never the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// Both channels, built once from the configuration.
#[derive(Clone)]
pub struct Delivery {
    /// SMS.
    pub sms: sms::Sms,
    /// Email.
    pub email: email::Email,
}

impl Delivery {
    /// The senders `config` asks for.
    pub fn from_config(config: &Config) -> Result<Delivery, DeliveryError> {
        Ok(Delivery {
            sms: sms::Sms::from_config(config)?,
            email: email::Email::from_config(config)?,
        })
    }
}
