// What every browser test needs: the local stack (from ORDERDESK_STACK), Debian's Chromium
// driven by playwright-core, pages that fail the test on any console error, screenshots
// under target/screenshots/, and a few API calls for setting up what a test is not about.

import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(process.env.PLAYWRIGHT_PREFIX || path.join(ROOT, '.local/node'), 'node_modules/'));
const { chromium } = require('playwright-core');

export const SCREENSHOTS = path.join(ROOT, 'target/screenshots');
/** How long a step may wait for the page (the machine is small and shared). */
export const TIMEOUT = Number(process.env.BROWSER_TIMEOUT_MS || 15_000);

/** The stack file `local/stack.py test` wrote. */
export function stack() {
  const file = process.env.ORDERDESK_STACK || path.join(ROOT, '.local/stack.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`no local stack at ${file} (${error.message}): run the browser tests with \`make test\``);
  }
}

/** A word unique to this run, for names that searches must find alone. */
export const runId = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** The viewports the portal is laid out for: a desktop and a phone (an iPhone 12's CSS pixels). */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * A page in a fresh browser context (its own storage: one person), at `viewport` (a phone's
 * also touch and mobile). Every console error and uncaught exception is collected;
 * `checkConsole(page)` fails the test on any that the test did not say it expects with
 * `page.expectConsoleError(regex)`.
 */
export async function newPage(browser, { viewport = DESKTOP } = {}) {
  const phone = viewport.width < 700;
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  watchConsole(page);
  context.on('page', (p) => watchConsole(p));
  return page;
}

/**
 * Chromium for the tests of the enclosing `describe`: launched before them, closed after them.
 * Returns a function that opens a page in a fresh browser context (see `newPage`).
 */
export function useBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(() => browser?.close());
  return (options) => newPage(browser, options);
}

/** Waits until a list searched as you type has its answer (its rows are about to be replaced till then). */
export async function listSettled(page) {
  await page.locator('.paged:not([aria-busy])').waitFor();
}

/**
 * Fails if the page is wider than its viewport (it would scroll sideways), naming the outermost
 * elements that stick out. Measured against the viewport asked for: a mobile browser widens
 * `innerWidth` to fit content that overflows, which would hide the overflow.
 */
export async function assertFitsScreen(page, name = page.url()) {
  const width = page.viewportSize().width;
  const { scrollWidth, innerWidth, wide } = await page.evaluate((screen) => {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.getBoundingClientRect().right > screen + 0.5 && !(el.parentElement?.getBoundingClientRect().right > screen + 0.5)) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide: out.slice(0, 5) };
  }, width);
  assert.ok(scrollWidth <= width && innerWidth <= width,
    `${name} is ${scrollWidth} px wide on a ${width} px screen; sticking out: ${wide.join(', ')}`);
}

/** Fails unless `locator`, scrolled to, lies wholly inside the viewport (none of it off to a side). */
export async function assertOnScreen(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  const { width, height } = locator.page().viewportSize();
  assert.ok(box, `${what} is not shown`);
  assert.ok(box.x >= 0 && box.x + box.width <= width + 0.5, `${what} is off the screen sideways (x ${box.x}, width ${box.width}, screen ${width})`);
  assert.ok(box.y >= 0 && box.y + box.height <= height + 0.5, `${what} is off the screen (y ${box.y}, height ${box.height}, screen ${height})`);
}

function watchConsole(page) {
  page.consoleErrors = [];
  page.expectedErrors = [];
  page.expectConsoleError = (pattern) => page.expectedErrors.push(pattern);
  page.on('console', (message) => {
    if (message.type() === 'error') page.consoleErrors.push(`${message.text()} (${message.location().url || page.url()})`);
  });
  page.on('pageerror', (error) => page.consoleErrors.push(`uncaught: ${error.message}`));
}

/** Fails if `page` (or a page its context opened) logged an error the test did not expect. */
export function checkConsole(...pages) {
  const unexpected = [];
  for (const page of pages) {
    for (const p of page.context().pages()) {
      const expected = [...page.expectedErrors, ...(p.expectedErrors || [])];
      unexpected.push(...(p.consoleErrors || []).filter((e) => !expected.some((re) => re.test(e))));
    }
  }
  for (const page of pages) {
    page.expectedErrors = [];
    for (const p of page.context().pages()) p.consoleErrors = [];
  }
  assert.deepEqual(unexpected, [], 'the browser console shows errors');
}

/**
 * Writes `target/screenshots/<name>.png` (the whole page), after checking the page the way
 * assistive technology meets it (see `checkAccessible`).
 */
export async function screenshot(page, name) {
  await checkAccessible(page, name);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Fails unless every visible form control has a label, every button and link has a name,
 * the page has one h1, and the document names its language.
 */
export async function checkAccessible(page, name = page.url()) {
  const problems = await page.evaluate(() => {
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const describe = (el) => el.outerHTML.slice(0, 120);
    const found = [];
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      if (!visible(el)) continue;
      const labelled = el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!labelled) found.push(`unlabelled control ${describe(el)}`);
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (!visible(el)) continue;
      if (!(el.textContent.trim() || el.getAttribute('aria-label'))) found.push(`nameless ${describe(el)}`);
    }
    if (document.querySelectorAll('main h1').length !== 1 && document.querySelector('main')) found.push('the page has not exactly one h1');
    if (!document.documentElement.lang) found.push('no lang on <html>');
    return found;
  });
  assert.deepEqual(problems, [], `accessibility problems on ${name}`);
}

/** A link of the main navigation. */
export const nav = (page, name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: typeof name === 'string' });

/** Signs in through the console's form; resolves once the signed-in page shows. */
export async function signIn(page, email, password) {
  await page.goto(`${stack().console_url}#/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * Opens the development mailbox in `page` and waits for an email to `to` whose subject
 * matches `subject`; resolves to its card (the body is in the card's frame).
 */
export async function openMail(page, to, subject = /./) {
  await page.goto(`${stack().api_url}/dev/mailbox`);
  const card = page.locator('article', { hasText: to }).filter({ has: page.getByRole('heading', { name: subject }) }).first();
  // The notifier sends from the table's stream: an email arrives within a few seconds.
  for (let tries = 0; !(await card.count()) && tries < 40; tries += 1) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await card.waitFor();
  return card;
}

// ---- set-up through the API (for what a test is not about) --------------------------------

/** An ID token for `email`, from moto's Cognito as the console gets one. */
export async function idToken(email, password) {
  const s = stack();
  const response = await fetch(`${s.aws_endpoint}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: s.user_pool_client_id, AuthParameters: { USERNAME: email, PASSWORD: password } }),
  });
  const body = await response.json();
  assert.ok(body.AuthenticationResult, `sign-in of ${email} failed: ${JSON.stringify(body)}`);
  return body.AuthenticationResult.IdToken;
}

/** The demo admin's ID token. */
export const adminToken = () => idToken(stack().admin_email, stack().admin_password);

/** One API call with a token; asserts the expected status and returns the JSON body. */
export async function call(token, method, route, body, expected = [200, 201, 202, 204]) {
  const response = await fetch(`${stack().api_url}${route}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(expected.includes(response.status), `${method} ${route} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A customer account with ordering on and one login whose password is set. */
export async function customerWithLogin(adminToken, tag) {
  const customer = await call(adminToken, 'POST', '/admin/customers', {
    name: `Browser Test ${tag}`,
    email: `buyer-${tag}@browser.orderdesk.example`,
    ordering_enabled: true,
  });
  const email = `login-${tag}@browser.orderdesk.example`;
  const password = `Browser-${tag}-Pass1`;
  const login = await call(adminToken, 'POST', `/admin/customers/${customer.customer_id}/logins`, {
    name: `Login ${tag}`, email, mode: 'password', password,
  });
  return { customer, login, email, password };
}
