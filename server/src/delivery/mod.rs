//! Delivery of codes: SMS (`log`, `webhook`) and email (`log`, `smtp`). A
//! failed delivery is an error to the caller, never a silent success.
//! `log` prints messages on the console in dev mode only: outside it, it
//! sends nothing, so no code reaches a production log (SECURITY 31).

pub mod email;
pub mod sms;

use crate::config::Config;

/// Why a message could not be delivered. The text is for the log: it names
/// the transport's problem, never the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// What the `log` delivery does outside dev mode: print nothing (the
/// console of a production server is its log), say in the log that a
/// message was withheld and how to deliver it, and fail the delivery, so
/// the user hears that no code is coming.
fn withheld(channel: &str, setting: &str) -> DeliveryError {
    tracing::warn!(
        channel,
        "{channel} message withheld: {setting} = log prints messages only in dev mode; \
         configure a gateway (README, \"Delivering codes\")"
    );
    DeliveryError(format!(
        "{channel} not sent: {setting} = log sends nothing outside dev mode"
    ))
}

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
