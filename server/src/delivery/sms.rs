//! SMS senders: `log` prints to the console (dev mode only) and `webhook`
//! POSTs `{to, message}` with a bearer token, the shape most SMS gateways
//! accept. One attempt with a timeout: no retry storm.

use super::DeliveryError;
use crate::config::Config;
use std::time::Duration;

/// An SMS sender.
#[derive(Clone)]
pub enum Sms {
    /// In dev mode, prints the message on the console (and the caller
    /// keeps it in the dev outbox); otherwise sends nothing and says so.
    Log {
        /// Whether the server runs in dev mode.
        dev: bool,
    },
    /// POSTs JSON to a gateway.
    Webhook {
        /// HTTP client with a timeout.
        client: reqwest::Client,
        /// The gateway URL.
        url: String,
        /// Bearer token.
        token: String,
    },
}

impl Sms {
    /// The sender `config.sms_delivery` names.
    pub fn from_config(config: &Config) -> Result<Sms, DeliveryError> {
        match config.sms_delivery.as_str() {
            "webhook" => Ok(Sms::Webhook {
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| DeliveryError(format!("SMS webhook client: {e}")))?,
                url: config.sms_webhook_url.clone(),
                token: config.sms_webhook_token.clone(),
            }),
            _ => Ok(Sms::Log { dev: config.dev }),
        }
    }

    /// Whether this is the development sender.
    pub fn is_log(&self) -> bool {
        matches!(self, Sms::Log { .. })
    }

    /// Sends `message` to the E.164 number `to`.
    pub async fn send(&self, to: &str, message: &str) -> Result<(), DeliveryError> {
        match self {
            Sms::Log { dev: true } => {
                // The console of a development server, not the log: codes
                // never reach a log line.
                println!("[dev sms to {to}] {message}");
                Ok(())
            }
            Sms::Log { dev: false } => Err(super::withheld("SMS", "sms_delivery")),
            Sms::Webhook { client, url, token } => {
                let mut req = client
                    .post(url)
                    .json(&serde_json::json!({"to": to, "message": message}));
                if !token.is_empty() {
                    req = req.bearer_auth(token);
                }
                let res = req.send().await.map_err(|e| {
                    DeliveryError(format!("SMS gateway unreachable: {}", e.without_url()))
                })?;
                if res.status().is_success() {
                    Ok(())
                } else {
                    Err(DeliveryError(format!(
                        "SMS gateway answered {}",
                        res.status()
                    )))
                }
            }
        }
    }
}
