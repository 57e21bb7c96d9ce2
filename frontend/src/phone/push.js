// The approval app's service worker and push subscription (imported by
// src/phone/mod.rs through wasm-bindgen). A separate file, not an inline
// script: the CSP forbids those.

// Registers the app's service worker (scope /app/): it shows the pushes.
export async function registerWorker() {
  try {
    if (!("serviceWorker" in navigator)) return false;
    await navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" });
    return true;
  } catch {
    return false;
  }
}

// Subscribes to push with the server's VAPID key (base64url). Answers the
// subscription as JSON (`PushSubscription.toJSON()`), or "" when this
// browser gives none (no push service, notifications refused): the app
// then shows the approvals when opened.
export async function subscribe(vapidKey) {
  try {
    if (!(await registerWorker()) || !("PushManager" in window)) return "";
    const registration = await navigator.serviceWorker.ready;
    const base64 = vapidKey.replace(/-/g, "+").replace(/_/g, "/");
    const key = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    // A browser whose push service cannot be reached may never answer:
    // after 8 seconds the app pairs without push.
    const subscription = await Promise.race([
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no push service")), 8000)),
    ]);
    return JSON.stringify(subscription.toJSON());
  } catch {
    return "";
  }
}

// Calls `onPush` whenever the service worker says a push arrived.
export function onPush(onPush) {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data === "approval") onPush();
    });
  }
}
