// Teams: who fulfils orders, the addresses told of a new request, and the response time; below
// them the rules that route new requests to a team and confirm some at once.

import { h, replace, field, onSubmit, toast, loading, errorBox, confirmDialog, InputError } from '../../ui.js';
import * as api from '../../api.js';
import { routingSection } from './routing.js';
import { autoConfirmSection } from './auto-confirm.js';

/** Every team, for a select; read once per page. */
export function teams() {
  return api.get('/admin/teams').then((page) => page.items);
}

/** A select of teams (filled once they are read), with `none` for no team. */
export function teamSelect(name, current, none = 'No team') {
  const select = h('select', { name }, h('option', { value: '' }, none));
  if (current) select.append(h('option', { value: current, selected: true }, current));
  teams().then((items) => {
    replace(select, h('option', { value: '' }, none),
      items.map((t) => h('option', { value: t.team_id, selected: t.team_id === current }, t.name)));
  }).catch(() => {
    // Keeps the current value; saving still works.
  });
  return select;
}

export default async function render(main, ctx) {
  ctx.title('Teams');
  const list = h('div', {}, loading());
  const editorSlot = h('div');
  const create = h('button', { type: 'button', class: 'primary' }, 'New team');
  const closeEditor = () => {
    replace(editorSlot);
    create.hidden = false;
  };
  const open = (team) => {
    create.hidden = true;
    replace(editorSlot, teamForm(team, async () => {
      closeEditor();
      await Promise.all([load(), routing.reload()]);
    }, closeEditor));
    editorSlot.querySelector('input')?.focus();
  };
  create.addEventListener('click', () => open(null));
  // The rules show the teams' names and pick from them, so they are read again with the teams.
  const routing = routingSection({ teams });
  const autoConfirm = autoConfirmSection();
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Teams'), create),
    h('p', { class: 'muted' }, 'A customer’s orders are assigned to its team; the team’s addresses get an email for each new request.'),
    editorSlot,
    list,
    routing.el,
    autoConfirm.el);

  async function remove(team) {
    if (!await confirmDialog(`Delete ${team.name}?`, 'Orders already assigned to it keep its name.', { submit: 'Delete team', danger: true })) return;
    try {
      await api.del(`/admin/teams/${api.seg(team.team_id)}`);
      toast(`Team ${team.name} is deleted.`);
      await Promise.all([load(), routing.reload()]);
    } catch (error) {
      // A 409's detail names the customers that still have the team, in words.
      replace(editorSlot, errorBox(error));
    }
  }

  async function load() {
    replace(list, loading());
    let items;
    try {
      items = await teams();
    } catch (error) {
      replace(list, errorBox(error, { retry: load }));
      return;
    }
    if (!items.length) {
      replace(list, h('p', {}, 'No teams yet: orders are not assigned to anyone.'));
      return;
    }
    replace(list, h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Teams'),
      h('thead', {}, h('tr', {}, ['Name', 'Told of new requests', 'Respond within', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((t) => h('tr', {},
        h('td', {}, h('strong', {}, t.name)),
        h('td', {}, t.notify_emails.length ? t.notify_emails.join(', ') : '—'),
        h('td', {}, t.respond_within_minutes ? `${t.respond_within_minutes} min` : '—'),
        h('td', {},
          h('button', { type: 'button', onclick: () => open(t) }, 'Edit', h('span', { class: 'visually-hidden' }, ` ${t.name}`)),
          ' ',
          h('button', { type: 'button', class: 'danger', onclick: () => remove(t) }, 'Delete', h('span', { class: 'visually-hidden' }, ` ${t.name}`)))))))));
  }
  await Promise.all([load(), routing.reload(), autoConfirm.reload()]);
}

function teamForm(team, saved, cancel) {
  const title = team ? `Edit ${team.name}` : 'New team';
  const form = h('form', { class: 'stack card', novalidate: true, 'aria-label': title },
    h('h2', {}, title),
    h('div', { class: 'grid-2' },
      field('Team name', h('input', { name: 'name', value: team?.name }), { required: true }),
      field('Email addresses', h('input', { name: 'notify_emails', value: (team?.notify_emails || []).join(', ') }),
        { hint: 'Told of each new request; separated by commas, at most 10' }),
      field('Respond within (minutes)', h('input', { name: 'respond_within_minutes', inputmode: 'numeric', value: team?.respond_within_minutes ?? '' }),
        { hint: 'Optional' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, team ? 'Save team' : 'Create team'),
      h('button', { type: 'button', onclick: cancel }, 'Cancel')));
  onSubmit(form, 'Saving…', async (values) => {
    const minutes = values.respond_within_minutes;
    if (minutes && !/^\d+$/.test(minutes)) {
      throw new InputError('The response time is a whole number of minutes.', [{ field: 'respond_within_minutes', message: 'must be a whole number of minutes' }]);
    }
    const body = {
      name: values.name,
      notify_emails: values.notify_emails.split(',').map((e) => e.trim()).filter(Boolean),
      respond_within_minutes: minutes ? Number(minutes) : null,
    };
    if (team) await api.patch(`/admin/teams/${api.seg(team.team_id)}`, { ...body, version: team.version });
    else await api.post('/admin/teams', body);
    toast(team ? `Team ${values.name} is saved.` : `Team ${values.name} is created.`);
    await saved();
  });
  return form;
}
