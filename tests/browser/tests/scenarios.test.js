// The scenarios only a browser shows: the real server, the real login page
// (WebAssembly, CSP and all) in headless Chromium. Each test has its own
// server and database, and leaves a screenshot in screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  launch,
  newPage,
  setPasswordByLink,
  passwordStep,
  shot,
  withServer as withServerIn,
  accessibilityProblems,
} from "../harness.js";

const PW = "plum-orbit-7-lantern";
const PHONE = "+41791234567";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// One server per test, stopped whatever happens.
function withServer(fn, settings) {
  return withServerIn(browser, fn, settings);
}

// The admin sets a password by the first-start link, logs in under
// `password-only` (set from the CLI), and opens the Authentication tab of
// the default directory.
async function adminLoggedIn(server, page) {
  await setPasswordByLink(page, server.setupLink, PW);
  await server.cli("admin", "set-policy", "--preset", "password-only");
  await page.goto(server.url + "/");
  await page.getByRole("button", { name: "Sign in", exact: true }).and(page.locator(":enabled")).waitFor();
  await page.waitForTimeout(500);
  page.loginProblems = await page.locator(".problem").count();
  await passwordStep(page, server.url, "admin", PW);
  await page.getByRole("heading", { name: "You are logged in" }).waitFor();
  await page.getByRole("link", { name: /^Directories/ }).click();
  await page.getByRole("heading", { name: "Directories" }).waitFor();
  await page.locator('li.directory[data-slug="default"]').getByRole("link", { name: "Default", exact: true }).click();
  await page.getByRole("heading", { name: "Authentication" }).waitFor();
  await page.getByLabel("Required level").waitFor();
}

// Opens a tab of the directory shown.
async function openTab(page, name) {
  await page.getByRole("navigation", { name: "Directory" }).getByRole("link", { name, exact: true }).click();
  await page.locator('.tabs a[aria-current="page"]', { hasText: name }).waitFor();
}

// A user with a confirmed phone (set by an administrator) and a password.
async function userWithPhone(server, page, name) {
  const out = await server.cli("admin", "create-user", name, "--phone", PHONE);
  await setPasswordByLink(page, server.linkOf(out), PW);
}

// Password, then an SMS code: the two-factor login.
async function loginWithSms(server, page, name) {
  const before = server.sms.messages.length;
  await passwordStep(page, server.url, name, PW);
  await page.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
  const sms = page.locator('section.option[data-method="sms"]');
  await sms.getByRole("button", { name: "Send code" }).click();
  const code = await server.sms.code(PHONE, before);
  await sms.getByLabel(/Code sent to/).fill(code);
  await sms.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("heading", { name: "You are logged in" }).waitFor();
}

test("(a) the admin sets the two-factor policy in the admin page", async () => {
  await withServer(async (server, page) => {
    await adminLoggedIn(server, page);
    await page.getByRole("button", { name: "Two-factor" }).click();
    assert.equal(await page.getByLabel("Required level").inputValue(), "30");
    // The login page of a password-only directory said nothing about
    // passkeys (its autofill request was refused quietly).
    assert.equal(page.loginProblems, 0);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved. The policy applies from the next login step.").waitFor();
    await shot(page, "a-admin-two-factor");
    // What the server holds now: the next login needs more than the password.
    await page.reload();
    await page.getByLabel("Required level").waitFor();
    assert.equal(await page.getByLabel("Required level").inputValue(), "30");
    assert.equal(await page.getByLabel("SMS code", { exact: true }).inputValue(), "10");
  });
});

test("(b) a user logs in with the password and an SMS code", async () => {
  await withServer(async (server, page) => {
    await userWithPhone(server, page, "bob");
    await passwordStep(page, server.url, "bob", PW);
    await page.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
    await page.getByText("Choose one to continue:").waitFor();
    await shot(page, "b-options");
    const sms = page.locator('section.option[data-method="sms"]');
    await sms.getByRole("button", { name: "Send code" }).click();
    const code = await server.sms.code(PHONE);
    assert.ok(server.sms.messages.some((m) => m.authorization === "Bearer browser-test"));
    await sms.getByLabel(/Code sent to/).fill(code);
    await sms.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    const facts = await page.locator("dl.facts").innerText();
    assert.match(facts, /bob/);
    assert.match(facts, /Password, SMS code|SMS code, Password/);
    await shot(page, "b-logged-in");
  });
});

test("(c) a new user sets a password and confirms a mobile number by their setup link", async () => {
  await withServer(async (server, page) => {
    const out = await server.cli("admin", "create-user", "carol");
    await setPasswordByLink(page, server.linkOf(out), PW, { finish: false });
    await page.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
    await page.getByText("does not reach the required level yet").waitFor();
    await page.getByRole("textbox", { name: "Mobile number" }).fill("+41 79 765 43 21");
    await page
      .locator("section.enrol", { hasText: "Mobile number" })
      .getByRole("button", { name: "Send code" })
      .click();
    const code = await server.sms.code("+41797654321");
    await page.getByLabel(/Code sent to/).fill(code);
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Your mobile number is confirmed.").waitFor();
    await page.locator(".progress-label", { hasText: "30 of 30 points" }).waitFor();
    await page.getByText("reaches the required level").waitFor();
    await shot(page, "c-setup-phone");
    await page.getByRole("button", { name: "Finish" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });
});

// A platform authenticator with user verification, as a phone or laptop has.
async function virtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

test("(d) a user adds a passkey and logs in with it alone", async () => {
  await withServer(async (server, page) => {
    // The virtual authenticator answers the autofill request at once; this
    // test is about the button, so the page is told there is no autofill.
    await page.addInitScript(() => {
      PublicKeyCredential.isConditionalMediationAvailable = async () => false;
    });
    await virtualAuthenticator(page);
    await userWithPhone(server, page, "dave");
    await loginWithSms(server, page, "dave");
    await page.getByRole("link", { name: /Your account/ }).click();
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await page.getByLabel("Name of the new passkey").fill("Test key");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “Test key” added.").waitFor();
    await page.locator("ul.passkeys input").first().waitFor();
    assert.equal(await page.locator("ul.passkeys input").first().inputValue(), "Test key");
    await shot(page, "d-profile-passkey");
    await page.getByRole("link", { name: "Back" }).click();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    const facts = await page.locator("dl.facts").innerText();
    assert.match(facts, /dave/);
    assert.match(facts, /Passkey/);
    assert.doesNotMatch(facts, /Password/);
    await shot(page, "d-passkey-login");
  });
});

test("(f) a new user adds a passkey by their setup link and signs in by the autofill", async () => {
  await withServer(async (server, page) => {
    await virtualAuthenticator(page);
    const out = await server.cli("admin", "create-user", "erin");
    await setPasswordByLink(page, server.linkOf(out), PW, { finish: false });
    await page.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
    await page.getByLabel("Name of the new passkey").fill("Laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “Laptop” added.").waitFor();
    // More than the level reads as such, never as "50 of 30 points".
    await page.locator(".progress-label", { hasText: "50 points, more than the level of 30" }).waitFor();
    await page.getByText("reaches the required level").waitFor();
    await shot(page, "f-setup-passkey");
    await page.getByRole("button", { name: "Finish" }).click();
    // The login page asks for a passkey in the username field's autofill;
    // the virtual authenticator picks the only one.
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    const facts = await page.locator("dl.facts").innerText();
    assert.match(facts, /erin/);
    assert.match(facts, /Passkey/);
    await shot(page, "f-autofill-login");
  });
});

test("(e) the admin sees the analysis of a level before saving it", async () => {
  await withServer(async (server, page) => {
    await adminLoggedIn(server, page);
    await page.getByRole("button", { name: "Two-factor" }).click();
    await page.getByLabel("Required level").fill("200");
    await page.getByRole("heading", { name: "Cannot be saved" }).waitFor();
    await page.getByText("No combination of methods reaches the level.").waitFor();
    assert.ok(await page.getByRole("button", { name: "Save" }).isDisabled());
    await shot(page, "e-unreachable");
    await page.getByLabel("Required level").fill("40");
    await page.getByRole("heading", { name: "Cannot be saved" }).waitFor({ state: "detached" });
    assert.ok(await page.getByRole("button", { name: "Save" }).isEnabled());
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved. The policy applies from the next login step.").waitFor();
    await shot(page, "e-saved");
  });
});

// The admin confirms a mobile number of their own on the profile (a code
// to it), then comes back to the directory's users.
async function adminPhone(server, page, phone) {
  const before = server.sms.messages.length;
  await page.goto(server.url + "/profile");
  await page.getByRole("textbox", { name: "Mobile number" }).fill(phone);
  await page.getByRole("region", { name: "Mobile number" }).getByRole("button", { name: "Send code" }).click();
  const code = await server.sms.code(phone.replace(/ /g, ""), before);
  await page.getByLabel(/Code sent to/).fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByText("Your mobile number is confirmed.").waitFor();
  await page.goto(server.url + "/admin/directories/default/users");
  await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
}

// The console's fresh login, in its dialog: the password, then (with
// `phone`) an SMS code; the dialog closes and what was asked is done.
async function reloginInDialog(server, page, phone) {
  const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
  await dialog.waitFor();
  await dialog.getByLabel("Username").fill("admin");
  await dialog.getByLabel("Password").fill(PW);
  const before = server.sms.messages.length;
  await dialog.getByRole("button", { name: "Sign in", exact: true }).click();
  if (phone) {
    await dialog.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
    const sms = dialog.locator('section.option[data-method="sms"]');
    await sms.getByRole("button", { name: "Send code" }).click();
    const code = await server.sms.code(phone, before);
    await sms.getByLabel(/Code sent to/).fill(code);
    await sms.getByRole("button", { name: "Verify" }).click();
  }
  await dialog.waitFor({ state: "hidden" });
}

test("(g) the admin adds a user, sees the setup link once, and who lacks a mobile number", async () => {
  await withServer(async (server, page) => {
    await adminLoggedIn(server, page);
    // The admin's own second factor, for the stricter policy below.
    await adminPhone(server, page, "+41 79 555 66 77");
    await openTab(page, "Users");
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    await page.getByLabel("Username", { exact: true }).fill("frank");
    await page.getByLabel("Email address (optional)").fill("frank@example.com");
    await page.getByRole("button", { name: "Add user" }).click();
    const link = page.getByLabel(/Setup link for frank/);
    await link.waitFor();
    assert.match(await link.inputValue(), /\/setup#token=/);
    const frank = page.locator('li.user[data-username="frank"]');
    await frank.getByText("frank@example.com").waitFor();
    // Only SMS reaches the level (with the password): frank is flagged.
    await server.cli("admin", "set-policy", "--preset", "two-factor", "--points", "email=0,totp=0,passkey=0,recovery=0,app=0");
    await page.reload();
    await frank.getByText("No mobile number: cannot reach the level").waitFor();
    // The Authentication tab counts them; the back button returns.
    await openTab(page, "Authentication");
    await page.getByText(/1 user has no mobile number: they cannot log in/).waitFor();
    await page.goBack();
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    // Adding one lifts the flag. The admin's password alone is no fresh
    // login under this policy: the console asks for the login (password
    // and SMS) right there, then saves what was asked (SECURITY 34).
    await frank.getByRole("button", { name: "Edit" }).click();
    await frank.getByLabel("Mobile number").fill("+41 79 111 22 33");
    await frank.getByRole("button", { name: "Save" }).click();
    await page.getByRole("dialog", { name: "Confirm it is you" }).waitFor();
    await shot(page, "g-relogin");
    await reloginInDialog(server, page, "+41795556677");
    await page.getByText("frank is saved.").waitFor();
    await frank.getByText("+41791112233").waitFor();
    assert.equal(await frank.getByText("No mobile number").count(), 0);
    await shot(page, "g-users");
  });
});

test("(h) a change that needs a recent login asks for it in place, then is made", async () => {
  await withServer(
    async (server, page) => {
      await setPasswordByLink(page, server.setupLink, PW);
      await server.cli("admin", "set-policy", "--preset", "password-only");
      await passwordStep(page, server.url, "admin", PW);
      await page.getByRole("link", { name: /Your account/ }).click();
      await page.getByLabel("Name shown to people").fill("Ada Admin");
      await page.getByRole("region", { name: "Display name" }).getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Your display name is saved.").waitFor();
      // The re-authentication window is 1 s here.
      await new Promise((r) => setTimeout(r, 2100));
      await page.getByRole("textbox", { name: "Email address" }).fill("ada@example.com");
      await page.getByRole("region", { name: "Email address" }).getByRole("button", { name: "Send code" }).click();
      await page.getByRole("dialog", { name: "Confirm it is you" }).waitFor();
      await page.getByText("Log in again as admin").waitFor();
      await shot(page, "h-reauth");
      await reloginInDialog(server, page);
      // The code went out: the change waits for it, as after a fresh login.
      await page.getByLabel(/Code sent to/).waitFor();

      // An administrator's write, after the window: the same dialog, and
      // the change is made.
      await new Promise((r) => setTimeout(r, 2100));
      await page.goto(server.url + "/admin/directories/default/authentication");
      await page.getByLabel("Required level").waitFor();
      await page.getByLabel("Required level").fill("25");
      await page.getByLabel("Password", { exact: true }).fill("25");
      await page.getByRole("button", { name: "Save" }).click();
      await reloginInDialog(server, page);
      await page.getByText("Saved. The policy applies from the next login step.").waitFor();
      await page.reload();
      await page.getByLabel("Required level").waitFor();
      assert.equal(await page.getByLabel("Required level").inputValue(), "25");

      // Given up: the change is not made, and the page says why.
      await new Promise((r) => setTimeout(r, 2100));
      await page.getByLabel("Required level").fill("20");
      await page.getByLabel("Password", { exact: true }).fill("20");
      await page.getByRole("button", { name: "Save" }).click();
      const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
      await dialog.getByRole("button", { name: "Cancel the change" }).click();
      await dialog.waitFor({ state: "hidden" });
      await page.getByText(/For this change, log in again/).waitFor();
      await page.reload();
      await page.getByLabel("Required level").waitFor();
      assert.equal(await page.getByLabel("Required level").inputValue(), "25");
    },
    { AUTHLEVEL_REAUTH_WINDOW_S: "1" },
  );
});

// RFC 6238 with SHA-1, 6 digits, 30 s: what an authenticator app shows.
function totp(base32, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

test("(i) a new user sets up an authenticator app by their setup link", async () => {
  await withServer(async (server, page) => {
    const out = await server.cli("admin", "create-user", "gina");
    await setPasswordByLink(page, server.linkOf(out), PW, { finish: false });
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).locator("svg").waitFor();
    const secret = await page.locator("code.secret").innerText();
    await page.getByLabel("Code from your authenticator app").fill(totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Your authenticator app is set up.").waitFor();
    await page.locator(".progress-label", { hasText: "30 of 30 points" }).waitFor();
    await shot(page, "i-setup-totp");
  });
});

test("(j) the admin registers an application, sees its secret once, and removes it", async () => {
  await withServer(async (server, page) => {
    await adminLoggedIn(server, page);
    await openTab(page, "Applications");
    await page.getByRole("heading", { name: "Applications (OpenID Connect)" }).waitFor();
    await page.getByText("No application uses this login yet.").waitFor();
    await page.getByLabel(/^Name/).fill("Wiki");
    await page.getByLabel(/^Redirect URIs/).fill("https://wiki.example.com/callback\n");
    await page.getByLabel(/^Lowest level/).fill("40");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByText("Wiki is registered.").waitFor();
    const id = await page.getByLabel("Client ID").inputValue();
    const secret = await page.getByLabel(/^Client secret/).inputValue();
    assert.ok(id.length > 8, id);
    assert.ok(secret.length >= 32, "a long secret");
    const row = page.locator(`li.client[data-client="${id}"]`);
    await row.getByText(/confidential \(client secret\) · level 40 or more/).waitFor();
    await row.getByText("Redirects to https://wiki.example.com/callback").waitFor();
    await shot(page, "j-application");
    // Shown once: after a reload the application is listed, its secret not.
    await page.reload();
    await row.waitFor();
    assert.equal(await page.getByLabel(/^Client secret/).count(), 0);
    assert.equal(await page.getByText(secret).count(), 0);
    // Removing asks first; the list is empty again.
    page.once("dialog", (d) => d.accept());
    await row.getByRole("button", { name: "Remove" }).click();
    await page.getByText("Wiki is removed.").waitFor();
    await page.getByText("No application uses this login yet.").waitFor();
  });
});

test("(k) the admin unlocks a locked-out user, ends their sessions, and reads it in the activity", async () => {
  await withServer(
    async (server, page) => {
      await adminLoggedIn(server, page);
      const out = await server.cli("admin", "create-user", "gus");
      const other = await newPage(browser);
      await setPasswordByLink(other, server.linkOf(out), PW);
      await other.context().close();
      // gus's logins as an application would send them (JSON, no cookies).
      const login = (password) =>
        fetch(server.url + "/api/login/password", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "gus", password }),
        });
      for (let i = 0; i < 3; i++) {
        assert.equal((await login("wrong-" + i)).status, 401);
      }
      // Locked: the right password is refused like a wrong one.
      assert.equal((await login(PW)).status, 401);
      await openTab(page, "Users");
      const gus = page.locator('li.user[data-username="gus"]');
      await gus.getByRole("button", { name: "Unlock" }).click();
      await page.getByText(/gus is unlocked/).waitFor();
      const ok = await login(PW);
      assert.equal(ok.status, 200);
      const cookie = ok.headers.get("set-cookie").split(";")[0];
      const session = () => fetch(server.url + "/api/session", { headers: { cookie } });
      assert.equal((await session()).status, 200);
      // Ending the sessions asks first; the session is gone on the server.
      page.once("dialog", (d) => d.accept());
      await gus.getByRole("button", { name: "End sessions" }).click();
      await page.getByText("Every session of gus has ended.").waitFor();
      assert.equal((await session()).status, 401);
      // The recent activity tells the story, newest first, in names.
      await openTab(page, "Activity");
      await page.getByRole("button", { name: "Refresh" }).click();
      const activity = page.locator(".audit-list");
      await activity.locator('li[data-kind="user.end_sessions"]', { hasText: "gus · by admin" }).waitFor();
      await activity.locator('li[data-kind="user.unlock"]', { hasText: "user unlocked · gus · by admin" }).waitFor();
      assert.ok((await activity.locator('li.failed[data-kind="login.password"]').count()) >= 3);
      await shot(page, "k-unlock");
    },
    { AUTHLEVEL_FAILURE_LIMIT: "3" },
  );
});

test("(l) a user sets up recovery codes, downloads them, and logs in with the password and one code", async () => {
  await withServer(async (server, page) => {
    const out = await server.cli("admin", "create-user", "rita");
    await setPasswordByLink(page, server.linkOf(out), PW, { finish: false });
    const section = page.getByRole("region", { name: /Recovery codes/ });
    await section.getByRole("button", { name: "Make recovery codes" }).click();
    await section.locator("ol.recovery-codes li").nth(9).waitFor();
    const codes = await section.locator("ol.recovery-codes code").allInnerTexts();
    assert.equal(codes.length, 10);
    assert.ok(codes.every((c) => /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/.test(c)), codes.join(" "));
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      section.getByRole("link", { name: "Download" }).click(),
    ]);
    const { readFile } = await import("node:fs/promises");
    const file = await readFile(await download.path(), "utf8");
    assert.ok(codes.every((c) => file.includes(c)), file);
    await page.locator(".progress-label", { hasText: "30 of 30 points" }).waitFor();
    await shot(page, "l-recovery-codes");
    await page.getByRole("button", { name: "Finish" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    await passwordStep(page, server.url, "rita", PW);
    await page.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
    const option = page.locator('section.option[data-method="recovery"]');
    await option.getByText("10 points").waitFor();
    await option.getByLabel("One of your recovery codes").fill(codes[3].toLowerCase());
    await option.getByRole("button", { name: "Verify" }).click();
    await page.getByText(/You used a recovery code; 9 are left/).waitFor();
    await shot(page, "l-logged-in-with-a-recovery-code");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
  });
});

test("(m) an operator creates a directory, finds who has no mobile number, and fixes them by a CSV import", async () => {
  await withServer(async (server, page) => {
    await adminLoggedIn(server, page);
    // The directories page: the operator creates one; it shows its login page.
    await page.getByRole("link", { name: "Directories", exact: true }).click();
    await page.getByLabel("Name of the directory").fill("Acme Corp");
    assert.equal(await page.getByLabel(/^Short name/).inputValue(), "acme-corp");
    await page.getByRole("button", { name: "Create directory" }).click();
    await page.getByText(/The directory Acme Corp is created/).waitFor();
    const acme = page.locator('li.directory[data-slug="acme-corp"]');
    await acme.getByText(`${server.url}/?directory=acme-corp`).waitFor();
    await acme.getByRole("button", { name: "Rename" }).click();
    await acme.getByLabel("New name").fill("Acme Corporation");
    await acme.getByRole("button", { name: "Save name" }).click();
    await page.getByText("The directory acme-corp is now called Acme Corporation.").waitFor();
    await shot(page, "m-directories");

    // Three people without a mobile number, one with.
    for (const name of ["ann", "ben", "cid"]) {
      await server.cli("admin", "create-user", name, "--directory", "acme-corp", "--email", `${name}@example.com`);
    }
    await server.cli("admin", "create-user", "dot", "--directory", "acme-corp", "--phone", "+41 79 555 00 04");

    await acme.getByRole("link", { name: "Acme Corporation", exact: true }).click();
    await page.getByRole("heading", { name: "Authentication" }).waitFor();
    assert.match(page.url(), /\/admin\/directories\/acme-corp\/authentication$/);
    await page.getByRole("button", { name: "Two-factor" }).click();
    assert.equal(await page.getByLabel("Required level").inputValue(), "30");
    const noPhone = page.locator('[data-warning="no-phone"]');
    await noPhone.getByText("3 users have no mobile number").waitFor();
    await shot(page, "m-warning");

    // The link names exactly those users.
    await noPhone.getByRole("link", { name: "Show these users" }).click();
    assert.match(page.url(), /\/admin\/directories\/acme-corp\/users\?filter=no_phone$/);
    await page.getByText("3 users match").waitFor();
    assert.equal(await page.locator("#users-filter").inputValue(), "no_phone");
    assert.deepEqual(
      await page.locator("li.user").evaluateAll((rows) => rows.map((r) => r.dataset.username)),
      ["ann", "ben", "cid"],
    );
    // The back button returns to the warning, forward to the users.
    await page.goBack();
    await noPhone.waitFor();
    await page.goForward();
    await page.getByText("3 users match").waitFor();

    // A CSV that gives them numbers, with one bad row: a dry run first.
    const csv = [
      "username,display_name,email,phone,role",
      "ann,Ann Arbor,ann@example.com,+41 79 555 00 01,user",
      "ben,Ben Bay,ben@example.com,+41 79 555 00 02,user",
      "cid,Cid Cove,cid@example.com,+41 79 555 00 03,user",
      "eve,Eve Edge,eve@example.com,not a number,user",
    ].join("\n");
    await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "users.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByLabel(/^Update existing users/).check();
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByText(/^4 rows checked: 0 would be created and 3 updated\. 1 row has a problem and would change nothing\.$/).waitFor();
    const problems = page.locator(".import-errors li");
    assert.equal(await problems.count(), 1);
    assert.equal(await problems.first().getAttribute("data-line"), "5");
    assert.match(await problems.first().innerText(), /^Line 5: /);
    await shot(page, "m-dry-run");
    // The dry run changed nothing.
    await page.getByRole("button", { name: "Next" }).waitFor();
    assert.equal(await page.locator("li.user").count(), 3);

    await page.getByRole("button", { name: "Import 3 rows" }).click();
    await page.getByText(/^Import finished: 4 rows read, 0 users created and 3 updated\. 1 row with a problem was left out\.$/).waitFor();
    await page.getByText("0 users match").waitFor();
    assert.equal(await page.locator("li.user").count(), 0);
    await shot(page, "m-imported");

    // The warning goes to 0.
    await openTab(page, "Authentication");
    await noPhone.getByText("0 users have no mobile number").waitFor();
    // Who a policy not yet saved leaves behind (nobody has a password yet):
    // the link carries the policy; the edit outlives the visit.
    await page.getByLabel("Required level").fill("40");
    await page.locator('[data-warning="cannot-reach"]').getByText(/^4 of 4 users could not reach the level/).waitFor();
    await page.locator('[data-warning="cannot-reach"]').getByRole("link", { name: "Show these users" }).click();
    assert.match(page.url(), /\/users\?filter=cannot_reach_edited&policy=%7B/);
    await page.getByText("4 users match").waitFor();
    assert.equal(await page.locator("#users-filter").inputValue(), "cannot_reach_edited");
    await page.goBack();
    assert.equal(await page.getByLabel("Required level").inputValue(), "40");
    await page.getByText("Unsaved changes").waitFor();
    // A deep link opens its tab with its filter.
    await page.goto(server.url + "/admin/directories/acme-corp/users?filter=has:sms");
    await page.getByText("4 users match").waitFor();
    await page.locator('li.user[data-username="ann"]').getByText("+41795550001").waitFor();

    // The directory's login page logs its users in, by its policy.
    const ann = await newPage(browser);
    try {
      await setPasswordByLink(ann, server.linkOf(await server.cli("admin", "invite", "ann", "--directory", "acme-corp")), PW);
      await ann.goto(server.url + "/?directory=acme-corp");
      await ann.getByLabel("Username").fill("ann");
      await ann.getByLabel("Password", { exact: true }).fill(PW);
      await ann.getByRole("button", { name: "Sign in", exact: true }).click();
      await ann.locator(".progress-label", { hasText: "20 of 30 points" }).waitFor();
      const sms = ann.locator('section.option[data-method="sms"]');
      await sms.getByRole("button", { name: "Send code" }).click();
      await sms.getByLabel(/Code sent to/).fill(await server.sms.code("+41795550001"));
      await sms.getByRole("button", { name: "Verify" }).click();
      await ann.getByRole("heading", { name: "You are logged in" }).waitFor();
      assert.match(await ann.locator("dl.facts").innerText(), /acme-corp/);
      assert.deepEqual(ann.problems, [], "ann's page logged errors");
    } finally {
      await ann.context().close();
    }
  });
});

test("(n) the users list pages through thousands, searches, filters, exports, and acts on a selection or every match", async () => {
  await withServer(async (server, page) => {
    await adminLoggedIn(server, page);
    await openTab(page, "Users");
    // 4,500 users by one import: more than two parts of 2,000 rows.
    const csv = ["username,display_name,email,phone,role"];
    for (let i = 1; i <= 4500; i++) {
      const n = String(i).padStart(4, "0");
      csv.push(`user-${n},User ${n},user-${n}@example.com,${i % 2 ? `+4179555${n}` : ""},user`);
    }
    await page.getByLabel("CSV file", { exact: true }).setInputFiles({
      name: "many.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv.join("\n") + "\n"),
    });
    await page.getByRole("button", { name: "Check the file" }).click();
    await page.getByText(/^4500 rows checked: 4500 would be created and 0 updated\. No row has a problem\.$/).waitFor();
    await page.getByRole("button", { name: "Import 4500 rows" }).click();
    await page.getByText(/^Import finished: 4500 rows read, 4500 users created and 0 updated\. No row was left out\.$/).waitFor({ timeout: 60_000 });

    // Pages of 50 by username, Next and Previous.
    const total = page.locator(".users-total");
    await total.getByText("4501 users · showing 1–50").waitFor();
    const names = () => page.locator("li.user").evaluateAll((rows) => rows.map((r) => r.dataset.username));
    assert.deepEqual((await names()).slice(0, 2), ["admin", "user-0001"]);
    await page.getByRole("button", { name: "Next" }).click();
    await total.getByText("4501 users · showing 51–100").waitFor();
    assert.equal((await names())[0], "user-0050");
    await page.getByRole("button", { name: "Previous" }).click();
    await total.getByText("4501 users · showing 1–50").waitFor();

    // A filter (the admin and the even ones have no number) and a search.
    await page.locator("#users-filter").selectOption("no_phone");
    await total.getByText("2251 users match · showing 1–50").waitFor();
    assert.match(page.url(), /\/users\?filter=no_phone$/);
    await page.getByLabel("Search users").fill("user-0042");
    await page.getByRole("button", { name: "Search" }).click();
    await total.getByText("1 user matches · showing 1–1").waitFor();
    assert.match(page.url(), /\/users\?q=user-0042&filter=no_phone$/);
    const exported = await page.getByRole("link", { name: "Export these users (CSV)" }).getAttribute("href");
    const body = await (await page.request.get(server.url + exported)).text();
    assert.equal(body.trim().split(/\r?\n/).length, 2, body);
    assert.match(body, /^username,display_name,email,phone,role/);
    assert.match(body, /user-0042,User 0042,user-0042@example.com,,user/);

    // A selection: disabled, then found by the disabled filter.
    await page.getByLabel("Select user-0042").check();
    await page.locator("#bulk-action").selectOption("disable");
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Apply to 1 selected" }).click();
    await page.getByText("1 user is disabled.").waitFor();
    await page.getByLabel("Search users").fill("");
    await page.getByRole("button", { name: "Search" }).click();
    await page.locator("#users-filter").selectOption("disabled");
    await total.getByText("1 user matches · showing 1–1").waitFor();
    await page.locator('li.user[data-username="user-0042"]').getByText("disabled").waitFor();
    await shot(page, "n-disabled");
    // Every match: enabled again, and none is left disabled.
    await page.locator("#bulk-action").selectOption("enable");
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Apply to all that match (1)" }).click();
    await page.getByText("1 user is enabled.").waitFor();
    await total.getByText("0 users match").waitFor();
    // The back button walks the filters back.
    await page.goBack();
    await total.getByText("2251 users match · showing 1–50").waitFor();
  });
});

// The approval app (issue 27), in one language: a new user pairs a phone
// from the setup page (the phone opens the link in the app at 390 px, with
// a platform authenticator as its screen lock), a push delivered to the
// app's service worker is shown, a login sends an approval, and the phone
// picks the number the login page shows and approves.
const APP_WORDS = {
  en: {
    setup: "Set up your account", newPassword: "New password", again: "Type it again",
    setPassword: "Set password", passwordSet: "Your password is set.", pairAPhone: "Pair a phone",
    appHeading: "Approve your logins", phoneName: "Name of this phone", pairThis: "Pair this phone",
    paired: "This phone is paired.", pairedHere: "The phone is paired.", finish: "Finish",
    signIn: "Sign in", username: "Username", password: "Password", send: "Send to my phone",
    approve: "Approve", approved: "Approved. The login goes on.", loggedIn: "You are logged in",
    pushTitle: "Approve a login?", method: /Approval app/,
  },
  nl: {
    setup: "Je account instellen", newPassword: "Nieuw wachtwoord", again: "Typ het nog een keer",
    setPassword: "Wachtwoord instellen", passwordSet: "Je wachtwoord is ingesteld.",
    pairAPhone: "Een telefoon koppelen", appHeading: "Je inlogs goedkeuren",
    phoneName: "Naam van deze telefoon", pairThis: "Deze telefoon koppelen",
    paired: "Deze telefoon is gekoppeld.", pairedHere: "De telefoon is gekoppeld.", finish: "Afronden",
    signIn: "Inloggen", username: "Gebruikersnaam", password: "Wachtwoord",
    send: "Naar mijn telefoon sturen", approve: "Goedkeuren",
    approved: "Goedgekeurd. De inlog gaat verder.", loggedIn: "Je bent ingelogd",
    pushTitle: "Inlog goedkeuren?", method: /Goedkeurings-app/,
  },
};

async function approvalApp(lang) {
  const w = APP_WORDS[lang];
  const locale = lang === "nl" ? "nl-NL" : "en-GB";
  await withServerIn(
    browser,
    async (server, page) => {
      const out = await server.cli("admin", "create-user", `pia-${lang}`);
      // The laptop: the setup link, a password, then "Pair a phone".
      await page.goto(server.linkOf(out));
      await page.getByRole("heading", { name: w.setup }).waitFor();
      await page.getByLabel(w.newPassword).fill(PW);
      await page.getByLabel(w.again).fill(PW);
      await page.getByRole("button", { name: w.setPassword }).click();
      await page.getByText(w.passwordSet).waitFor();
      await page.getByRole("button", { name: w.pairAPhone }).click();
      const link = await page.locator("#app-pair-link").getAttribute("href");
      assert.match(link, /\/app\/#pair=/);
      await shot(page, `o-setup-pair-${lang}`);

      // The phone: the app opens the link, makes its key, and is paired.
      const phone = await newPage(browser, { locale, viewport: { width: 390, height: 844 } });
      try {
        await phone.context().grantPermissions(["notifications"], { origin: server.url });
        await virtualAuthenticator(phone);
        await phone.goto(link);
        await phone.getByRole("heading", { name: w.appHeading }).waitFor();
        await phone.getByLabel(w.phoneName).fill("Pixel");
        await phone.getByRole("button", { name: w.pairThis }).click();
        // Without a reachable push service the app waits for it a while.
        await phone.getByText(w.paired).waitFor({ timeout: 20_000 });
        assert.equal(new URL(phone.url()).hash, "", "the spent link left the address");
        assert.deepEqual(await accessibilityProblems(phone), []);
        await shot(phone, `o-app-paired-${lang}`);

        // The setup page sees the phone, which reaches the level.
        await page.getByText(w.pairedHere).waitFor();
        await page.locator(".progress-label", { hasText: lang === "nl" ? "30 van 30 punten" : "30 of 30 points" }).waitFor();
        await page.getByRole("button", { name: w.finish }).click();
        await page.getByRole("heading", { name: w.signIn }).waitFor();

        // A push reaches the app's service worker, which shows it.
        const cdp = await phone.context().newCDPSession(phone);
        const registrations = new Promise((resolve) =>
          cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => {
            const r = e.registrations.find((r) => r.scopeURL.endsWith("/app/") && !r.isDeleted);
            if (r) resolve(r);
          }),
        );
        await cdp.send("ServiceWorker.enable");
        const registration = await registrations;
        await phone.evaluate(() => navigator.serviceWorker.ready);
        const titles = async () =>
          phone.evaluate(async () =>
            (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => `${n.title}|${n.body}`),
          );
        // A push that reaches a worker still starting up on a busy machine
        // can be lost: it is sent again (the same approval, so the same
        // notification tag: one notification however many arrive).
        for (let attempt = 0; attempt < 3 && (await titles()).length === 0; attempt++) {
          await cdp.send("ServiceWorker.deliverPushMessage", {
            origin: server.url,
            registrationId: registration.registrationId,
            data: JSON.stringify({ approval: "test", directory: "Default", ip: "127.0.0.1", lang }),
          });
          for (let i = 0; i < 50 && (await titles()).length === 0; i++) await phone.waitForTimeout(100);
        }
        const shown = await titles();
        assert.equal(shown.length, 1, JSON.stringify(shown));
        assert.ok(shown[0].startsWith(`${w.pushTitle}|`), shown[0]);
        assert.match(shown[0], /Default/);

        // The login: the password, then the app. The login page shows the
        // number; the phone offers three and approves the one shown.
        await page.getByLabel(w.username).fill(`pia-${lang}`);
        await page.getByLabel(w.password, { exact: true }).fill(PW);
        await page.getByRole("button", { name: w.signIn, exact: true }).click();
        const option = page.locator('section.option[data-method="app"]');
        await option.getByRole("button", { name: w.send }).click();
        const number = (await option.locator(".app-number").innerText()).trim();
        assert.match(number, /^\d\d$/);
        assert.deepEqual(await accessibilityProblems(page), []);
        await shot(page, `o-login-number-${lang}`);
        await phone.getByRole("button", { name: number, exact: true }).click();
        assert.deepEqual(await accessibilityProblems(phone), []);
        await shot(phone, `o-app-approval-${lang}`);
        await phone.getByRole("button", { name: w.approve, exact: true }).click();
        await phone.getByText(w.approved).waitFor();
        await page.getByRole("heading", { name: w.loggedIn }).waitFor();
        const facts = await page.locator("dl.facts").innerText();
        assert.match(facts, w.method);
        // Playwright's contexts are incognito, where Chromium has no Push API
        // and says so in the console (the app then pairs without push); any
        // other message is a problem.
        const problems = phone.problems.filter((p) => !/Push API in incognito mode/.test(p));
        assert.deepEqual(problems, [], "the app logged errors");
      } finally {
        await phone.context().close();
      }
    },
    {},
    { locale, viewport: { width: 390, height: 844 } },
  );
}

test("(o) a phone pairs the approval app, shows a push, and approves a login by its number, in English", async () => {
  await approvalApp("en");
});

test("(o) a phone pairs the approval app, shows a push, and approves a login by its number, in Dutch", async () => {
  await approvalApp("nl");
});

// (p) The Authentication tab replays a draft over the logins that
// happened: two users with a phone and the admin logged in with the
// password; at level 30 the users need another step and the admin (a
// password only) could not have logged in. In words and a chart, at 390 px.
const REPLAY_WORDS = {
  en: {
    more: "2 of last month's 3 logins would have needed another step.",
    impossible: "1 user could not have logged in at all.",
    chart: "Logins per day over the last 30 days, by what the draft would have done",
    show: "Show the 2 users (another step)",
    staged: "Staged policy (report-only)",
  },
  nl: {
    more: "2 van de 3 logins van de afgelopen maand hadden een extra stap nodig gehad.",
    impossible: "1 gebruiker had helemaal niet kunnen inloggen.",
    chart: "Logins per dag over de afgelopen 30 dagen, naar wat het concept had gedaan",
    show: "Toon de 2 gebruikers (extra stap)",
    staged: "Klaargezet beleid (alleen rapporteren)",
  },
};

test("(p) the admin replays a draft policy over last month's logins, in English and Dutch", async () => {
  await withServer(
    async (server, page) => {
      await adminLoggedIn(server, page);
      for (const name of ["rita", "ruud"]) {
        const other = await newPage(browser);
        try {
          await userWithPhone(server, other, name);
          await passwordStep(other, server.url, name, PW);
          await other.getByRole("heading", { name: "You are logged in" }).waitFor();
        } finally {
          await other.context().close();
        }
      }
      for (const lang of ["en", "nl"]) {
        const w = REPLAY_WORDS[lang];
        await page.context().addCookies([{ name: "lang", value: lang, url: server.url }]);
        await page.goto(server.url + "/admin/directories/default/authentication");
        await page.locator("#required-level").waitFor();
        await page.locator("#required-level").fill("30");
        await page.locator("#points-sms").fill("10");
        await page.getByText(w.more).waitFor();
        await page.getByText(w.impossible).waitFor();
        const chart = page.getByRole("img", { name: w.chart });
        await chart.waitFor();
        assert.ok((await chart.locator("rect").count()) >= 2, "bars for today's logins");
        await page.getByRole("button", { name: w.show }).click();
        await page.locator(".replay-users li", { hasText: "rita" }).waitFor();
        await page.locator(".replay-users li", { hasText: "ruud" }).waitFor();
        await page.getByRole("heading", { name: w.staged }).waitFor();
        assert.deepEqual(await accessibilityProblems(page), []);
        await shot(page, `p-replay-${lang}`);
      }
    },
    {},
    { viewport: { width: 390, height: 844 } },
  );
});

// (q): the words of the raised level, per language.
const RISK_WORDS = {
  en: {
    username: "Username",
    password: "Password",
    signIn: "Sign in",
    heading: "Add another method",
    progress: "20 of 40 points",
    reason: "This browser is new to us: 10 points more.",
    sendCode: "Send code",
    codeSent: /Code sent to/,
    verify: "Verify",
    progressAfterSms: "30 of 40 points",
  },
  nl: {
    username: "Gebruikersnaam",
    password: "Wachtwoord",
    signIn: "Inloggen",
    heading: "Voeg nog een methode toe",
    progress: "20 van 40 punten",
    reason: "Deze browser kennen we nog niet: 10 punten extra.",
    sendCode: "Code versturen",
    codeSent: /Code verstuurd naar/,
    verify: "Controleren",
    progressAfterSms: "30 van 40 punten",
  },
};

test("(q) a login from a new browser asks for more and says why, in English and Dutch, at 390 px", async () => {
  await withServer(async (server, page) => {
    // Phone and email: password + SMS + email reach the raised 40.
    const out = await server.cli("admin", "create-user", "rik", "--phone", PHONE, "--email", "rik@example.com");
    await setPasswordByLink(page, server.linkOf(out), PW);
    await server.cli("admin", "set-policy", "--preset", "two-factor", "--risk", "new_browser=10");
    for (const lang of ["en", "nl"]) {
      const w = RISK_WORDS[lang];
      // A browser that has never logged in as rik, on a phone's screen.
      const phone = await newPage(browser, {
        locale: lang === "nl" ? "nl-NL" : "en-GB",
        viewport: { width: 390, height: 844 },
      });
      try {
        await phone.goto(server.url + "/");
        const signIn = phone.getByRole("button", { name: w.signIn, exact: true });
        await signIn.and(phone.locator(":enabled")).waitFor();
        await phone.getByLabel(w.username).fill("rik");
        await phone.getByLabel(w.password, { exact: true }).fill(PW);
        await signIn.click();
        await phone.getByRole("heading", { name: w.heading }).waitFor();
        await phone.locator(".progress-label", { hasText: w.progress }).waitFor();
        await phone.getByText(w.reason).waitFor();
        assert.deepEqual(await accessibilityProblems(phone), []);
        await shot(phone, `q-risk-${lang}`);
        // The SMS code is 30 of 40 now: the login goes on.
        const before = server.sms.messages.length;
        const sms = phone.locator('section.option[data-method="sms"]');
        await sms.getByRole("button", { name: w.sendCode }).click();
        const code = await server.sms.code(PHONE, before);
        await sms.getByLabel(w.codeSent).fill(code);
        await sms.getByRole("button", { name: w.verify }).click();
        await phone.locator(".progress-label", { hasText: w.progressAfterSms }).waitFor();
        assert.deepEqual(phone.problems, [], "the page logged errors");
      } catch (e) {
        await shot(phone, `failed-q-${lang}`).catch(() => {});
        throw e;
      } finally {
        await phone.context().close();
      }
    }
  });
});
