//! Password rules and hashing: argon2id at OWASP parameters (m=19 MiB, t=2,
//! p=1), run off the async executor on a fixed number of threads, with a
//! dummy hash to equalise the time of unknown users.

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;

/// Shortest accepted password, in characters.
pub const MIN_CHARS: usize = 8;
/// Longest accepted password, in characters.
pub const MAX_CHARS: usize = 256;

/// A small deny list of the most common passwords (lower-case); the full
/// breached-password check belongs to a larger list loaded at start.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "87654321",
    "11111111",
    "00000000",
    "11223344",
    "12341234",
    "123123123",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "letmein1",
    "letmein123",
    "trustno1",
    "superman",
    "starwars",
    "dragon12",
    "monkey12",
    "whatever",
    "computer",
    "internet",
    "michelle",
    "jennifer",
    "corvette",
    "mercedes",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "changeme",
    "changeme1",
    "administrator",
    "admin123",
    "admin1234",
    "adminadmin",
    "rootroot",
    "secret123",
    "passpass",
    "q1w2e3r4",
    "aaaaaaaa",
    "mustang1",
    "shadow12",
    "master12",
    "michael1",
    "charlie1",
    "jordan23",
    "hello123",
    "freedom1",
    "summer2024",
    "winter2024",
    "spring2025",
    "autumn2025",
];

/// Why a new password is refused ([`PasswordRule::message`] says it in
/// words for the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRule {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("Use at least 8 characters.")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("Use at most 256 characters.")]
    TooLong,
    /// On the common-password list.
    #[error("This password is one of the most common ones and easy to guess; choose another.")]
    Common,
    /// Contains the username.
    #[error("The password must not contain your username.")]
    ContainsUsername,
}

impl PasswordRule {
    /// The rule in words for the user, in `lang`.
    pub fn message(&self, lang: authlevel_core::Lang) -> String {
        use super::words;
        match self {
            PasswordRule::TooShort => words::password_too_short(lang, MIN_CHARS),
            PasswordRule::TooLong => words::password_too_long(lang, MAX_CHARS),
            PasswordRule::Common => words::password_common(lang),
            PasswordRule::ContainsUsername => words::password_has_username(lang),
        }
    }
}

/// Checks a new password: length in characters (not bytes), the common list,
/// and the username. No composition rules, no truncation (NIST 3.1.1.2).
pub fn check_new(password: &str, username: &str) -> Result<(), PasswordRule> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordRule::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordRule::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str())
        || lower
            .chars()
            .all(|c| c == lower.chars().next().unwrap_or(c))
    {
        return Err(PasswordRule::Common);
    }
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 4 && lower.contains(&user) {
        return Err(PasswordRule::ContainsUsername);
    }
    Ok(())
}

/// Hashes and verifies passwords on a fixed set of threads, one per allowed
/// concurrent hash, each reusing its own argon2 memory: memory stays at
/// threads × 19 MiB however many logins arrive (the allocator would keep
/// freed 19 MiB blocks per thread otherwise), and the async executor never
/// blocks. A dummy hash equalises the time of unknown users.
#[derive(Clone)]
pub struct Hasher {
    jobs: std::sync::mpsc::SyncSender<Job>,
    dummy: Arc<String>,
}

/// Hashes that may wait per hashing thread; more are refused at once
/// (503 with `Retry-After`), so a flood holds neither memory nor a queue
/// that a real login would wait behind for long.
pub const QUEUE_PER_THREAD: usize = 16;

enum Job {
    Hash(
        String,
        tokio::sync::oneshot::Sender<Result<String, HashError>>,
    ),
    Verify(String, String, tokio::sync::oneshot::Sender<bool>),
}

fn argon2() -> Argon2<'static> {
    // OWASP: m=19 MiB, t=2, p=1. These constants are valid, so `new`
    // succeeds; argon2 0.5's defaults are the same numbers, so the fallback
    // could not weaken anything. A test pins the encoded parameters.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Errors of hashing itself (not a wrong password).
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Failed(String),
    /// The queue of hashes is full: the request is refused at once rather
    /// than waiting behind a flood.
    #[error("the password hashing queue is full")]
    Busy,
}

fn hash_with(password: &str, memory: &mut Vec<argon2::Block>) -> Result<String, HashError> {
    let a = argon2();
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut raw_salt = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut raw_salt)
        .map_err(|e| HashError::Failed(e.to_string()))?;
    memory.resize(a.params().block_count(), argon2::Block::default());
    let mut out = [0u8; 32];
    a.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, &mut memory[..])
        .map_err(|e| HashError::Failed(e.to_string()))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(0x13),
        params: argon2::password_hash::ParamsString::try_from(a.params())
            .map_err(|e| HashError::Failed(e.to_string()))?,
        salt: Some(salt.as_salt()),
        hash: Some(
            argon2::password_hash::Output::new(&out)
                .map_err(|e| HashError::Failed(e.to_string()))?,
        ),
    };
    Ok(phc.to_string())
}

fn verify_with(password: &str, stored: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or(Version::V0x13);
    let a = Argon2::new(algorithm, version, params);
    let mut raw_salt = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut raw_salt) else {
        return false;
    };
    memory.resize(a.params().block_count(), argon2::Block::default());
    let mut out = vec![0u8; expected.len()];
    if a.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, &mut memory[..])
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

impl Hasher {
    /// A hasher with `concurrency` hashing threads (0: one per core).
    pub fn new(concurrency: usize) -> Result<Hasher, HashError> {
        let n = if concurrency == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            concurrency
        };
        let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(n * QUEUE_PER_THREAD);
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for i in 0..n {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        // A job whose caller went away is skipped: nobody
                        // waits for its answer.
                        match job {
                            Ok(Job::Hash(_, reply)) if reply.is_closed() => {}
                            Ok(Job::Verify(_, _, reply)) if reply.is_closed() => {}
                            Ok(Job::Hash(pw, reply)) => {
                                let _ = reply.send(hash_with(&pw, &mut memory));
                            }
                            Ok(Job::Verify(pw, hash, reply)) => {
                                let _ = reply.send(verify_with(&pw, &hash, &mut memory));
                            }
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|e| HashError::Failed(e.to_string()))?;
        }
        let dummy = hash_with("authlevel-dummy-password-for-timing", &mut Vec::new())?;
        Ok(Hasher {
            jobs: tx,
            dummy: Arc::new(dummy),
        })
    }

    /// Queues `job`, or refuses at once when the queue is full.
    fn queue(&self, job: Job) -> Result<(), HashError> {
        self.jobs.try_send(job).map_err(|e| match e {
            std::sync::mpsc::TrySendError::Full(_) => HashError::Busy,
            std::sync::mpsc::TrySendError::Disconnected(_) => {
                HashError::Failed("the hashing threads are gone".into())
            }
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.queue(Job::Hash(password.to_owned(), reply))?;
        answer.await.map_err(|e| HashError::Failed(e.to_string()))?
    }

    /// Verifies `password` against `hash`; with no hash (unknown user, no
    /// password set) it verifies against a dummy so the time is the same,
    /// and answers false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let (stored, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy.as_ref().clone(), false),
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.queue(Job::Verify(password.to_owned(), stored, reply))?;
        let ok = answer.await.map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(ok && real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check_new("short7!", "ann"), Err(PasswordRule::TooShort));
        assert_eq!(check_new("ääääääö", "ann"), Err(PasswordRule::TooShort));
        assert!(check_new("grüße aus köln 🌻", "ann").is_ok());
        let long: String = "ab".repeat(128);
        assert!(check_new(&long, "ann").is_ok());
        assert_eq!(
            check_new(&format!("{long}x"), "ann"),
            Err(PasswordRule::TooLong)
        );
    }

    #[test]
    fn common_and_username_are_refused() {
        assert_eq!(check_new("Password123", "ann"), Err(PasswordRule::Common));
        assert_eq!(check_new("zzzzzzzzzz", "ann"), Err(PasswordRule::Common));
        assert_eq!(
            check_new("my-alice-pass", "Alice"),
            Err(PasswordRule::ContainsUsername)
        );
        assert!(check_new("correct horse battery", "ann").is_ok());
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_gone_callers_are_skipped() {
        let h = Hasher::new(1).unwrap();
        // Callers that go away at once: their jobs queue up, then are skipped.
        for _ in 0..QUEUE_PER_THREAD {
            let (reply, _gone) = tokio::sync::oneshot::channel();
            h.queue(Job::Verify("x".into(), h.dummy.as_ref().clone(), reply))
                .unwrap();
        }
        let mut refused = false;
        for _ in 0..QUEUE_PER_THREAD * 4 {
            let (reply, _gone) = tokio::sync::oneshot::channel();
            if matches!(
                h.queue(Job::Verify("x".into(), h.dummy.as_ref().clone(), reply)),
                Err(HashError::Busy)
            ) {
                refused = true;
                break;
            }
        }
        assert!(refused, "a bounded queue refuses when full");
        // Skipped jobs cost nothing: the queue drains quickly, and a real
        // verification still answers.
        let t = std::time::Instant::now();
        loop {
            match h.verify("x", None).await {
                Ok(_) => break,
                Err(HashError::Busy) => {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await
                }
                Err(e) => panic!("{e}"),
            }
            assert!(t.elapsed() < std::time::Duration::from_secs(30));
        }
    }

    #[tokio::test]
    async fn hash_and_verify_without_truncation() {
        let h = Hasher::new(1).unwrap();
        let pw: String = "Ünïcödé-pässwörd-".repeat(4).chars().take(64).collect();
        assert_eq!(pw.chars().count(), 64);
        let stored = h.hash(&pw).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(h.verify(&pw, Some(&stored)).await.unwrap());
        let first63: String = pw.chars().take(63).collect();
        assert!(!h.verify(&first63, Some(&stored)).await.unwrap());
        assert!(!h.verify(&pw, None).await.unwrap());
    }
}
