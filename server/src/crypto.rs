//! Encryption at rest for secrets the server must read back (TOTP seeds):
//! XChaCha20-Poly1305 under a server key, each value bound to its owner by
//! the associated data.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;

/// The server key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox([redacted])")
    }
}

/// Why the key could not be had, or a value not opened.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The configured key is not 64 hex characters.
    #[error("secret_key must be 64 hexadecimal characters (32 bytes)")]
    BadKey,
    /// The key file could not be read or written.
    #[error("key file {0}: {1}")]
    KeyFile(String, std::io::Error),
    /// A stored value is damaged or belongs to someone else.
    #[error("a stored secret could not be decrypted")]
    Open,
}

impl SecretBox {
    /// The key from `hex_key` when set; otherwise from `key_file`, which is
    /// created with a new random key (mode 0600) on first start.
    pub fn load(hex_key: &str, key_file: &Path) -> Result<SecretBox, CryptoError> {
        let key = if !hex_key.is_empty() {
            hex::decode(hex_key.trim()).map_err(|_| CryptoError::BadKey)?
        } else {
            match std::fs::read_to_string(key_file) {
                Ok(text) => {
                    // A key file an earlier version or a copy left readable
                    // to others is made the owner's alone.
                    crate::files::restrict(key_file);
                    hex::decode(text.trim()).map_err(|_| CryptoError::BadKey)?
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let mut key = vec![0u8; 32];
                    rand::rngs::OsRng.fill_bytes(&mut key);
                    write_new_key(key_file, &hex::encode(&key))
                        .map_err(|e| CryptoError::KeyFile(key_file.display().to_string(), e))?;
                    key
                }
                Err(e) => return Err(CryptoError::KeyFile(key_file.display().to_string(), e)),
            }
        };
        let cipher = XChaCha20Poly1305::new_from_slice(&key).map_err(|_| CryptoError::BadKey)?;
        // A separate key for MACs, derived so one key never serves two primitives.
        let mut derive =
            <Hmac<Sha256> as Mac>::new_from_slice(&key).map_err(|_| CryptoError::BadKey)?;
        derive.update(b"authlevel code mac v1");
        let mac_key: [u8; 32] = derive.finalize().into_bytes().into();
        Ok(SecretBox { cipher, mac_key })
    }

    /// A keyed hash (HMAC-SHA256, hex) of `data`: how one-time codes are
    /// stored, so a copy of the database alone cannot brute-force them.
    pub fn mac(&self, data: &str) -> String {
        match <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key) {
            Ok(mut m) => {
                m.update(data.as_bytes());
                hex::encode(m.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }

    /// Encrypts `plain` for `owner`; base64 of nonce and ciphertext.
    pub fn seal(&self, plain: &[u8], owner: &str) -> Result<String, CryptoError> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Open)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    /// Decrypts a value sealed for `owner`.
    pub fn open(&self, sealed: &str, owner: &str) -> Result<Vec<u8>, CryptoError> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| CryptoError::Open)?;
        if raw.len() < 24 {
            return Err(CryptoError::Open);
        }
        let (nonce, ct) = raw.split_at(24);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Open)
    }
}

fn write_new_key(path: &Path, hex_key: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(crate::files::DIR_MODE)
            .create(parent)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(hex_key.as_bytes())?;
    f.sync_all()
}

/// Compares two strings in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_bind_to_owner() {
        let dir = tempfile_dir();
        let key_file = dir.join("k");
        let b = SecretBox::load("", &key_file).unwrap();
        let sealed = b.seal(b"seed", "user-1").unwrap();
        assert!(!sealed.contains("seed"));
        assert_eq!(b.open(&sealed, "user-1").unwrap(), b"seed");
        assert!(b.open(&sealed, "user-2").is_err());
        // The generated key persists: a second load opens the same values.
        let again = SecretBox::load("", &key_file).unwrap();
        assert_eq!(again.open(&sealed, "user-1").unwrap(), b"seed");
        assert!(SecretBox::load("zz", &key_file).is_err());
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!(
            "authlevel-crypto-{}-{}",
            std::process::id(),
            crate::token::new_id()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
