//! Password rules and hashing: argon2id at OWASP parameters (m=19 MiB, t=2,
//! p=1), run off the async executor and bounded to a number of concurrent
//! hashes, with a dummy hash to equalise the time of unknown users.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

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

/// Why a new password is refused, in words for the user.
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

/// Hashes and verifies passwords on the blocking pool, at most `permits` at
/// once so a burst of logins cannot exhaust memory (19 MiB each).
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    dummy: Arc<String>,
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
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

impl Hasher {
    /// A hasher allowing `concurrency` hashes at once (0: one per core).
    pub fn new(concurrency: usize) -> Result<Hasher, HashError> {
        let n = if concurrency == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            concurrency
        };
        Ok(Hasher {
            permits: Arc::new(Semaphore::new(n)),
            dummy: Arc::new(hash_blocking("authlevel-dummy-password-for-timing")?),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| HashError(e.to_string()))
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password)).await?
    }

    /// Verifies `password` against `hash`; with no hash (unknown user, no
    /// password set) it verifies against a dummy so the time is the same,
    /// and answers false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, HashError> {
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy.as_ref().clone(), false),
        };
        let ok = self.run(move || verify_blocking(&password, &hash)).await?;
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
