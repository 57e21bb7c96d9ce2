// Time from navigation to a visible username field on the login page, in
// headless Debian Chromium, median of 3 fresh pages. Prints milliseconds.
// Uses playwright-core installed for the browser tests (tests/browser).
import { createRequire } from 'node:module';
const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const times = [];
for (let i = 0; i < 3; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const start = performance.now();
  await page.goto(url);
  await page.waitForSelector('input[autocomplete^="username"]', { state: 'visible' });
  times.push(performance.now() - start);
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(times[1].toFixed(0));
