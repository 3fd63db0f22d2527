// API clients in the console (the Integrations page): an admin creates a client with two scopes
// and copies its secret, shown once; the client gets a token from the token URL shown, by the
// client-credentials grant, and may call what its scopes cover and nothing else; a form left
// empty shows the server's errors beside its fields; a deleted client's token stops working at
// once and it gets no new one; and the section fits a phone. Every client made here has this
// run's id in its name, so other tests' clients are left alone.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, checkConsole, screenshot, assertFitsScreen, signIn, stack, runId, nav, adminToken, call, PHONE } from './harness.mjs';

/** `text` as a regular expression matching itself. */
const literal = (text) => new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));

/** The token endpoint's answer to `client_id:secret` by the client-credentials grant. */
async function tokenRequest(tokenUrl, clientId, secret) {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/** A token for the client; fails unless the endpoint gives one. */
async function clientToken(tokenUrl, clientId, secret) {
  const { status, body } = await tokenRequest(tokenUrl, clientId, secret);
  assert.equal(status, 200, `the token request answered ${status}: ${JSON.stringify(body)}`);
  assert.equal(body.token_type, 'Bearer');
  assert.ok(body.access_token, 'an access token');
  assert.ok(body.expires_in > 0, 'an expiry');
  return body.access_token;
}

/** Asserts the endpoint refuses the client: 401 `invalid_client`. */
async function assertRefused(tokenUrl, clientId, secret, why) {
  const { status, body } = await tokenRequest(tokenUrl, clientId, secret);
  assert.equal(status, 401, `${why}: the token request answered ${status}: ${JSON.stringify(body)}`);
  assert.equal(body.error, 'invalid_client', `${why}: ${JSON.stringify(body)}`);
}

/** Opens the Integrations page signed in as the admin, once both its lists are read. */
async function openIntegrations(page, viaNav = true) {
  await signIn(page, stack().admin_email, stack().admin_password);
  if (viaNav) await nav(page, 'Integrations').click();
  else await page.goto(`${stack().console_url}#/admin/integrations`);
  await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'API clients', level: 2 }).waitFor();
  await page.locator('main .loading').waitFor({ state: 'detached' });
  await page.locator('.api-clients-section .paged:not([aria-busy])').waitFor();
  return page.getByRole('region', { name: 'API clients' });
}

describe('API clients', () => {
  const run = runId();
  const name = `ERP ${run}`;
  const openPage = useBrowser();
  let admin;
  let client;

  before(async () => {
    admin = await adminToken();
  });

  it('an admin creates an API client with two scopes and copies its secret, shown once, with which the client gets a token that may read orders and nothing else', async () => {
    const page = await openPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack().console_url).origin });
    const section = await openIntegrations(page);
    await section.getByText('OAuth 2.0 client-credentials grant').waitFor();

    await section.getByRole('button', { name: 'New API client' }).click();
    const form = page.getByRole('form', { name: 'New API client' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    for (const [scope, words] of [['orders:read', 'Read orders'], ['orders:write', 'Confirm, reject and assign orders'], ['catalog:write', 'Change products and price tiers'],
      ['customers:read', 'Read customer accounts'], ['customers:write', 'Create and update customer accounts']]) {
      const box = form.getByRole('checkbox', { name: scope, exact: true });
      assert.equal(await box.isChecked(), false, `${scope} starts unticked`);
      assert.equal((await form.locator(`#${await box.getAttribute('id')}-hint`).textContent()).trim(), words, `${scope} in words`);
    }
    await form.getByRole('checkbox', { name: 'orders:read', exact: true }).check();
    await form.getByRole('checkbox', { name: 'customers:read', exact: true }).check();
    await screenshot(page, 'admin-api-client-new');
    await form.getByRole('button', { name: 'Create API client' }).click();

    const box = page.getByRole('region', { name: `API client ${name} created: its credentials` });
    await box.waitFor();
    await box.getByText('it will not be shown again').waitFor();
    const secret = (await box.locator('code.secret').textContent()).trim();
    const clientId = (await box.locator('code.client-id').textContent()).trim();
    const tokenUrl = (await box.locator('code.token-url').textContent()).trim();
    assert.ok(secret.length >= 20, `a long secret: ${secret}`);
    assert.ok(clientId && clientId !== secret, `a client id: ${clientId}`);
    assert.equal(tokenUrl, stack().token_url ?? `${stack().api_url}/oauth2/token`);
    assert.match(await box.locator('pre').textContent(), /curl .*grant_type=client_credentials/s);
    assert.ok((await box.locator('pre').textContent()).includes(tokenUrl), 'the example posts to the token URL');
    await box.getByRole('button', { name: 'Copy', exact: true }).click();
    await box.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, 'the secret is on the clipboard');

    const row = section.getByRole('row', { name: literal(name) });
    await row.waitFor();
    assert.match(await row.textContent(), literal(clientId));
    assert.deepEqual(await row.locator('td[data-label="Scopes"] li').allTextContents(), ['orders:read', 'customers:read']);
    await screenshot(page, 'admin-api-client-created');
    const listed = (await call(admin, 'GET', '/admin/api-clients')).items.find((c) => c.client_id === clientId);
    assert.ok(listed, 'the client is listed');
    assert.equal(listed.name, name);
    assert.deepEqual([...listed.scopes].sort(), ['customers:read', 'orders:read']);
    assert.equal(listed.client_secret, undefined, 'the list never carries the secret');
    client = { clientId, secret, tokenUrl };

    // The client, with what the page showed: orders yes, webhooks no, a wrong secret no token.
    const token = await clientToken(tokenUrl, clientId, secret);
    const orders = await call(token, 'GET', '/admin/orders', undefined, [200]);
    assert.ok(Array.isArray(orders.items), 'a list of orders');
    await call(token, 'GET', '/admin/webhooks', undefined, [403]);
    await assertRefused(tokenUrl, clientId, `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`, 'a wrong secret');

    // Dismissed, and after a reload the secret is nowhere on the page.
    await box.getByRole('button', { name: 'I have copied it' }).click();
    await box.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'API clients', level: 2 }).waitFor();
    await page.getByRole('row', { name: literal(name) }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret shows again after a reload');
    checkConsole(page);
    await page.context().close();
  });

  it('a name left empty and no scope chosen show the server’s errors beside the fields, and nothing is created', async () => {
    const before = new Set((await call(admin, 'GET', '/admin/api-clients')).items.map((c) => c.client_id));
    const page = await openPage();
    const section = await openIntegrations(page, false);
    await section.getByRole('button', { name: 'New API client' }).click();
    const form = page.getByRole('form', { name: 'New API client' });
    const nameField = form.locator('.field', { has: page.getByLabel('Name', { exact: true }) });
    const scopesError = form.locator('fieldset.scopes > .field-error');
    const sent = () => page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/admin/api-clients'));

    page.expectConsoleError(/400/);
    let answer = sent();
    await form.getByRole('button', { name: 'Create API client' }).click();
    let response = await answer;
    assert.equal(response.status(), 400);
    let problem = await response.json();
    const nameError = problem.errors.find((e) => e.field === 'name');
    const scopeError = problem.errors.find((e) => /^scopes(\[\d+\])?$/.test(e.field));
    assert.ok(nameError && scopeError, `errors for the name and the scopes: ${JSON.stringify(problem)}`);
    await nameField.locator('.field-error', { hasText: nameError.message }).waitFor();
    assert.equal(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
    await scopesError.filter({ hasText: scopeError.message }).waitFor();
    assert.equal(await form.locator('fieldset.scopes').getAttribute('aria-invalid'), 'true');
    await form.getByRole('alert').filter({ hasText: 'Check the fields marked below.' }).waitFor();
    await screenshot(page, 'admin-api-client-refused');

    // Named, still without a scope: only the scopes are wrong now.
    const named = `Nothing ${run}`;
    await form.getByLabel('Name', { exact: true }).fill(named);
    answer = sent();
    await form.getByRole('button', { name: 'Create API client' }).click();
    response = await answer;
    assert.equal(response.status(), 400);
    problem = await response.json();
    assert.ok(!problem.errors.some((e) => e.field === 'name'), `no error for the name: ${JSON.stringify(problem)}`);
    await scopesError.filter({ hasText: problem.errors.find((e) => /^scopes/.test(e.field)).message }).waitFor();
    assert.equal(await nameField.locator('.field-error').isHidden(), true, 'the name’s error is gone');
    assert.equal(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), null);

    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
    const made = (await call(admin, 'GET', '/admin/api-clients')).items
      .filter((c) => !before.has(c.client_id) && (c.name === named || !c.name.trim()));
    assert.deepEqual(made, [], 'a client was created');
    assert.equal(await section.getByRole('row', { name: literal(named) }).count(), 0);
    checkConsole(page);
    await page.context().close();
  });

  it('an admin deletes the client: its row goes, the token it had is refused at once and it gets no new one', async (t) => {
    if (!client) return t.skip('no client was created');
    const { clientId, secret, tokenUrl } = client;
    const token = await clientToken(tokenUrl, clientId, secret);
    await call(token, 'GET', '/admin/orders', undefined, [200]);

    const page = await openPage();
    const section = await openIntegrations(page, false);
    const row = section.getByRole('row', { name: literal(name) });
    await row.getByRole('button', { name: `Delete… ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete the API client ${name}?` });
    await dialog.getByText('Its tokens stop working at once').waitFor();
    await screenshot(page, 'admin-api-client-delete');
    // Cancelled first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await call(token, 'GET', '/admin/orders', undefined, [200]);

    await row.getByRole('button', { name: `Delete… ${name}` }).click();
    await dialog.getByRole('button', { name: 'Delete API client' }).click();
    await page.getByText(`The API client ${name} is deleted`).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.locator('.api-clients-section .paged:not([aria-busy])').waitFor();
    assert.equal(await section.getByRole('row', { name: literal(name) }).count(), 0);
    assert.ok(!(await call(admin, 'GET', '/admin/api-clients')).items.some((c) => c.client_id === clientId), 'the client is still listed');

    await call(token, 'GET', '/admin/orders', undefined, [401]);
    await assertRefused(tokenUrl, clientId, secret, 'a deleted client');
    checkConsole(page);
    await page.context().close();
  });

  it('the section is usable on a 390 px wide phone: the list, the form and the new credentials fit the screen', async () => {
    const listedName = `Warehouse ${run} with a rather long name for a phone`;
    const listed = await call(admin, 'POST', '/admin/api-clients', { name: listedName, scopes: ['orders:read', 'orders:write', 'catalog:write', 'customers:read', 'customers:write'] });
    const phone = await openPage({ viewport: PHONE });
    const section = await openIntegrations(phone, false);
    await section.getByRole('row', { name: literal(listedName) }).waitFor();
    await assertFitsScreen(phone, 'admin-api-clients-phone');
    await section.getByRole('heading', { name: 'API clients' }).scrollIntoViewIfNeeded();
    await screenshot(phone, 'admin-api-clients-phone');

    await section.getByRole('button', { name: 'New API client' }).click();
    const form = phone.getByRole('form', { name: 'New API client' });
    const phoneName = `Phone ${run}`;
    await form.getByLabel('Name', { exact: true }).fill(phoneName);
    await form.getByRole('checkbox', { name: 'catalog:write', exact: true }).check();
    await assertFitsScreen(phone, 'admin-api-client-new-phone');
    await screenshot(phone, 'admin-api-client-new-phone');
    await form.getByRole('button', { name: 'Create API client' }).click();
    const box = phone.getByRole('region', { name: `API client ${phoneName} created: its credentials` });
    await box.waitFor();
    await assertFitsScreen(phone, 'admin-api-client-created-phone');
    await screenshot(phone, 'admin-api-client-created-phone');
    await box.getByRole('button', { name: 'I have copied it' }).click();

    // Deleted from its card, as on a desktop.
    const row = section.getByRole('row', { name: literal(phoneName) });
    await row.getByRole('button', { name: `Delete… ${phoneName}` }).click();
    await phone.getByRole('dialog', { name: `Delete the API client ${phoneName}?` }).getByRole('button', { name: 'Delete API client' }).click();
    await row.waitFor({ state: 'detached' });
    await assertFitsScreen(phone, 'admin-api-clients-phone-after-delete');
    checkConsole(phone);
    await phone.context().close();
    await call(admin, 'DELETE', `/admin/api-clients/${listed.client_id}`);
  });
});
