//! What every request shares: configuration, the store, the password
//! hasher, the server key, delivery, the WebAuthn relying party and the
//! metrics.

use crate::config::Config;
use crate::crypto::SecretBox;
use crate::delivery::Delivery;
use crate::methods::password::hashing::Hasher;
use crate::metrics::Metrics;
use crate::store::Store;
use std::sync::Arc;

/// Shared application state: one pointer, cloned for each request's
/// extractors and handler (one reference count, not one per part, and no
/// copy of the key material).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
pub struct Shared {
    /// The configuration.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// Password hashing, bounded.
    pub hasher: Hasher,
    /// The server key for secrets kept at rest.
    pub secrets: SecretBox,
    /// SMS and email senders.
    pub delivery: Delivery,
    /// The WebAuthn relying party.
    pub webauthn: Arc<webauthn_rs::prelude::Webauthn>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Builds the state.
    pub fn new(
        config: Config,
        store: Store,
        hasher: Hasher,
        secrets: SecretBox,
        delivery: Delivery,
        webauthn: webauthn_rs::prelude::Webauthn,
    ) -> AppState {
        AppState(Arc::new(Shared {
            config: Arc::new(config),
            store,
            hasher,
            secrets,
            delivery,
            webauthn: Arc::new(webauthn),
            metrics: Arc::new(Metrics::default()),
        }))
    }
}
