// What a buyer typed at checkout (answers and notes), kept in localStorage per signed-in login
// (and per login acted as), so neither a re-render of the cart nor a reload or a second tab
// loses it. Forgotten once the order is placed, and on signing out (a shared computer).

import * as session from './session.js';

const PREFIX = 'orderdesk.checkoutDraft.';

function key() {
  const s = session.session();
  if (!s) return null;
  const acting = session.actingAs();
  return `${PREFIX}${s.email.toLowerCase()}${acting ? `>${acting.login_id}` : ''}`;
}

/** `{ answers: {question_id: text}, notes }` as last typed, or null. */
export function read() {
  const k = key();
  if (!k) return null;
  try {
    const draft = JSON.parse(localStorage.getItem(k) || 'null');
    return draft && typeof draft === 'object' ? { answers: draft.answers || {}, notes: draft.notes ?? null } : null;
  } catch {
    return null;
  }
}

export function save(draft) {
  const k = key();
  if (!k) return;
  try {
    localStorage.setItem(k, JSON.stringify(draft));
  } catch {
    // Storage full or refused (private mode): the form still holds what was typed.
  }
}

export function clear() {
  const k = key();
  if (k) localStorage.removeItem(k);
}

/** Forgets every login's draft in this browser. */
export function clearAll() {
  for (const k of Object.keys(localStorage)) if (k.startsWith(PREFIX)) localStorage.removeItem(k);
}
