//! Passkeys in the browser: the WebAuthn ceremonies between the server's
//! start and finish endpoints. The browser calls live in `webauthn.js`
//! (JSON strings in and out), which keeps this side free of JS object glue.

use crate::api::{self, ApiError, ApiResult, Fault};
use authlevel_core::api::{LoginState, PasskeyInfo, PasskeyStartRequest};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/webauthn.js")]
extern "C" {
    #[wasm_bindgen(js_name = conditionalAvailable)]
    async fn conditional_available_js() -> JsValue;
    #[wasm_bindgen(js_name = supported)]
    fn supported_js() -> bool;
    #[wasm_bindgen(catch, js_name = getCredential)]
    async fn get_js(options: &str, conditional: bool) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = createCredential)]
    async fn create_js(options: &str) -> Result<JsValue, JsValue>;
    /// Ends a waiting autofill request.
    pub fn cancel();
    #[wasm_bindgen(js_name = errorName)]
    fn error_name(error: &JsValue) -> String;
}

/// Whether this browser can use passkeys.
pub fn supported() -> bool {
    supported_js()
}

/// Whether the browser offers passkeys in the username field's autofill.
pub async fn conditional_available() -> bool {
    conditional_available_js().await.as_bool() == Some(true)
}

/// A failed ceremony; `None` when it was only ended on purpose (another
/// request replaced it).
fn ceremony_error(error: &JsValue, creating: bool) -> Option<ApiError> {
    let fault = match error_name(error).as_str() {
        "AbortError" => return None,
        "NotAllowedError" => Fault::PasskeyNotUsed,
        "InvalidStateError" if creating => Fault::PasskeyExists,
        "SecurityError" => Fault::PasskeyAddress,
        "NotSupportedError" => Fault::PasskeyUnsupported,
        _ => Fault::PasskeyFailed,
    };
    Some(api::transport(None, fault))
}

fn text_of(value: JsValue) -> String {
    value.as_string().unwrap_or_default()
}

/// Signs in with a discoverable passkey: `conditional` waits for the person
/// to pick one from the username field's autofill. `Ok(None)`: the request
/// was replaced or ended on purpose, or the autofill's request failed in the
/// background (the person asked for nothing, so there is nothing to say:
/// a fresh login page opens without an error).
pub async fn login(conditional: bool) -> ApiResult<Option<LoginState>> {
    let req = PasskeyStartRequest {
        directory: crate::pages::page_param("directory"),
        ..PasskeyStartRequest::default()
    };
    let options = match api::passkey_login_start(req).await {
        Ok(o) => o,
        // A directory without passkeys, too many requests, …
        Err(_) if conditional => return Ok(None),
        Err(e) => return Err(e),
    };
    let credential = match get_js(&options, conditional).await {
        Ok(c) => text_of(c),
        Err(_) if conditional => return Ok(None),
        Err(e) => return ceremony_error(&e, false).map_or(Ok(None), Err),
    };
    api::passkey_login_finish(credential).await.map(Some)
}

/// Creates a credential for the creation `options` (JSON text, as the
/// server sends them); answers it as JSON text. `Ok(None)`: ended on
/// purpose.
pub(crate) async fn create(options: &str) -> ApiResult<Option<String>> {
    match create_js(options).await {
        Ok(c) => Ok(Some(text_of(c))),
        Err(e) => ceremony_error(&e, true).map_or(Ok(None), Err),
    }
}

/// Signs the challenge of the request `options` (JSON text); answers the
/// assertion as JSON text. `Ok(None)`: ended on purpose.
pub(crate) async fn sign(options: &str) -> ApiResult<Option<String>> {
    match get_js(options, false).await {
        Ok(c) => Ok(Some(text_of(c))),
        Err(e) => ceremony_error(&e, false).map_or(Ok(None), Err),
    }
}

/// Creates a passkey named `name` for the account being set up or logged
/// in. `Ok(None)`: the request was ended on purpose.
pub async fn register(name: String) -> ApiResult<Option<PasskeyInfo>> {
    let options = api::passkey_register_start().await?;
    let credential = match create_js(&options).await {
        Ok(c) => text_of(c),
        Err(e) => return ceremony_error(&e, true).map_or(Ok(None), Err),
    };
    api::passkey_register_finish(credential, name)
        .await
        .map(Some)
}
