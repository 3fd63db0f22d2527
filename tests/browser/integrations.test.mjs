// Webhooks in the console: an admin creates a webhook to a receiver on loopback (the local stack
// allows http there) and copies its secret, shown once; a test event arrives signed with that
// secret and shows as succeeded in the delivery log; a failing receiver's delivery waits as
// pending and a retry by hand delivers it; the webhook is disabled, enabled, reloaded after a
// change made meanwhile, edited, given a new secret (the old one signing beside it) and deleted;
// an address inside a private network is refused beside the URL field; desktop and phone fit; a
// webhook disabled after days of failures says so.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { useBrowser, checkConsole, screenshot, assertFitsScreen, signIn, stack, runId, nav, adminToken, call, PHONE } from './harness.mjs';

/** A webhook receiver on 127.0.0.1 that records every request and answers `status`. */
function receiver() {
  const got = [];
  const state = { status: 200 };
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      got.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(state.status, { 'Content-Type': 'text/plain' });
      response.end(state.status === 200 ? 'ok' : 'broken');
    });
  });
  return {
    got,
    state,
    start: () => new Promise((resolve) => { server.listen(0, '127.0.0.1', () => resolve(server.address().port)); }),
    stop: () => new Promise((resolve) => { server.close(resolve); }),
  };
}

/** The Standard Webhooks signature of a delivery with `secret` (`whsec_` + base64 key). */
function sign(secret, id, timestamp, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Waits for the receiver's `n`th `webhook.test` POST (1-based) and returns it. */
async function nthTest(rx, n) {
  for (let tries = 0; tries < 40; tries += 1) {
    const tests = rx.got.filter((r) => r.method === 'POST' && JSON.parse(r.body || '{}').type === 'webhook.test');
    if (tests.length >= n) return tests[n - 1];
    await new Promise((resolve) => { setTimeout(resolve, 250); });
  }
  assert.fail(`the receiver got no test event number ${n}: ${rx.got.length} requests`);
}

/** Asserts `request` is signed as Standard Webhooks say with `secret`. */
function assertSigned(request, secret) {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signatures = String(request.headers['webhook-signature'] || '').split(' ');
  assert.ok(id, 'a webhook-id header');
  assert.match(timestamp, /^\d+$/, 'a webhook-timestamp of Unix seconds');
  assert.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 120, 'a timestamp of now');
  assert.equal(JSON.parse(request.body).id, id, 'the webhook-id is the event id');
  assert.ok(signatures.includes(sign(secret, id, timestamp, request.body)),
    `a signature with the secret shown among ${request.headers['webhook-signature']}`);
  return signatures;
}

describe('integrations', () => {
  const run = runId();
  const openPage = useBrowser();
  const rx = receiver();
  const description = `Receiver ${run}`;
  let url;
  let admin;
  let webhookId;

  before(async () => {
    const port = await rx.start();
    url = `http://127.0.0.1:${port}/hooks/${run}`;
    admin = await adminToken();
  });
  after(() => rx.stop());

  it('creates a webhook, delivers a signed test event, retries a failed delivery, and edits, disables and rotates the webhook', async () => {
    const page = await openPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack().console_url).origin });
    await signIn(page, stack().admin_email, stack().admin_password);
    await nav(page, 'Integrations').click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await page.locator('main .loading').waitFor({ state: 'detached' });

    // An address inside a private network is refused, in the server's words beside the URL.
    await page.getByRole('button', { name: 'New webhook' }).click();
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Endpoint URL').fill('https://10.0.0.1/x');
    await form.getByLabel('Description').fill(description);
    await form.getByRole('button', { name: 'all order events' }).click();
    await form.getByLabel('customer.created').check();
    page.expectConsoleError(/400/);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const urlField = form.locator('.field', { has: page.getByLabel('Endpoint URL') });
    await urlField.locator('.field-error', { hasText: '10.0.0.1' }).waitFor();
    assert.equal(await form.getByLabel('Endpoint URL').getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'admin-webhook-refused-url');

    await form.getByLabel('Endpoint URL').fill(url);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const box = page.getByRole('region', { name: 'Webhook created: its signing secret' });
    await box.waitFor();
    await box.getByText('it will not be shown again').waitFor();
    const secret = (await box.locator('code.secret').textContent()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
    await box.getByRole('button', { name: 'Copy', exact: true }).click();
    await box.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, 'the secret is on the clipboard');

    const row = page.getByRole('row', { name: new RegExp(url.replace(/[./]/g, '\\$&')) });
    await row.waitFor();
    assert.match(await row.textContent(), /Enabled/);
    assert.match(await row.textContent(), /order\.requested.*customer\.created/);
    await screenshot(page, 'admin-integrations');
    const listed = (await call(admin, 'GET', '/admin/webhooks')).items.find((w) => w.url === url);
    webhookId = listed.webhook_id;
    assert.equal(listed.secret, undefined, 'the list never carries the secret');
    assert.deepEqual([...listed.events].sort(), ['customer.created', 'order.assigned', 'order.cancelled', 'order.confirmed', 'order.rejected', 'order.requested', 'order.updated']);

    // The secret is shown once: the webhook's own page does not have it.
    await box.getByRole('link', { name: 'Open the webhook to send a test event' }).click();
    await page.getByRole('heading', { name: description, level: 1 }).waitFor();
    assert.ok(!(await page.locator('main').textContent()).includes(secret), 'the secret shows again');
    await page.getByText('No deliveries yet').waitFor();

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: 'The test event was delivered: the receiver answered 200.' }).waitFor();
    const first = page.locator('table.deliveries tbody tr').first();
    assert.match(await first.locator('td[data-label="Status"]').textContent(), /^Succeeded$/);
    assert.equal((await first.locator('td[data-label="Last code"]').textContent()).trim(), '200');
    assert.match(await first.locator('td[data-label="Event"]').textContent(), /webhook\.test/);
    const delivered = await nthTest(rx, 1);
    assert.equal(delivered.url, `/hooks/${run}`);
    assert.equal(JSON.parse(delivered.body).type, 'webhook.test');
    assertSigned(delivered, secret);

    // A failing receiver: the delivery waits for its next attempt; Retry delivers it now.
    rx.state.status = 500;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: 'The test event was not delivered (the receiver answered 500)' }).waitFor();
    assert.match(await first.locator('td[data-label="Status"]').textContent(), /^Pending$/);
    assert.equal((await first.locator('td[data-label="Last code"]').textContent()).trim(), '500');
    assert.notEqual((await first.locator('td[data-label="Next attempt"]').textContent()).trim(), '—');
    const failing = page.getByRole('note').filter({ hasText: 'Every delivery has failed since' });
    await failing.waitFor();
    rx.state.status = 200;
    await first.getByRole('button', { name: /^Retry the webhook\.test delivery/ }).click();
    await page.getByRole('status').filter({ hasText: 'The retry was delivered: the receiver answered 200.' }).waitFor();
    assert.match(await first.locator('td[data-label="Status"]').textContent(), /^Succeeded$/);
    await failing.waitFor({ state: 'detached' });
    await first.getByText('2 attempts').click();
    const log = first.locator('ol.attempt-log li');
    assert.equal(await log.count(), 2);
    assert.match(await log.nth(0).textContent(), /HTTP 200 · \d+ ms/);
    assert.match(await log.nth(1).textContent(), /HTTP 500 · \d+ ms/);
    await screenshot(page, 'admin-webhook');

    // Disabled and enabled again.
    await page.getByRole('button', { name: 'Disable webhook' }).click();
    await page.getByRole('button', { name: 'Enable webhook' }).waitFor();
    assert.match(await page.getByTestId('webhook-state').textContent(), /Disabled/);
    assert.equal((await call(admin, 'GET', `/admin/webhooks/${webhookId}`)).enabled, false);
    await page.getByRole('button', { name: 'Enable webhook' }).click();
    await page.getByRole('button', { name: 'Disable webhook' }).waitFor();
    assert.equal((await call(admin, 'GET', `/admin/webhooks/${webhookId}`)).enabled, true);

    // Changed meanwhile by someone else: the page says so and shows the webhook as it is now.
    await call(admin, 'PATCH', `/admin/webhooks/${webhookId}`, { description: `${description} (renamed)` });
    page.expectConsoleError(/409/);
    await page.getByRole('button', { name: 'Disable webhook' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed this webhook meanwhile' }).waitFor();
    await page.getByRole('heading', { name: `${description} (renamed)`, level: 1 }).waitFor();
    assert.equal((await call(admin, 'GET', `/admin/webhooks/${webhookId}`)).enabled, true, 'the stale change was not made');

    // Edited: every event.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit webhook' });
    await edit.getByRole('button', { name: 'all events' }).click();
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText('All 11 events').waitFor();
    assert.equal((await call(admin, 'GET', `/admin/webhooks/${webhookId}`)).events.length, 11);

    // A new secret, shown once; the next delivery is signed with it and with the old one.
    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('region', { name: 'New signing secret' });
    await rotated.getByText('The old secret keeps signing deliveries beside the new one until').waitFor();
    const newSecret = (await rotated.locator('code.secret').textContent()).trim();
    assert.match(newSecret, /^whsec_/);
    assert.notEqual(newSecret, secret);
    await rotated.getByRole('button', { name: 'Copy', exact: true }).click();
    await rotated.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('status').filter({ hasText: 'The test event was delivered' }).waitFor();
    const signatures = assertSigned(await nthTest(rx, 4), newSecret);
    assert.ok(signatures.includes(sign(secret, (await nthTest(rx, 4)).headers['webhook-id'], (await nthTest(rx, 4)).headers['webhook-timestamp'], (await nthTest(rx, 4)).body)),
      'the old secret signs beside the new one');
    checkConsole(page);
    await page.context().close();
  });

  it('fits the webhooks and a delivery log on a phone, and deletes the webhook', async (t) => {
    if (!webhookId) return t.skip('no webhook was created');
    const phone = await openPage({ viewport: PHONE });
    await signIn(phone, stack().admin_email, stack().admin_password);
    await phone.goto(`${stack().console_url}#/admin/integrations`);
    await phone.getByRole('link', { name: url }).waitFor();
    await assertFitsScreen(phone, 'admin-integrations-phone');
    await screenshot(phone, 'admin-integrations-phone');
    await phone.getByRole('button', { name: 'New webhook' }).click();
    await phone.getByRole('form', { name: 'New webhook' }).waitFor();
    await assertFitsScreen(phone, 'admin-webhook-new-phone');
    await screenshot(phone, 'admin-webhook-new-phone');

    // The link in the email that says a webhook was disabled.
    await phone.goto(`${stack().console_url}#/admin/integrations/${webhookId}`);
    const first = phone.locator('table.deliveries tbody tr').first();
    await first.getByText(/\d attempts?/).click();
    await first.locator('ol.attempt-log li').first().waitFor();
    await assertFitsScreen(phone, 'admin-webhook-phone');
    await screenshot(phone, 'admin-webhook-phone');

    await phone.getByRole('button', { name: 'Delete…' }).click();
    await phone.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete webhook' }).click();
    await phone.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await phone.getByText('The webhook is deleted.').waitFor();
    assert.equal(await phone.getByRole('link', { name: url }).count(), 0);
    await call(admin, 'GET', `/admin/webhooks/${webhookId}`, undefined, [404]);
    checkConsole(phone);
    await phone.context().close();
  });

  it('says why a webhook was disabled automatically, in the list and on the page the email links to', async () => {
    const hook = await call(admin, 'POST', '/admin/webhooks', { url: `${url}/failing`, events: ['order.requested'] });
    // Three days of failures cannot pass in a test: the API's answers are changed on their way
    // to the page into those of a webhook the deliverer disabled (its words, shared/src/dynamo).
    const since = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const disabled = (w) => (w.webhook_id === hook.webhook_id
      ? { ...w, enabled: false, failing_since: since, disabled_reason: 'Every delivery failed for 3 days, so the webhook was disabled.' }
      : w);
    const page = await openPage();
    await page.route(/\/admin\/webhooks(\/whk_[0-9a-f]+)?$/, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: Array.isArray(body.items) ? { ...body, items: body.items.map(disabled) } : disabled(body) });
    });
    await signIn(page, stack().admin_email, stack().admin_password);
    await page.goto(`${stack().console_url}#/admin/integrations`);
    const row = page.getByRole('row', { name: new RegExp(`${url.replace(/[./]/g, '\\$&')}/failing`) });
    await row.getByText('Disabled automatically: Every delivery failed for 3 days, so the webhook was disabled.').waitFor();
    await page.goto(`${stack().console_url}#/admin/integrations/${hook.webhook_id}`);
    await page.getByRole('note').filter({ hasText: 'Disabled automatically: Every delivery failed for 3 days' }).waitFor();
    await page.getByRole('button', { name: 'Enable webhook' }).waitFor();
    assert.match(await page.getByTestId('webhook-state').textContent(), /^Disabled$/);
    await screenshot(page, 'admin-webhook-disabled');
    checkConsole(page);
    await page.context().close();
    await call(admin, 'DELETE', `/admin/webhooks/${hook.webhook_id}`);
  });
});
