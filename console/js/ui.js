// Small DOM helpers shared by every page: building elements, formatting money and
// dates, status badges, errors in words, forms with labelled fields, dialogs and toasts.

import { ApiError } from './api.js';

/**
 * Builds an element: `h('button', { class: 'primary', onclick }, 'Save')`.
 * Attributes: `class`, `text`, `on<event>` handlers, booleans (set when true), anything else
 * as an attribute; children: strings, nodes, arrays, null/false (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key === 'value' && 'value' in el) {
      el.value = value;
    } else if (key === 'checked' || key === 'selected') {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A document-unique id. */
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

// ---- formatting ----------------------------------------------------------------------------

const digitsCache = new Map();
function minorDigits(currency) {
  if (!digitsCache.has(currency)) {
    let digits = 2;
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      // An unknown code: two digits, as most currencies have.
    }
    digitsCache.set(currency, digits);
  }
  return digitsCache.get(currency);
}

/** `{ amount: 1250, currency: 'EUR' }` → "€12.50". */
export function money(value) {
  if (!value) return '—';
  const digits = minorDigits(value.currency);
  const major = value.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: value.currency }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${value.currency}`;
  }
}

/** "12.50" in `currency` → 1250 minor units (string arithmetic, never a float); null if not a price. */
export function parseMoney(text, currency) {
  const digits = minorDigits(currency);
  const match = String(text).trim().replace(',', '.').match(/^(\d+)(?:\.(\d*))?$/);
  if (!match) return null;
  const fraction = match[2] || '';
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number((fraction + '0'.repeat(digits)).slice(0, digits) || 0);
}

/** Minor units → the text a price input shows ("12.50"). */
export function moneyInput(value) {
  if (!value) return '';
  const digits = minorDigits(value.currency);
  if (!digits) return String(value.amount);
  const text = String(value.amount).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** An RFC 3339 time as a local date and time. */
export function dateTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A `<time>` element for an RFC 3339 time. */
export const time = (iso) => (iso ? h('time', { datetime: iso }, dateTime(iso)) : '—');

const STATUS_WORDS = {
  pending: 'Pending',
  invited: 'Invited',
  active: 'Active',
  deleted: 'Deleted',
  disabled: 'Disabled',
  requested: 'Requested',
  confirmed: 'Confirmed',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  accepting: 'Accepting',
  accepted: 'Accepted',
  revoked: 'Revoked',
  expired: 'Expired',
  submitted: 'Submitted',
};

/** A status as a coloured badge with its word (colour is never the only cue). */
export function badge(status) {
  return h('span', { class: `badge badge-${status}` }, STATUS_WORDS[status] || status);
}

// ---- errors --------------------------------------------------------------------------------

/** An error in what the person typed, caught before anything was sent. */
export class InputError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.name = 'InputError';
    this.errors = errors;
  }
}

/** The words for any error a page may catch. */
export function errorText(error) {
  if (error instanceof ApiError) return { title: error.title, detail: error.detail, errors: error.errors };
  if (error?.name === 'InputError') return { title: 'Please check what you entered', detail: error.message, errors: error.errors };
  if (error?.name === 'CognitoError') return { title: 'Sign-in failed', detail: error.message, errors: [] };
  return { title: 'Something went wrong', detail: error?.message || String(error), errors: [] };
}

/**
 * An alert box for an error. A validation error lists each field's problem instead of its
 * `detail` (which only joins them); `errors` replaces that list, e.g. with the problems not
 * already shown beside their fields.
 */
export function errorBox(error, { retry, errors, detail: detailOverride } = {}) {
  const text = errorText(error);
  const list = errors ?? text.errors;
  const detail = detailOverride ?? (text.errors.length ? null : text.detail);
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, text.title),
    detail && h('p', {}, detail),
    list.length > 0 && h('ul', {}, list.map((e) => h('li', {}, `${fieldLabel(e.field)}: ${e.message}`))),
    retry && !error?.final && h('button', { type: 'button', onclick: retry }, 'Try again'));
}

/** `lines[1].quantity` → "Line 2 quantity", `address.postal_code` → "Address postal code". */
function fieldLabel(field) {
  const words = String(field)
    .replace(/([a-z_]+)\[(\d+)\]/g, (_, name, i) => `${name.replace(/s$/, '')} ${Number(i) + 1}`)
    .replace(/[._]/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ---- forms ---------------------------------------------------------------------------------

/**
 * A labelled field: `field('Email', h('input', { name: 'email', type: 'email' }), { hint })`.
 * The control gets an id, and its error slot is tied to it with aria-describedby.
 */
export function field(label, control, { hint, required } = {}) {
  const id = control.id || uid('fld');
  control.id = id;
  if (required) control.required = true;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  const isCheck = control.type === 'checkbox' || control.type === 'radio';
  // The asterisk stays outside the label, so the control's name is the label's words alone
  // (the `required` attribute tells assistive technology).
  const labelEl = h('span', { class: 'label-line' },
    h('label', { for: id }, label),
    required && h('span', { class: 'required', 'aria-hidden': 'true' }, ' *'));
  return h('div', { class: isCheck ? 'field check' : 'field' },
    isCheck ? [control, labelEl] : [labelEl, control],
    hint && h('p', { class: 'hint', id: hintId }, hint),
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

/**
 * Adds a "Show"/"Hide" button beside the password input of `fieldEl` (a `field(…)`), so a
 * person on a phone can check what they typed. Returns `fieldEl`.
 */
export function revealable(fieldEl) {
  const input = fieldEl.querySelector('input[type=password]');
  const toggle = h('button', { type: 'button', class: 'reveal-toggle', 'aria-controls': input.id }, 'Show', h('span', { class: 'visually-hidden' }, ' password'));
  toggle.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    toggle.firstChild.textContent = shown ? 'Hide' : 'Show';
  });
  const wrap = h('div', { class: 'reveal' });
  input.replaceWith(wrap);
  wrap.append(input, toggle);
  return fieldEl;
}

/** Clears the error marks of a form. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  form.querySelector(':scope > .error-box')?.remove();
}

/**
 * Shows an error on a form: each `errors[].field` beside the control named so (a dotted
 * path like `address.city` or `lines[1].quantity` matches `name` or `data-field`), the rest
 * in an alert box at the top. Focuses the first invalid control.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const { errors } = errorText(error);
  const unplaced = [];
  let first = null;
  for (const e of errors) {
    const control = form.querySelector(`[data-field="${CSS.escape(e.field)}"], [name="${CSS.escape(e.field)}"]`);
    const slot = control && document.getElementById(`${control.id}-error`);
    if (!slot) {
      unplaced.push(e);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    slot.textContent = e.message;
    slot.hidden = false;
    first ??= control;
  }
  const allPlaced = errors.length > 0 && unplaced.length === 0;
  const box = errorBox(error, { errors: unplaced, detail: allPlaced ? 'Check the fields marked below.' : undefined });
  // After the form's own heading, if it starts with one.
  const heading = form.firstElementChild?.matches('h2, h3') ? form.firstElementChild : null;
  if (heading) heading.after(box);
  else form.prepend(box);
  (first || form.querySelector('.error-box'))?.scrollIntoView?.({ block: 'nearest' });
  first?.focus();
}

/**
 * Runs `action` with `button` disabled and saying `busyText`, so a slow call shows progress
 * and a double click sends nothing twice.
 */
export async function busy(button, busyText, action) {
  const children = [...button.childNodes];
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyText;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...children);
  }
}

/**
 * Wires a form: on submit, clears old errors, runs `action(form data as an object)` with the
 * submit button busy, and shows any error on the form.
 */
export function onSubmit(form, busyText, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.dataset.sending) return;
    clearErrors(form);
    const button = form.querySelector('button[type=submit]');
    form.dataset.sending = '1';
    try {
      await (button ? busy(button, busyText, () => action(values(form))) : action(values(form)));
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (form.isConnected) showErrors(form, error);
    } finally {
      delete form.dataset.sending;
    }
  });
  return form;
}

/** A form's named controls as an object (checkboxes as booleans, trimmed text). */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') {
      if (el.checked) out[el.name] = el.value;
    } else out[el.name] = typeof el.value === 'string' ? el.value.trim() : el.value;
  }
  return out;
}

/**
 * A primary button that opens a form in its place: `{ button, slot }`, the slot being where the
 * form shows. `open(close)` builds the form; `close()` takes it away and brings the button back,
 * focused.
 */
export function opener(text, open) {
  const slot = h('div');
  const button = h('button', { type: 'button', class: 'primary' }, text);
  button.addEventListener('click', () => {
    button.hidden = true;
    replace(slot, open(() => {
      replace(slot);
      button.hidden = false;
      button.focus();
    }));
  });
  return { button, slot };
}

// ---- feedback ------------------------------------------------------------------------------

/**
 * A short message in the polite live region, gone after ten seconds (time to read it), or
 * fifteen with an `action` (`{ label, run }`, e.g. Undo). A navigation takes it away, unless
 * `next` says it announces the page being opened (the order just placed).
 */
export function toast(message, kind = 'ok', { action, next = false } = {}) {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast toast-${kind}`, 'data-next': next ? '1' : null }, h('span', {}, message));
  if (action) {
    item.append(h('button', {
      type: 'button',
      class: 'link',
      onclick: () => {
        item.remove();
        action.run();
      },
    }, action.label));
  }
  // A tap on the message puts it away (on a phone it sits over the page).
  item.firstChild.addEventListener('click', () => item.remove());
  box.append(item);
  setTimeout(() => item.remove(), action ? 15000 : 10000);
  return item;
}

/** Called on every navigation: the toasts of the page left go (see `toast`'s `next`). */
export function clearToasts() {
  for (const item of document.querySelectorAll('#toasts > .toast')) {
    if (item.dataset.next) delete item.dataset.next;
    else item.remove();
  }
}

/** "Loading…" for a region that waits on the API. */
export const loading = (what = 'Loading…') => h('p', { class: 'loading', role: 'status' }, what);

/**
 * A modal dialog with a form. `fields` are built by the caller; resolves to the form's
 * values on submit, or null on cancel. `action(values)` may throw to keep it open with the
 * error shown.
 */
export function dialog({ title, fields = [], submit = 'OK', cancel = 'Cancel', danger = false, action }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const form = h('form', { method: 'dialog', class: 'stack' },
      h('h2', { id: titleId }, title),
      fields,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submit),
        h('button', { type: 'button', onclick: () => close(null) }, cancel)));
    const el = h('dialog', { 'aria-labelledby': titleId }, form);
    let done = false;
    function close(result) {
      if (done) return;
      done = true;
      el.close();
      el.remove();
      resolve(result);
    }
    el.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(null);
    });
    onSubmit(form, 'Working…', async (formValues) => {
      if (action) await action(formValues);
      close(formValues);
    });
    document.body.append(el);
    el.showModal();
    (form.querySelector('input, select, textarea') || form.querySelector('button[type=submit]')).focus();
  });
}

/**
 * Asks a yes/no question in a dialog; resolves to true or false. `message` may be a node or a
 * list; `cancel` names the way out when "Cancel" would be ambiguous (cancelling an order).
 */
export async function confirmDialog(title, message, { submit = 'Yes', cancel = 'Cancel', danger = false } = {}) {
  const result = await dialog({ title, fields: [typeof message === 'string' ? h('p', {}, message) : message], submit, cancel, danger });
  return result !== null;
}

/** Calls `fn` once `ms` have passed without another call. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Search as the person types in `input` (a search field inside another form): after a pause,
 * the search before is aborted, "Searching…" shows in `results`, then `render` of what
 * `search(text, signal)` found, or the error in place. An empty field empties the results,
 * and Enter searches instead of submitting the form around it.
 */
export function searchAsYouType(input, results, search, render) {
  let controller = null;
  input.addEventListener('input', debounce(async () => {
    controller?.abort();
    const text = input.value.trim();
    if (!text) {
      replace(results);
      return;
    }
    controller = new AbortController();
    const { signal } = controller;
    replace(results, h('li', { class: 'muted' }, 'Searching…'));
    try {
      const found = await search(text, signal);
      if (!signal.aborted) replace(results, render(found));
    } catch (error) {
      if (!signal.aborted && error.name !== 'AbortError') replace(results, h('li', {}, errorBox(error)));
    }
  }, 250));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault();
  });
}

/** A random key for an Idempotency-Key header. */
export const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/**
 * Idempotency keys for one form: the same body gets the same key (a retry after a lost answer
 * returns the first result), another body a new one.
 */
export function keyKeeper() {
  let key = null;
  let text = null;
  return (body) => {
    const now = JSON.stringify(body);
    if (now !== text) {
      text = now;
      key = newKey();
    }
    return key;
  };
}
