/**
 * Node status lines: short (about 20 characters, a time where it helps), in
 * the runtime's language, never holding a secret (error texts are already
 * redacted). A node's own texts are `<node>.status.*` in its catalog; the
 * texts every node shares (errors, "sandbox" / "live") are `account.status.*`
 * in the account node's catalog. Where no catalog is loaded (the test
 * helper's runtime) the English catalog file is read instead.
 */
import fs from 'fs';
import path from 'path';
import { FulfillmentError } from '../core/errors';
import { Node, NodeAPI, NodeStatus } from './red';

const MAX = 28;
const PKG = 'node-red-contrib-fulfillment';
const SHARED = 'account';

function short(text: string): string {
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

export const busy = (text: string): NodeStatus => ({ fill: 'blue', shape: 'dot', text: short(text) });
export const ok = (text: string): NodeStatus => ({ fill: 'green', shape: 'dot', text: short(text) });
export const waiting = (text: string): NodeStatus => ({ fill: 'yellow', shape: 'ring', text: short(text) });
export const failed = (text: string): NodeStatus => ({ fill: 'red', shape: 'ring', text: short(text) });
export const idle = (text: string): NodeStatus => ({ fill: 'grey', shape: 'ring', text: short(text) });

/** The local time as hh:mm, for "ordered 14:03". */
export function clock(at = new Date()): string {
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

export type StatusText = (key: string, subs?: Record<string, unknown>) => string;

const english = new Map<string, unknown>();
function englishCatalog(catalog: string): unknown {
  if (!english.has(catalog)) {
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(path.join(__dirname, '..', catalog, 'locales', 'en-US', `${catalog}.json`), 'utf8'));
    } catch {
      data = undefined;
    }
    english.set(catalog, data);
  }
  return english.get(catalog);
}

function lookup(data: unknown, dotted: string): unknown {
  let v = data;
  for (const k of dotted.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function fill(text: string, subs: Record<string, unknown> = {}): string {
  return text.replace(/__([A-Za-z0-9_]+)__/g, (m, k: string) => (k in subs ? String(subs[k]) : m));
}

function translate(RED: NodeAPI | undefined, catalog: string, explicit: boolean, key: string, subs?: Record<string, unknown>): string {
  const full = `${catalog}.status.${key}`;
  if (RED) {
    const asked = explicit ? `${PKG}/fulfillment-${catalog}:${full}` : full;
    const text = RED._(asked, subs);
    if (typeof text === 'string' && text !== '' && !text.endsWith(full)) return text;
  }
  const en = lookup(englishCatalog(catalog), full);
  return typeof en === 'string' ? fill(en, subs) : key;
}

const runtimes = new WeakMap<object, NodeAPI>();

/** The node's status texts (`<catalog>.status.<key>` in its own catalog). */
export function statusTexts(RED: NodeAPI, node: Node, catalog: string): StatusText {
  runtimes.set(node, RED);
  return (key, subs) => translate(RED, catalog, false, key, subs);
}

/** A text every node shares, in the language of the node's runtime. */
export function sharedText(node: Node | undefined, key: string, subs?: Record<string, unknown>): string {
  return translate(node ? runtimes.get(node) : undefined, SHARED, true, key, subs);
}

export function statusForError(fe: FulfillmentError, node?: Node): NodeStatus {
  const say = (key: string, subs?: Record<string, unknown>): string => sharedText(node, key, subs);
  let text: string;
  switch (fe.kind) {
    case 'invalid_input':
      text = say('invalid', { field: fe.field ?? 'input' });
      break;
    case 'duplicate':
      text = say('duplicate');
      break;
    case 'outcome_unknown':
      text = say('outcomeUnknown');
      break;
    case 'http':
      text = fe.status !== undefined ? say('http', { status: fe.status }) : say('failed');
      break;
    case 'network':
      text = say('network');
      break;
    case 'timeout':
      text = say('timeout');
      break;
    case 'malformed_response':
      text = say('unreadable');
      break;
    case 'unsupported':
      text = say('unsupported');
      break;
    case 'cancelled':
      text = say('cancelled');
      break;
    default:
      // A setting to correct: its own words say which and how (cut to fit).
      text = fe.message.replace(/^[a-z]+: /, '') || say('failed');
  }
  return failed(text);
}

interface MarkedAccount {
  sandbox?: boolean;
}

/**
 * Shows at deploy whether the node's account points at the sandbox or a live
 * provider (nothing when no account is chosen).
 */
export function markAccount(RED: NodeAPI, node: Node, accountId: unknown): void {
  const account = typeof accountId === 'string' && accountId !== '' ? (RED.nodes.getNode(accountId) as MarkedAccount | null) : null;
  if (!account) return;
  runtimes.set(node, runtimes.get(node) ?? RED);
  node.status(idle(sharedText(node, account.sandbox ? 'sandbox' : 'live')));
}
