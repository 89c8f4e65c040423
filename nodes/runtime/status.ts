/** Node status lines: short, and never holding a secret (error texts are already redacted). */
import { FulfillmentError } from '../core/errors';
import { NodeStatus } from './red';

const MAX = 60;

function short(text: string): string {
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

export function statusForError(fe: FulfillmentError): NodeStatus {
  let text: string;
  if (fe.kind === 'invalid_input') text = `invalid ${fe.field ?? 'input'}`;
  else if (fe.kind === 'outcome_unknown') text = 'outcome unknown';
  else if (fe.status !== undefined) text = `HTTP ${fe.status}${fe.providerCode ? ` ${fe.providerCode}` : ''}`;
  else text = fe.message.replace(/^[a-z]+: /, '');
  return { fill: 'red', shape: 'ring', text: short(text) };
}

export const busy = (text: string): NodeStatus => ({ fill: 'blue', shape: 'dot', text: short(text) });
export const ok = (text: string): NodeStatus => ({ fill: 'green', shape: 'dot', text: short(text) });
export const waiting = (text: string): NodeStatus => ({ fill: 'yellow', shape: 'ring', text: short(text) });
