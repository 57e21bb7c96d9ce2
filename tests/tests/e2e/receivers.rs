//! The real peers a code travels to: an HTTP receiver for the SMS webhook
//! (in this process, on its own port) and an SMTP server (Python's
//! aiosmtpd, a separate process).

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The bearer token the webhook expects.
pub const WEBHOOK_TOKEN: &str = "test-gateway-token";

/// One SMS the gateway received.
#[derive(Debug, Clone)]
pub struct Sms {
    /// `to`.
    pub to: String,
    /// `message`.
    pub message: String,
}

impl Sms {
    /// The 6-digit code at the start of the message.
    pub fn code(&self) -> String {
        first_code(&self.message)
    }
}

/// The first run of 6 digits in a text.
pub fn first_code(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    for i in 0..bytes.len().saturating_sub(5) {
        let run: String = bytes[i..i + 6].iter().collect();
        let before = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after = bytes.get(i + 6).is_none_or(|c| !c.is_ascii_digit());
        if before && after && run.chars().all(|c| c.is_ascii_digit()) {
            return run;
        }
    }
    panic!("no code in {text:?}");
}

/// An SMS gateway on 127.0.0.1 that records what it is sent.
#[derive(Clone)]
pub struct SmsGateway {
    /// Its URL.
    pub url: String,
    received: Arc<Mutex<Vec<Sms>>>,
    fail: Arc<AtomicBool>,
}

impl SmsGateway {
    /// Starts it.
    pub async fn start() -> SmsGateway {
        let received = Arc::new(Mutex::new(Vec::new()));
        let fail = Arc::new(AtomicBool::new(false));
        let (r, f) = (received.clone(), fail.clone());
        let app = Router::new().route(
            "/sms",
            post(move |headers: HeaderMap, body: axum::Json<Value>| {
                let (r, f) = (r.clone(), f.clone());
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if auth != format!("Bearer {WEBHOOK_TOKEN}") {
                        return StatusCode::UNAUTHORIZED;
                    }
                    r.lock().unwrap().push(Sms {
                        to: body["to"].as_str().unwrap_or("").to_owned(),
                        message: body["message"].as_str().unwrap_or("").to_owned(),
                    });
                    if f.load(Ordering::SeqCst) {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        SmsGateway {
            url,
            received,
            fail,
        }
    }

    /// Makes it answer 500 (after recording) from now on, or not.
    pub fn set_failing(&self, fail: bool) {
        self.fail.store(fail, Ordering::SeqCst);
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<Sms> {
        self.received.lock().unwrap().clone()
    }

    /// The newest message to `to`.
    pub fn last_to(&self, to: &str) -> Sms {
        self.all()
            .into_iter()
            .rev()
            .find(|s| s.to == to)
            .unwrap_or_else(|| panic!("no SMS to {to}"))
    }

    /// The server settings that point SMS delivery here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AUTHLEVEL_SMS_DELIVERY", "webhook".into()),
            ("AUTHLEVEL_SMS_WEBHOOK_URL", self.url.clone()),
            ("AUTHLEVEL_SMS_WEBHOOK_TOKEN", WEBHOOK_TOKEN.into()),
        ]
    }
}

/// A real SMTP server process.
pub struct SmtpSink {
    child: Child,
    /// Its port.
    pub port: u16,
    file: tempfile::NamedTempFile,
}

/// One message the SMTP server received.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Envelope recipients.
    pub rcpt_tos: Vec<String>,
    /// The raw message.
    pub data: String,
}

impl SmtpSink {
    /// Starts it on a free port.
    pub fn start() -> SmtpSink {
        let file = tempfile::NamedTempFile::new().unwrap();
        let port = crate::harness::free_port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .args([script, &port.to_string(), file.path().to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start (is aiosmtpd installed?)"
        );
        SmtpSink { child, port, file }
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<Mail> {
        std::fs::read_to_string(self.file.path())
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                Mail {
                    rcpt_tos: v["rcpt_tos"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().to_owned())
                        .collect(),
                    data: v["data"].as_str().unwrap().to_owned(),
                }
            })
            .collect()
    }

    /// The server settings that point email delivery here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AUTHLEVEL_EMAIL_DELIVERY", "smtp".into()),
            ("AUTHLEVEL_SMTP_HOST", "127.0.0.1".into()),
            ("AUTHLEVEL_SMTP_PORT", self.port.to_string()),
            ("AUTHLEVEL_SMTP_SECURITY", "none".into()),
            ("AUTHLEVEL_EMAIL_FROM", "Login <login@example.com>".into()),
        ]
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
