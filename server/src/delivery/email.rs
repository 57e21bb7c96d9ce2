//! Email senders: `log` prints to the console (dev mode only) and `smtp`
//! (lettre; STARTTLS, implicit TLS, or plain for a local relay). Headers
//! are built by lettre from validated values, so nothing from user input
//! can add a header.

use super::DeliveryError;
use crate::config::Config;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// An email sender.
#[derive(Clone)]
pub enum Email {
    /// In dev mode, prints on the console; otherwise sends nothing and
    /// says so.
    Log {
        /// The sender.
        from: Mailbox,
        /// The subject of every email, when the operator set one.
        subject: String,
        /// Whether the server runs in dev mode.
        dev: bool,
    },
    /// An SMTP server.
    Smtp {
        /// The transport.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The sender.
        from: Mailbox,
        /// The subject.
        subject: String,
    },
}

/// Builds the message; `to_name` and `to_address` are the recipient's display
/// name and address. lettre encodes the name (RFC 2047) and refuses an
/// address that is not one, so a `\r\n` can never start a new header.
pub fn build(
    from: &Mailbox,
    subject: &str,
    to_name: Option<&str>,
    to_address: &str,
    body: &str,
) -> Result<Message, DeliveryError> {
    let address = to_address
        .parse()
        .map_err(|_| DeliveryError("the recipient address is not valid".into()))?;
    // lettre encodes names, but a control character in the subject makes
    // its header formatting fail (a panic inside `to_string`); neither has
    // a use for one, so they are dropped before lettre sees them.
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
    let to = Mailbox::new(to_name.map(clean), address);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(clean(subject))
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .map_err(|e| DeliveryError(format!("email could not be built: {e}")))
}

/// The subject: `email_subject` when the operator set one, else the
/// message's own (in the recipient's language).
fn pick<'a>(fixed: &'a str, own: &'a str) -> &'a str {
    if fixed.is_empty() { own } else { fixed }
}

impl Email {
    /// The sender `config.email_delivery` names.
    pub fn from_config(config: &Config) -> Result<Email, DeliveryError> {
        let from: Mailbox = config
            .email_from
            .parse()
            .map_err(|_| DeliveryError("email_from is not a valid mailbox".into()))?;
        let subject = config.email_subject.clone();
        if config.email_delivery != "smtp" {
            return Ok(Email::Log {
                from,
                subject,
                dev: config.dev,
            });
        }
        let host = config.smtp_host.as_str();
        let builder = match config.smtp_security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            "none" => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
            _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        }
        .map_err(|e| DeliveryError(format!("SMTP setup: {e}")))?;
        let mut builder = builder
            .port(config.smtp_port)
            .timeout(Some(Duration::from_secs(10)));
        if !config.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                config.smtp_username.clone(),
                config.smtp_password.clone(),
            ));
        }
        Ok(Email::Smtp {
            transport: builder.build(),
            from,
            subject,
        })
    }

    /// Sends `body` to `to_address`.
    pub async fn send(
        &self,
        to_name: Option<&str>,
        to_address: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), DeliveryError> {
        match self {
            Email::Log {
                from,
                subject: fixed,
                dev,
            } => {
                build(from, pick(fixed, subject), to_name, to_address, body)?;
                if !dev {
                    return Err(super::withheld("email", "email_delivery"));
                }
                println!("[dev email to {to_address}] {body}");
                Ok(())
            }
            Email::Smtp {
                transport,
                from,
                subject: fixed,
            } => {
                let message = build(from, pick(fixed, subject), to_name, to_address, body)?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| DeliveryError(format!("SMTP: {e}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(m: &Message) -> String {
        let raw = String::from_utf8(m.formatted()).unwrap();
        raw.split("\r\n\r\n").next().unwrap().to_owned()
    }

    #[test]
    fn no_header_injection_through_name_or_address() {
        let from: Mailbox = "Login <login@example.com>".parse().unwrap();
        let m = build(
            &from,
            "Your code",
            Some("Eve\r\nBcc: victim@evil.com"),
            "eve@example.com",
            "body",
        )
        .unwrap();
        let h = headers(&m);
        assert!(!h.to_lowercase().contains("\r\nbcc:"), "{h}");
        assert_eq!(m.envelope().to().len(), 1);
        assert!(
            build(
                &from,
                "x",
                None,
                "eve@example.com\r\nBcc: victim@evil.com",
                "b"
            )
            .is_err()
        );
        assert!(
            build(
                &from,
                "x",
                None,
                "eve@example.com\nBcc:victim@evil.com",
                "b"
            )
            .is_err()
        );
        let m = build(
            &from,
            "Code\r\nBcc: victim@evil.com",
            None,
            "eve@example.com",
            "b",
        )
        .unwrap();
        assert!(!headers(&m).to_lowercase().contains("\r\nbcc:"));
    }
}
