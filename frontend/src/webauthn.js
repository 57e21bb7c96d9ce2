// WebAuthn glue for the browser app (imported by src/webauthn.rs through
// wasm-bindgen). JSON strings go in and out: the server's options as
// webauthn-rs sends them ({publicKey: {...}}, base64url fields), and the
// credential as `PublicKeyCredential.toJSON()` gives it, which webauthn-rs
// reads as it is. A separate file, not an inline script: the CSP forbids those.

// The pending `get`, so a new one (the button) can end the autofill one.
let pending = null;

function cancelPending() {
  if (pending) {
    pending.abort(new DOMException("Replaced by another request", "AbortError"));
    pending = null;
  }
}

// Whether this browser offers passkeys in the username field's autofill.
export async function conditionalAvailable() {
  try {
    return (
      typeof PublicKeyCredential !== "undefined" &&
      typeof PublicKeyCredential.isConditionalMediationAvailable === "function" &&
      (await PublicKeyCredential.isConditionalMediationAvailable())
    );
  } catch {
    return false;
  }
}

// Whether this browser can use passkeys at all.
export function supported() {
  return (
    typeof PublicKeyCredential !== "undefined" &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function"
  );
}

// Signs the challenge of `options` (JSON). `conditional`: wait for the
// person to pick a passkey from the autofill rather than opening a dialog.
// Answers the assertion as JSON.
export async function getCredential(options, conditional) {
  cancelPending();
  const controller = new AbortController();
  pending = controller;
  try {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(
      JSON.parse(options).publicKey,
    );
    const credential = await navigator.credentials.get({
      publicKey,
      mediation: conditional ? "conditional" : "optional",
      signal: controller.signal,
    });
    return JSON.stringify(credential.toJSON());
  } finally {
    if (pending === controller) pending = null;
  }
}

// Creates a passkey for the creation `options` (JSON). Answers it as JSON.
export async function createCredential(options) {
  cancelPending();
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(
    JSON.parse(options).publicKey,
  );
  const credential = await navigator.credentials.create({ publicKey });
  return JSON.stringify(credential.toJSON());
}

// Ends a waiting autofill request (the page is left, say).
export function cancel() {
  cancelPending();
}

// What went wrong with a ceremony, as its DOMException name ("NotAllowedError", …).
export function errorName(error) {
  return (error && error.name) || "Error";
}
