// A table that pages through an API listing with its cursor: "Load more" asks for the next
// page, a new search starts again (and drops the answer of any search still in flight).

import { h, replace, errorBox, debounce } from './ui.js';

/**
 * `columns`: `[{ label, render(item) → node|string, className? }]`;
 * `fetchPage(cursor, signal)` → `{ items, next_cursor }`; `caption` names the table;
 * `noun`: `[singular, plural]` for the count; `empty`: what to say when nothing matches;
 * `tableClass`: how it lays out on a phone (`cards`: one card per row, see app.css).
 * Returns `{ el, reload(), typed(apply), items() }`: `typed(apply)` is the input handler of a
 * search field: it drops any answer in flight and shows the table busy at once, and when typing
 * pauses it runs `apply()` and reloads (so nobody acts on rows that are about to be replaced).
 */
export function pagedTable({ columns, fetchPage, caption, noun = ['item', 'items'], empty = 'Nothing here yet.', rowClass, tableClass }) {
  const tbody = h('tbody');
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  const errorSlot = h('div');
  const table = h('table', { class: tableClass },
    h('caption', { class: caption?.visible ? '' : 'visually-hidden' }, caption?.text ?? caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
    tbody);
  const el = h('div', { class: 'paged' }, h('div', { class: 'table-wrap' }, table), errorSlot, status, more);

  let cursor = null;
  let loaded = [];
  let controller = null;

  function countText() {
    const n = loaded.length;
    return `${n} ${n === 1 ? noun[0] : noun[1]}${cursor ? ' shown, more to load' : ''}`;
  }

  function markBusy(text) {
    el.setAttribute('aria-busy', 'true');
    table.setAttribute('aria-busy', 'true');
    more.disabled = true;
    status.textContent = text;
  }

  function typed(apply, ms = 250) {
    const later = debounce(() => {
      apply();
      load(true);
    }, ms);
    return () => {
      controller?.abort();
      markBusy('Searching…');
      later();
    };
  }

  async function load(first) {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    if (first) {
      cursor = null;
      loaded = [];
    }
    markBusy(first ? 'Loading…' : 'Loading more…');
    replace(errorSlot);
    try {
      const page = await fetchPage(first ? null : cursor, signal);
      if (signal.aborted) return;
      if (first) replace(tbody);
      for (const item of page.items) {
        tbody.append(h('tr', { class: rowClass?.(item) }, columns.map((c) => h('td', { class: c.className, 'data-label': c.label }, c.render(item)))));
      }
      loaded = loaded.concat(page.items);
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      if (!loaded.length) {
        tbody.append(h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, empty)));
      }
      status.textContent = loaded.length ? countText() : '';
    } catch (error) {
      if (error.name === 'AbortError' || signal.aborted) return;
      if (first) replace(tbody);
      status.textContent = '';
      replace(errorSlot, errorBox(error, { retry: () => load(first) }));
    } finally {
      if (!signal.aborted) {
        el.removeAttribute('aria-busy');
        table.removeAttribute('aria-busy');
        more.disabled = false;
      }
    }
  }

  more.addEventListener('click', () => load(false));
  return { el, reload: () => load(true), typed, items: () => loaded };
}
