// Quick order (`#/quick-order`): SKUs and quantities pasted (one row a line, as copied out of a
// spreadsheet) or a CSV file, sent as they are to `POST /cart/import`, which reads them and
// numbers the rows; the rows it could not use are shown with their numbers and reasons.

import { h, replace, field, errorBox, busy, money } from '../../ui.js';
import * as api from '../../api.js';
import * as cart from '../../cart-store.js';
import { accountLine } from './account.js';

export default async function render(main, ctx) {
  ctx.title('Quick order');
  const result = h('div', { 'aria-live': 'polite' });
  const text = h('textarea', { name: 'rows', rows: 8, spellcheck: 'false', placeholder: 'FLOUR-25, 2\nSUGAR-1, 5' });
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv,text/plain' });
  const replaceBox = h('input', { type: 'checkbox', name: 'replace' });
  const pasteButton = h('button', { type: 'submit' }, 'Add to cart');
  const uploadButton = h('button', { type: 'button' }, 'Upload and add to cart');

  async function send(button, rows) {
    await busy(button, 'Adding…', async () => {
      try {
        const answer = await api.request('POST', '/cart/import', {
          text: rows,
          query: { mode: replaceBox.checked ? 'replace' : undefined },
        });
        await cart.load();
        replace(result, outcome(answer.body));
      } catch (error) {
        replace(result, errorBox(error));
      }
    });
  }

  const pasteForm = h('form', { class: 'stack', 'aria-labelledby': 'paste-heading' },
    h('h2', { id: 'paste-heading' }, 'Paste SKUs and quantities'),
    field('Rows', text, { hint: 'One product a line: its SKU and how many, separated by a comma, a semicolon or a tab (as copied from a spreadsheet). A header line is fine.' }),
    h('div', { class: 'actions' }, pasteButton));
  pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!text.value.trim()) {
      replace(result, h('p', { class: 'notice warn', role: 'alert' }, 'Type or paste at least one row: a SKU and a quantity.'));
      return;
    }
    send(pasteButton, text.value);
  });

  uploadButton.addEventListener('click', async () => {
    const chosen = file.files?.[0];
    if (!chosen) {
      replace(result, h('p', { class: 'notice warn', role: 'alert' }, 'Choose a CSV file first.'));
      return;
    }
    send(uploadButton, await chosen.text());
  });
  const uploadForm = h('section', { class: 'stack', 'aria-labelledby': 'upload-heading' },
    h('h2', { id: 'upload-heading' }, 'Or upload a CSV file'),
    field('CSV file', file, { hint: 'Columns: SKU, then quantity. Saved from Excel, Numbers or LibreOffice as CSV; at most 500 rows.' }),
    h('div', { class: 'actions' }, uploadButton));

  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Quick order'), accountLine()),
    h('div', { class: 'stack' },
      h('p', {}, 'Add many products to your cart at once. Quantities of a product already in your cart are added to it.'),
      field('Replace what is in the cart instead of adding to it', replaceBox),
      pasteForm,
      uploadForm,
      result));
}

/** What the import did: the cart's size, and each row left out with its number and reason. */
function outcome({ cart: c, rejected }) {
  const lines = c.lines.length;
  return h('div', { class: 'stack', 'data-testid': 'import-result' },
    h('p', { class: 'notice', role: 'status' },
      `Added to your cart. It now has ${lines} ${lines === 1 ? 'line' : 'lines'}, ${money(c.total)} in total. `,
      h('a', { href: '#/cart' }, 'Go to the cart')),
    rejected.length > 0 && h('div', { class: 'error-box', role: 'alert' },
      h('strong', {}, `${rejected.length} ${rejected.length === 1 ? 'row was' : 'rows were'} not added`),
      h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'rejected-rows' },
        h('caption', { class: 'visually-hidden' }, 'Rows not added'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'num' }, 'Row'),
          h('th', { scope: 'col' }, 'SKU'),
          h('th', { scope: 'col' }, 'Why'))),
        h('tbody', {}, rejected.map((r) => h('tr', {},
          h('td', { class: 'num' }, String(r.row)),
          h('td', {}, r.sku || '—'),
          h('td', {}, r.message))))))));
}
