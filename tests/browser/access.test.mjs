// Signing in and who may open what, in a real browser: a wrong password is said in words, an
// expired session asks to sign in again and comes back, a customer cannot open admin pages,
// and signing in and moving around works with the keyboard alone.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, checkConsole, screenshot, signIn, stack, runId, nav, adminToken, call, customerWithLogin, openMail, TIMEOUT,
} from './harness.mjs';

describe('signing in and access', () => {
  const run = runId();
  const openPage = useBrowser();
  let admin;
  let buyer;

  before(async () => {
    admin = await adminToken();
    buyer = await customerWithLogin(admin, run);
  });

  it('says in words that the password is wrong and stays on the sign-in page', async () => {
    const page = await openPage();
    // Cognito answers a wrong password with a 400, which Chromium logs as a failed load.
    page.expectConsoleError(/status of 400/);
    await page.goto(`${stack().console_url}#/sign-in`);
    await page.getByLabel('Email address').fill(buyer.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('Not-the-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /The email address or password is not right\./);
    assert.match(page.url(), /#\/sign-in$/);
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    await screenshot(page, 'sign-in-wrong-password');
    checkConsole(page);
    await page.context().close();
  });

  it('makes a person with an emailed temporary password choose a new one, then signs them in', async () => {
    const email = `temp-${run}@browser.orderdesk.example`;
    await call(admin, 'POST', `/admin/customers/${buyer.customer.customer_id}/logins`, { name: 'Tom Temp', email, mode: 'temporary_password' });
    const page = await openPage();
    const card = await openMail(page, email, /your login/);
    const temporary = (await card.frameLocator('iframe').locator('code').textContent()).trim();

    await page.goto(`${stack().console_url}#/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(temporary);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(`Chosen-${run}-Pass7`);
    await page.getByLabel('Repeat the new password').fill(`Chosen-${run}-Pass7`);
    await screenshot(page, 'sign-in-new-password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await page.getByText(`Ordering for ${buyer.customer.name}`).waitFor();
    checkConsole(page);
    await page.context().close();
  });

  it('confirms a new sign-in email from the link in its email, then signs in with it', async () => {
    const login = await customerWithLogin(admin, `${run}e`);
    const address = `moved-${run}@browser.orderdesk.example`;
    await call(admin, 'PATCH', `/admin/logins/${login.login.login_id}`, { email: address });
    const page = await openPage();
    const card = await openMail(page, address, /confirm your new email address/);
    const [confirm] = await Promise.all([
      page.context().waitForEvent('page'),
      card.frameLocator('iframe').getByRole('link', { name: /#\/email-change\// }).click(),
    ]);
    await confirm.getByRole('heading', { name: 'Confirm your new email address' }).waitFor();
    await screenshot(confirm, 'portal-email-change');
    await confirm.getByRole('button', { name: 'Confirm my new email address' }).click();
    await confirm.getByText(`From now on, sign in with ${address}.`).waitFor();
    await confirm.getByRole('link', { name: 'Sign in' }).click();
    assert.equal(await confirm.getByLabel('Email address').inputValue(), address);
    await confirm.getByRole('textbox', { name: 'Password', exact: true }).fill(login.password);
    await confirm.getByRole('button', { name: 'Sign in' }).click();
    await confirm.getByRole('heading', { name: 'Catalogue' }).waitFor();
    checkConsole(page);
    await page.context().close();
  });

  it('resets a forgotten password from the emailed link, signs in with it, and the link works once', async () => {
    const login = await customerWithLogin(admin, `${run}f`);
    const page = await openPage();
    await page.goto(`${stack().console_url}#/sign-in`);
    await page.getByLabel('Email address').fill(login.email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    assert.equal(await page.getByLabel('Email address').inputValue(), login.email, 'the address typed goes along');
    await screenshot(page, 'portal-forgot-password');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText(`If ${login.email} is the address of a login`).waitFor();

    const mailbox = await openPage();
    const card = await openMail(mailbox, login.email, /choose a new password/);
    const [reset] = await Promise.all([
      mailbox.context().waitForEvent('page'),
      card.frameLocator('iframe').getByRole('link', { name: /#\/reset\// }).click(),
    ]);
    const link = reset.url();
    await reset.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    assert.equal(await reset.getByLabel('Email address').inputValue(), login.email);
    await reset.getByLabel('New password', { exact: true }).fill('short');
    await reset.getByRole('button', { name: 'Set password and sign in' }).click();
    await reset.getByText('needs at least 10 characters', { exact: false }).first().waitFor();
    const chosen = `Reset-${run}-Pass9`;
    await reset.getByLabel('New password', { exact: true }).fill(chosen);
    await reset.getByLabel('Repeat the new password').fill(chosen);
    await screenshot(reset, 'portal-reset-password');
    await reset.getByRole('button', { name: 'Set password and sign in' }).click();
    await reset.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await reset.getByText('Your new password is set.').waitFor();

    await reset.getByRole('button', { name: 'Sign out' }).click();
    reset.expectConsoleError(/status of 410/);
    await reset.goto(link);
    await reset.getByText('This link has already been used or has expired.').waitFor();
    reset.expectConsoleError(/status of 400/);
    await reset.goto(`${stack().console_url}#/sign-in`);
    await reset.getByLabel('Email address').fill(login.email);
    await reset.getByRole('textbox', { name: 'Password', exact: true }).fill(login.password);
    await reset.getByRole('button', { name: 'Sign in' }).click();
    await reset.getByRole('alert').waitFor();
    await signIn(reset, login.email, chosen);
    checkConsole(page, reset);
    await page.context().close();
    await mailbox.context().close();
  });

  it('lets a buyer change its own name and password on the account page', async () => {
    const login = await customerWithLogin(admin, `${run}a`);
    const page = await openPage();
    await signIn(page, login.email, login.password);
    await nav(page, 'Account').click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByLabel('Your name').fill(`Renamed ${run}`);
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Your name is saved.').waitFor();
    assert.equal(await page.getByLabel('Your name').inputValue(), `Renamed ${run}`);

    const password = page.getByRole('form', { name: 'Change your password' });
    page.expectConsoleError(/status of 400/);
    await password.getByLabel('Current password').fill('Not-the-passw0rd');
    await password.getByLabel('New password', { exact: true }).fill(`Changed-${run}-Pass3`);
    await password.getByLabel('Repeat the new password').fill(`Changed-${run}-Pass3`);
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('is not this login', { exact: false }).waitFor();
    await password.getByLabel('Current password').fill(login.password);
    await screenshot(page, 'portal-account-edit');
    await password.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.', { exact: false }).waitFor();
    await nav(page, 'Catalogue').click();
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, login.email, `Changed-${run}-Pass3`);
    checkConsole(page);
    await page.context().close();
  });

  it('asks to sign in again when the session has expired, then returns to the page', async () => {
    const page = await openPage();
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Products').click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();

    // An hour later the ID token has run out, and its refresh token was revoked meanwhile.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('orderdesk.session'));
      localStorage.setItem('orderdesk.session', JSON.stringify({ ...session, expiresAt: 0, refreshToken: 'revoked' }));
    });
    page.expectConsoleError(/status of 400/);
    await nav(page, 'Price tiers').click();

    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session has expired. Please sign in again.').waitFor();
    assert.equal(await page.getByLabel('Email address').inputValue(), stack().admin_email, 'the email is kept');
    const password = page.getByRole('textbox', { name: 'Password', exact: true });
    await password.fill(stack().admin_password);
    await page.getByRole('button', { name: 'Show password' }).click();
    assert.equal(await password.getAttribute('type'), 'text', 'the password can be shown');
    await screenshot(page, 'sign-in-session-expired');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Price tiers' }).waitFor();
    assert.match(page.url(), /#\/admin\/price-tiers$/);
    checkConsole(page);
    await page.context().close();
  });

  it('keeps a customer out of the admin pages', async () => {
    const page = await openPage();
    await signIn(page, buyer.email, buyer.password);
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    assert.equal(await nav(page, 'Customers').count(), 0, 'no admin links for a customer');

    for (const route of ['#/admin/customers', `#/admin/customers/${buyer.customer.customer_id}`, '#/admin/orders', '#/admin/audit']) {
      await page.goto(`${stack().console_url}${route}`);
      await page.getByRole('heading', { name: 'This page is for the seller’s staff' }).waitFor();
      assert.equal(await page.getByText(buyer.customer.email).count(), 0, `${route} shows no admin data`);
    }
    await screenshot(page, 'portal-admin-page-refused');
    checkConsole(page);
    await page.context().close();
  });

  it('lets a person sign in and open a page with the keyboard alone', async () => {
    const page = await openPage();
    await page.goto(`${stack().console_url}#/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.keyboard.type(buyer.email); // the email field has the focus
    await page.keyboard.press('Tab');
    await page.keyboard.type(buyer.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();

    // The focus is on the page's heading; the navigation is above it.
    const target = nav(page, 'My orders');
    let reached = false;
    for (let i = 0; i < 10 && !reached; i += 1) {
      await page.keyboard.press('Shift+Tab');
      reached = await target.evaluate((el) => el === document.activeElement);
    }
    assert.ok(reached, '“My orders” is reachable with the keyboard');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My orders' }).waitFor({ timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'the new page’s heading has the focus');
    checkConsole(page);
    await page.context().close();
  });
});
