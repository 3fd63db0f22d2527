// A list of the seller's rules kept whole on the server (routing rules, automatic confirmation):
// read with its version, and every change (add, move, remove) puts the whole list back with the
// version read, so two admins editing at once cannot lose each other's changes unseen.

import { h, replace, onSubmit, toast, loading, errorBox, busy } from '../../ui.js';
import * as api from '../../api.js';

let currency = null;

/**
 * The currency the seller prices in (its products'; EUR before there are any), read once: a
 * rule's amount is typed as a decimal in it, as a product's price is.
 */
export function sellerCurrency() {
  currency ??= api.get('/admin/products', { query: { limit: 1 } })
    .then((page) => page.items[0]?.price.currency || 'EUR')
    .catch(() => {
      currency = null;
      return 'EUR';
    });
  return currency;
}

const STALE = 'Someone else changed the rules; they are reloaded.';

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A section editing the rules at `path` (`GET` → `{rules, version}`, `PUT {rules, version}`):
 * `{ el, reload() }`.
 * - `id`, `title`, `intro`: the section's heading and what the rules do, in a sentence;
 * - `caption`, `empty`: the table's name, and what to say when there is no rule;
 * - `columns`: `[{ label, render(rule) }]` after the rule's position;
 * - `ordered`: rules apply in order, so each row can move up and down;
 * - `name(rule, i)`: how its buttons and messages name the rule (by default "rule 2");
 * - `prepare()`: read before the rules at each load (e.g. the teams whose names show);
 * - `clean(rule)`: the rule as a PUT takes it;
 * - `form`: the add form; its controls with `data-key="match.customer_tag"` are named
 *   `rules[n].match.customer_tag` for the field errors of the rule being added (n = its index);
 * - `build(values)`: the new rule from the form's values (throws an InputError if they are wrong);
 * - `added`: the toast once it is added.
 */
export function rulesEditor({ path, id, title, intro, caption, empty, columns, ordered = false, name = (rule, i) => `rule ${i + 1}`, prepare = async () => {}, clean = (r) => r, form, build, added }) {
  let rules = [];
  let version = 0;
  const heading = h('h2', { id: `${id}-title`, tabindex: '-1' }, title);
  const feedback = h('div');
  const list = h('div', {}, loading());
  const el = h('section', { class: 'rules', id, 'aria-labelledby': heading.id },
    heading, h('p', { class: 'muted' }, intro), feedback, list, form);

  async function load() {
    replace(list, loading());
    try {
      const [body] = await Promise.all([api.get(path), prepare()]);
      show(body);
    } catch (error) {
      replace(list, errorBox(error, { retry: load }));
    }
  }

  function show(body) {
    rules = body.rules || [];
    version = body.version ?? 0;
    if (!rules.length) {
      replace(list, h('p', {}, empty));
      return;
    }
    const last = rules.length - 1;
    replace(list, h('div', { class: 'table-wrap' }, h('table', { class: 'cards' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, [ordered ? 'Position' : 'Rule', ...columns.map((c) => c.label), 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rules.map((rule, i) => h('tr', {},
        h('td', { 'data-label': ordered ? 'Position' : 'Rule' }, String(i + 1)),
        columns.map((c) => h('td', { 'data-label': c.label }, c.render(rule))),
        h('td', { 'data-label': 'Actions' }, h('div', { class: 'row-actions' },
          ordered && [
            h('button', { type: 'button', 'aria-label': `Move ${name(rule, i)} up`, disabled: i === 0, onclick: (e) => move(e.currentTarget, i, i - 1) }, 'Move up'),
            h('button', { type: 'button', 'aria-label': `Move ${name(rule, i)} down`, disabled: i === last, onclick: (e) => move(e.currentTarget, i, i + 1) }, 'Move down'),
          ],
          h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${name(rule, i)}`, onclick: (e) => remove(e.currentTarget, i) }, 'Remove')))))))));
  }

  /**
   * Puts `next` with the version last read and shows what the server answers; true once saved.
   * A stale version reloads the rules and says so; with `form`, any other error is thrown for
   * the form to show beside its fields.
   */
  async function save(next, { inForm = false } = {}) {
    replace(feedback);
    try {
      show(await api.put(path, { rules: next.map(clean), version }));
      return true;
    } catch (error) {
      if (error.status === 409) {
        replace(feedback, errorBox(error, { detail: STALE }));
        await load();
        return false;
      }
      if (inForm) throw error;
      replace(feedback, errorBox(error));
      return false;
    }
  }

  async function move(button, from, to) {
    const next = [...rules];
    next.splice(to, 0, next.splice(from, 1)[0]);
    if (!await busy(button, 'Moving…', () => save(next))) return;
    toast(`${capital(name(rules[to], from))} is now ${name(rules[to], to)}.`);
    // Focus stays with the rule moved, on the same button if it can move on.
    const way = to < from ? 'up' : 'down';
    const other = way === 'up' ? 'down' : 'up';
    const at = (w) => list.querySelector(`button[aria-label="${CSS.escape(`Move ${name(rules[to], to)} ${w}`)}"]:not(:disabled)`);
    (at(way) || at(other))?.focus();
  }

  async function remove(button, i) {
    const gone = rules[i];
    const named = name(gone, i);
    if (!await busy(button, 'Removing…', () => save(rules.filter((_, j) => j !== i)))) return;
    heading.focus();
    toast(`${capital(named)} is removed.`, 'ok', {
      action: { label: 'Undo', run: () => save([...rules.slice(0, i), gone, ...rules.slice(i)]) },
    });
  }

  onSubmit(form, 'Adding…', async (values) => {
    replace(feedback);
    for (const control of form.querySelectorAll('[data-key]')) {
      control.dataset.field = `rules[${rules.length}].${control.dataset.key}`;
    }
    const rule = await build(values, `rules[${rules.length}]`);
    if (!await save([...rules, rule], { inForm: true })) return;
    form.reset();
    toast(added);
  });

  return { el, reload: load };
}
