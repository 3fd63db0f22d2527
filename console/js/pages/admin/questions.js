// Checkout questions: what the seller asks on every order (free text or a choice), all
// saved at once with `PUT /admin/checkout-questions`.

import { h, replace, field, onSubmit, toast, loading, errorBox, InputError } from '../../ui.js';
import * as api from '../../api.js';

export default async function render(main, ctx) {
  ctx.title('Checkout questions');
  const body = h('div', {}, loading());
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Checkout questions')),
    h('p', { class: 'muted' }, 'Customers answer these when they submit an order; the answers are on the order.'),
    body);
  let questions;
  try {
    questions = (await api.get('/admin/checkout-questions')).questions || [];
  } catch (error) {
    replace(body, errorBox(error, { retry: () => ctx.navigate('/admin/checkout-questions') }));
    return;
  }
  replace(body, editor(questions));
}

function editor(initial) {
  const list = h('ol', { class: 'questions' });
  let n = 0;
  function add(q = { question_id: '', label: '', required: false, kind: 'text', choices: [] }) {
    const i = n++;
    const kind = h('select', { name: `kind_${i}` },
      h('option', { value: 'text', selected: q.kind === 'text' }, 'Free text'),
      h('option', { value: 'choice', selected: q.kind === 'choice' }, 'One of a list'));
    const choices = field('Choices (one per line)', h('textarea', { name: `choices_${i}`, rows: '3', 'data-field': `questions[${i}].choices` }, (q.choices || []).join('\n')));
    choices.hidden = q.kind !== 'choice';
    kind.addEventListener('change', () => { choices.hidden = kind.value !== 'choice'; });
    const item = h('li', { class: 'card' },
      h('div', { class: 'grid-2' },
        field('Question', h('input', { name: `label_${i}`, value: q.label, 'data-field': `questions[${i}].label` }), { required: true }),
        field('Id', h('input', { name: `id_${i}`, value: q.question_id, 'data-field': `questions[${i}].question_id` }),
          { hint: 'Lower-case letters, digits, - and _; the key of the answer on orders', required: true }),
        field('Kind', kind)),
      field('An answer is required', h('input', { type: 'checkbox', name: `required_${i}`, checked: q.required })),
      choices,
      h('button', { type: 'button', class: 'link danger', onclick: () => item.remove() }, 'Remove this question'));
    item.dataset.index = String(i);
    list.append(item);
  }
  initial.forEach(add);
  const form = h('form', { class: 'stack', novalidate: true },
    list,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => { add(); list.lastElementChild.querySelector('input').focus(); } }, 'Add a question'),
      h('button', { type: 'submit', class: 'primary' }, 'Save questions')));
  onSubmit(form, 'Saving…', async (values) => {
    const questions = [...list.children].map((item, position) => {
      const i = item.dataset.index;
      // The API names a bad question by its place in the list sent.
      for (const el of item.querySelectorAll('[data-field]')) {
        el.dataset.field = el.dataset.field.replace(/^questions\[\d+\]/, `questions[${position}]`);
      }
      const label = values[`label_${i}`];
      const id = values[`id_${i}`] || label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
      const q = { question_id: id, label, required: values[`required_${i}`], kind: values[`kind_${i}`] };
      if (q.kind === 'choice') q.choices = (values[`choices_${i}`] || '').split('\n').map((c) => c.trim()).filter(Boolean);
      return q;
    });
    if (questions.some((q) => !q.label)) throw new InputError('Every question needs its text.');
    await api.put('/admin/checkout-questions', { questions });
    toast('The checkout questions are saved.');
  });
  return form;
}
