// The approval app's service worker: shows a push (an approval waiting)
// as a notification, and opens the app when it is tapped. The push names
// the directory, the application and the browser; it carries no secret,
// and the notification has no button: approving takes the app, the number
// on the login page and the phone's PIN or biometric.

const WORDS = {
  en: {
    title: "Approve a login?",
    body: (d) =>
      `Log in to ${d.directory || "your account"}` +
      (d.client ? ` (${d.client})` : "") +
      (d.ip ? ` from ${d.ip}` : "") +
      ". Open the app to answer.",
  },
  nl: {
    title: "Inlog goedkeuren?",
    body: (d) =>
      `Inloggen bij ${d.directory || "je account"}` +
      (d.client ? ` (${d.client})` : "") +
      (d.ip ? ` vanaf ${d.ip}` : "") +
      ". Open de app om te antwoorden.",
  },
};

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const lang = String(data.lang || self.navigator.language || "en").startsWith("nl") ? "nl" : "en";
  const words = WORDS[lang];
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(words.title, {
        body: words.body(data),
        tag: data.approval || "approval",
        requireInteraction: true,
        data: { url: "/app/" },
      }),
      self.clients
        .matchAll({ type: "window" })
        .then((clients) => clients.forEach((c) => c.postMessage("approval"))),
    ]),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((clients) => {
      for (const c of clients) {
        if (c.url.includes("/app/") && "focus" in c) return c.focus();
      }
      return self.clients.openWindow("/app/");
    }),
  );
});
