// Dutch and English (issue 19): a browser that prefers Dutch (locale nl-NL,
// so navigator.languages and Accept-Language say nl) gets every page in
// Dutch, the server's words too, and the switch in the header moves each
// page to English and back. Screenshots of each page in both languages:
// screenshots/<page>-<nl|en>.png (800×600, the viewport only).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, withServer, shot, accessibilityProblems } from "../harness.js";

const PW = "plum-orbit-7-lantern";
const PHONE = "+41791234567";
const DUTCH = { locale: "nl-NL", viewport: { width: 800, height: 600 } };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The page's language, as its <html lang> says.
function language(page) {
  return page.evaluate(() => document.documentElement.lang);
}

// The value of the `lang` cookie.
async function cookie(page) {
  return (await page.context().cookies()).find((c) => c.name === "lang")?.value;
}

// The switch in the header: `name` ("English", "Nederlands") reloads the
// page in that language; `heading` is the page's heading in it.
async function switchTo(page, name, heading) {
  const languages = page.getByRole("navigation", { name: /^(Taal|Language)$/ });
  await languages.getByRole("button", { name }).click();
  await page.getByRole("heading", { name: heading, exact: true }).waitFor();
  assert.equal(await languages.getByRole("button", { name }).getAttribute("aria-current"), "true");
}

// The page meets WCAG 2.1 A and AA as far as axe-core can tell, and says
// it is in `lang`.
async function accessibleIn(page, lang) {
  assert.equal(await language(page), lang);
  assert.deepEqual(await accessibilityProblems(page), []);
}

// What the server holds as the logged-in person's language.
async function storedLanguage(page, url) {
  const me = await page.request.get(url + "/api/me");
  assert.equal(me.status(), 200);
  return (await me.json()).language;
}

test("(nl) a Dutch browser walks setup link, login, SMS code and profile in Dutch, and switches to English and back", async () => {
  await withServer(
    browser,
    async (server, page) => {
      const out = await server.cli("admin", "create-user", "noor", "--phone", PHONE);

      // The setup link: a confirmed phone (10 points) of the 30.
      await page.goto(server.linkOf(out));
      await page.getByRole("heading", { name: "Je account instellen" }).waitFor();
      await page.locator(".progress-label", { hasText: "10 van 30 punten" }).waitFor();
      await page.getByText("Wat je hebt ingesteld, haalt het vereiste niveau nog niet").waitFor();
      await accessibleIn(page, "nl");
      await shot(page, "setup-nl", { fullPage: false });
      await switchTo(page, "English", "Set up your account");
      assert.equal(await cookie(page), "en");
      await page.locator(".progress-label", { hasText: "10 of 30 points" }).waitFor();
      assert.equal(await language(page), "en");
      await shot(page, "setup-en", { fullPage: false });
      await switchTo(page, "Nederlands", "Je account instellen");
      assert.equal(await cookie(page), "nl");
      await page.getByLabel("Nieuw wachtwoord").fill(PW);
      await page.getByLabel("Typ het nog een keer").fill(PW);
      await page.getByRole("button", { name: "Wachtwoord instellen" }).click();
      await page.getByText("Je wachtwoord is ingesteld.").waitFor();
      await page.locator(".progress-label", { hasText: "30 van 30 punten" }).waitFor();
      await page.getByText("Wat je hebt ingesteld, haalt het vereiste niveau: je kunt straks inloggen.").waitFor();
      await page.getByRole("button", { name: "Afronden" }).click();

      // The login page.
      await page.getByRole("heading", { name: "Inloggen", exact: true }).waitFor();
      assert.equal(await page.title(), "Inloggen · authlevel");
      await page.getByRole("button", { name: "Inloggen met een toegangssleutel (passkey)" }).waitFor();
      await accessibleIn(page, "nl");
      await shot(page, "login-nl", { fullPage: false });
      await switchTo(page, "English", "Sign in");
      await page.getByLabel("Username").waitFor();
      assert.equal(await page.title(), "Sign in · authlevel");
      await shot(page, "login-en", { fullPage: false });
      await switchTo(page, "Nederlands", "Inloggen");

      // A wrong password: the server's problem detail, in Dutch.
      await page.getByLabel("Gebruikersnaam").fill("noor");
      await page.getByLabel("Wachtwoord", { exact: true }).fill("not-" + PW);
      await page.getByRole("button", { name: "Inloggen", exact: true }).click();
      const problem = page.locator(".password-form .problem");
      await problem.waitFor();
      assert.equal(await problem.innerText(), "Onjuiste gebruikersnaam of wachtwoord.");

      // The password: the choice of a second method.
      await page.getByLabel("Wachtwoord", { exact: true }).fill(PW);
      await page.getByRole("button", { name: "Inloggen", exact: true }).click();
      await page.getByRole("heading", { name: "Voeg nog een methode toe" }).waitFor();
      await page.locator(".progress-label", { hasText: "20 van 30 punten" }).waitFor();
      await page.getByText("Kies er een om verder te gaan:").waitFor();
      const sms = page.locator('section.option[data-method="sms"]');
      await sms.getByRole("heading", { name: "Sms-code" }).waitFor();
      await sms.getByText("+10 punten").waitFor();
      await sms.getByText("Hiermee is je inlog compleet").waitFor();
      await accessibleIn(page, "nl");
      await shot(page, "factors-nl", { fullPage: false });

      // In English: the login goes on where it was, and a code is sent.
      await switchTo(page, "English", "Add another method");
      await page.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
      await sms.getByText("+10 points").waitFor();
      await shot(page, "factors-en", { fullPage: false });
      let sent = server.sms.messages.length;
      await sms.getByRole("button", { name: "Send code" }).click();
      await server.sms.code(PHONE, sent);
      await sms.getByLabel(/^Code sent to /).waitFor();
      await sms.getByText(/^The code expires in \d+:\d\d\.$/).waitFor();
      await shot(page, "sms-en", { fullPage: false });

      // Back in Dutch: a new code, typed, and the login is complete.
      await switchTo(page, "Nederlands", "Voeg nog een methode toe");
      sent = server.sms.messages.length;
      await sms.getByRole("button", { name: "Code versturen" }).click();
      const code = await server.sms.code(PHONE, sent);
      // The SMS is in Dutch: noor's language, or this request's.
      assert.match(server.sms.messages.at(-1).message, /^\d{6} is je inlogcode voor /);
      await sms.getByLabel(/^Code verstuurd naar /).fill(code);
      await sms.getByText(/^De code verloopt over \d+:\d\d\.$/).waitFor();
      await accessibleIn(page, "nl");
      await shot(page, "sms-nl", { fullPage: false });
      await sms.getByRole("button", { name: "Controleren" }).click();

      // Home, in the console's bundle.
      await page.getByRole("heading", { name: "Je bent ingelogd" }).waitFor();
      const facts = await page.locator("dl.facts").innerText();
      assert.match(facts, /Behaald niveau/);
      assert.match(facts, /Wachtwoord, Sms-code|Sms-code, Wachtwoord/);
      await accessibleIn(page, "nl");
      await page.getByRole("link", { name: /^Je account:/ }).click();

      // The profile; logged in, the switch stores the language too.
      await page.getByRole("heading", { name: "Je account", exact: true }).waitFor();
      await page.getByRole("heading", { name: "Taal van berichten" }).waitFor();
      await page.getByRole("heading", { name: "Waar je bent ingelogd" }).waitFor();
      await accessibleIn(page, "nl");
      await shot(page, "profile-nl", { fullPage: false });
      await switchTo(page, "English", "Your account");
      assert.equal(await storedLanguage(page, server.url), "en");
      await page.getByRole("heading", { name: "Language of messages" }).waitFor();
      assert.equal(await page.locator("#messages-language").inputValue(), "en");
      await shot(page, "profile-en", { fullPage: false });
      await switchTo(page, "Nederlands", "Je account");
      assert.equal(await storedLanguage(page, server.url), "nl");

      // The language of messages alone: English, while the pages stay Dutch.
      await page.getByLabel("Taal van de sms-codes, e-mailcodes en meldingen die je krijgt").selectOption("en");
      await page.locator('section[aria-labelledby="p-language"]').getByRole("button", { name: "Opslaan" }).click();
      await page.getByText("De taal van je berichten is opgeslagen.").waitFor();
      assert.equal(await storedLanguage(page, server.url), "en");
      assert.equal(await language(page), "nl");
      assert.equal(await cookie(page), "nl");
    },
    // A second code at once, after the switch.
    { AUTHLEVEL_CODE_RESEND_COOLDOWN_S: "0" },
    DUTCH,
  );
});
