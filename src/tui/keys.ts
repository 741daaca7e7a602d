/** The chat's keyboard shortcuts, as the help panel and the status line list them. */
export const KEYS: readonly (readonly [key: string, what: string])[] = [
  ['Enter', 'send the message'],
  ['↑ / ↓', 'choose a contact'],
  ['PgUp / PgDn', 'scroll the conversation'],
  ['Tab / Ctrl-R', 'requests panel (then ↑ ↓, a accept, i ignore, b block)'],
  ['Ctrl-N', 'add a contact'],
  ['Ctrl-K', 'safety number of the contact (then v: mark verified)'],
  ['Ctrl-G', 'this help'],
  ['Esc', 'back to the conversation'],
  ['Ctrl-C', 'quit'],
];

export const STATUS_HINT =
  'Enter send · ↑↓ contact · Tab requests · ^N add · ^K safety · ^G help · ^C quit';
