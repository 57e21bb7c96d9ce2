// What every browser test needs: the real `authlevel` binary on a free port
// with a fresh SQLite file, a receiver for its SMS webhook, headless
// Chromium (Debian's, through playwright-core), and the few UI steps that
// many scenarios share. Paths come from scripts/test-browser:
//   AUTHLEVEL_BIN   the server binary
//   AUTHLEVEL_DIST  the built login page (dist/)
//   CHROMIUM        the browser (default /usr/bin/chromium)

import { spawn, execFile } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.AUTHLEVEL_BIN;
const DIST = process.env.AUTHLEVEL_DIST;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
if (!BIN || !DIST) {
  throw new Error("set AUTHLEVEL_BIN and AUTHLEVEL_DIST (scripts/test-browser does)");
}

export const SCREENSHOTS = join(here, "screenshots");

// A port below the kernel's ephemeral range (32768–60999), never the same
// twice in one run: a port from listen(0) is free only until it is closed,
// and Chromium's and Node's own connections take ports of that range in the
// meantime. The e2e harness takes 20000–31999; this takes 14000–19999, so
// the two never meet.
let nextPort = 14000 + (process.pid % 3000);
function freePort() {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const s = createNetServer();
      s.once("error", () => resolve(null));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(port)));
    });
  return (async () => {
    for (;;) {
      const port = nextPort;
      nextPort = nextPort >= 19999 ? 14000 : nextPort + 1;
      if ((await tryPort(port)) !== null) return port;
    }
  })();
}

// A stand-in SMS gateway: keeps every `{to, message}` posted to /sms.
export async function smsReceiver() {
  const messages = [];
  const waiting = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        const msg = JSON.parse(body);
        msg.authorization = req.headers.authorization;
        messages.push(msg);
        waiting.splice(0).forEach((w) => w());
      } catch {
        res.statusCode = 400;
      }
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/sms`,
    messages,
    // The code of the next code message to `to` after the first `after`
    // messages (a code message starts with its 6 digits).
    async code(to, after = 0, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Notices (such as "your password was changed") carry no code.
        const m = messages.slice(after).find((m) => m.to === to && /^\d{6}\b/.test(m.message));
        if (m) return m.message.slice(0, 6);
        if (Date.now() > deadline) throw new Error(`no SMS to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => {
          waiting.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

// Starts the server with its own database; answers its URL, the first
// admin's setup link, a `cli(...args)` that runs `authlevel` on the same
// database, and `stop()`. `settings`: more AUTHLEVEL_* variables.
export async function startServer(settings = {}) {
  const dir = await mkdtemp(join(tmpdir(), "authlevel-browser-"));
  const sms = await smsReceiver();
  const port = await freePort();
  const url = `http://localhost:${port}`;
  // The server refuses unknown AUTHLEVEL_* settings: pass on none but ours.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AUTHLEVEL_")),
  );
  const env = {
    ...inherited,
    AUTHLEVEL_LISTEN: `127.0.0.1:${port}`,
    AUTHLEVEL_PUBLIC_URL: url,
    AUTHLEVEL_DATABASE_URL: `sqlite://${join(dir, "authlevel.db")}`,
    AUTHLEVEL_KEY_FILE: join(dir, "key"),
    AUTHLEVEL_STATIC_DIR: DIST,
    AUTHLEVEL_DEV: "true",
    AUTHLEVEL_SMS_DELIVERY: "webhook",
    AUTHLEVEL_SMS_WEBHOOK_URL: sms.url,
    AUTHLEVEL_SMS_WEBHOOK_TOKEN: "browser-test",
    RUST_LOG: process.env.RUST_LOG || "warn",
    ...settings,
  };
  const child = spawn(BIN, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr.on("data", (d) => (output += d));
  const setupLink = await new Promise((resolve, reject) => {
    let link = null;
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
    child.stdout.on("data", (d) => {
      output += d;
      const m = /(http\S+\/setup#token=\S+)/.exec(output);
      if (m) link = m[1];
      if (/listening on/.test(output) && link) {
        clearTimeout(timer);
        resolve(link);
      }
    });
  });
  const run = promisify(execFile);
  return {
    url,
    sms,
    setupLink,
    output: () => output,
    async cli(...args) {
      const { stdout } = await run(BIN, args, { env });
      return stdout;
    },
    // The setup link in what `authlevel admin create-user|invite` printed.
    linkOf(stdout) {
      const m = /(http\S+\/setup#token=\S+)/.exec(stdout);
      if (!m) throw new Error(`no setup link in: ${stdout}`);
      return m[1];
    },
    async stop() {
      child.removeAllListeners("exit");
      child.kill("SIGTERM");
      await sms.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

// A page that fails the test on any console error or uncaught exception
// (a CSP violation shows up as a console error). `options`: more of the
// browser context's (its `locale`, which sets navigator.languages and
// Accept-Language; another `viewport`).
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 420, height: 900 }, ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // 4xx answers the page handles show up as failed loads; they are expected.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  page.setDefaultTimeout(10_000);
  return page;
}

// Sets a password through a setup link, and finishes.
export async function setPasswordByLink(page, link, password, { finish = true } = {}) {
  await page.goto(link);
  await page.getByRole("heading", { name: "Set up your account" }).waitFor();
  await page.getByLabel("New password").fill(password);
  await page.getByLabel("Type it again").fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
  await page.getByText("Your password is set.").waitFor();
  if (finish) {
    await page.getByRole("button", { name: "Finish" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  }
}

// The password step on the login page.
export async function passwordStep(page, url, username, password) {
  await page.goto(url + "/");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

// What a screenshot must not show (SECURITY 31: no code or secret in a
// snapshot, even a test server's): a typed code, recovery codes, an
// authenticator app's key and QR code, a setup link, a client secret. Each
// is painted over as a grey box while the screenshot is taken, through the
// CSSOM (the page's CSP refuses a style sheet, and Playwright's `mask` puts
// its boxes in the wrong place on a full-page screenshot).
const SECRETS = [
  ".code-form input",
  ".recovery-codes",
  "code.secret",
  ".qr",
  "#setup-link",
  "#client-secret",
  "#app-pair-link",
].join(", ");

async function coverSecrets(page, cover) {
  await page.evaluate(
    ([selector, cover]) => {
      for (const el of document.querySelectorAll(selector)) {
        for (const e of [el, ...el.querySelectorAll("*")]) {
          if (cover) {
            e.style.setProperty("color", "transparent", "important");
            e.style.setProperty("background", "#6b7280", "important");
            e.style.setProperty("fill", "#6b7280", "important");
            e.style.setProperty("stroke", "#6b7280", "important");
          } else {
            for (const p of ["color", "background", "fill", "stroke"]) e.style.removeProperty(p);
          }
        }
      }
    },
    [SECRETS, cover],
  );
}

export async function shot(page, name, { fullPage = true } = {}) {
  await coverSecrets(page, true);
  try {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
  } finally {
    await coverSecrets(page, false);
  }
}

// One server and one page per test, stopped whatever happens; the test
// fails when the page logged an error. `settings`: more AUTHLEVEL_*
// variables; `options`: the page's (see newPage).
export async function withServer(browser, fn, settings, options) {
  const server = await startServer(settings);
  const page = await newPage(browser, options);
  try {
    await fn(server, page);
    assert.deepEqual(page.problems, [], "the page logged errors");
  } catch (e) {
    await shot(page, `failed-${Date.now()}`).catch(() => {});
    throw e;
  } finally {
    await page.context().close();
    await server.stop();
  }
}

// The WCAG 2.1 A and AA violations axe-core finds on the page as it is,
// as "rule: target" lines (none is a pass). axe runs in the page through
// the DevTools protocol, which the page's CSP does not govern.
let axeSource;
export async function accessibilityProblems(page) {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return violations.flatMap((v) => v.targets.map((t) => `${v.id}: ${t}`));
}
