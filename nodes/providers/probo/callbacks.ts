/**
 * Probo's pushed callbacks as provider-neutral events: uploader sessions
 * (`confirmed` / `processed`, files, warnings) and order status changes
 * (`queued`, `accepted`, `not_accepted` … `shipment_delivered`, `canceled`),
 * in the body Probo's callback guide shows:
 * `{status, message, order: {id, supplier_order_number?, reference}, file?}`.
 * Parsed tolerantly (unknown fields are kept in msg.payload); what decides a
 * repeat is the dedupe key, and an order event's rank keeps a late callback
 * from moving an order backwards.
 */
import { createHash } from 'crypto';
import { CallbackEvent } from '../../core/capabilities';
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { isProboId } from './validate';
import { outcomeOf, readState } from './states';

export const PROBO_CALLBACK_KINDS = ['uploader', 'order'];

function fail(field: string, message: string): never {
  throw invalidInput(field, message, 'probo');
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function sides(product: Record<string, unknown>): Record<string, unknown>[] {
  return ['front_side', 'back_side'].map((k) => product[k]).filter(isPlainObject);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string' && w !== '') : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function parseUploaderCallback(body: Record<string, unknown>): CallbackEvent {
  if (!isProboId(body.id)) fail('body.id', 'an uploader callback needs the session id');
  if (typeof body.status !== 'string' || body.status === '') fail('body.status', 'an uploader callback needs a status');
  if (body.products !== undefined && !Array.isArray(body.products)) fail('body.products', 'must be an array');
  const products = (Array.isArray(body.products) ? body.products : []).filter(isPlainObject);
  const warnings = new Set<string>();
  const hashes: string[] = [];
  const files: Record<string, unknown>[] = [];
  for (const p of products) {
    for (const w of strings(p.warnings)) warnings.add(w);
    for (const side of sides(p)) {
      for (const w of strings(side.warnings)) warnings.add(w);
      if (isPlainObject(side.file)) {
        files.push({ product_id: p.id, ...side.file });
        const h = side.file.original_file_hash;
        if (typeof h === 'string') hashes.push(h);
      }
    }
  }
  const uploader = { id: body.id, external_id: body.external_id };
  return {
    dedupeKey: `probo:uploader:${hash([String(body.id), body.status, ...hashes.sort()].join('\n'))}`,
    payload: body,
    fields: { eventType: 'uploader', status: body.status, uploader, warnings: [...warnings], files },
  };
}

interface Tracking {
  tracking_code?: unknown;
  tracking_url?: unknown;
  carrier?: unknown;
  status_code?: unknown;
}

/**
 * Track & trace wherever a callback may carry it: `packages` as in the
 * status answer, older `shipments`, or `tracking_url` / `tracking_code` on
 * the body or its `order` (the change log promises tracking "like /order/status"
 * without showing the callback body).
 */
function trackingOf(body: Record<string, unknown>, order: Record<string, unknown>): Tracking[] {
  const out: Tracking[] = [];
  const lists = [body.packages, body.shipments, order.packages, order.shipments];
  for (const list of lists) {
    for (const p of Array.isArray(list) ? list.filter(isPlainObject) : []) {
      if (p.tracking_code === undefined && p.tracking_url === undefined) continue;
      out.push({ ...(p.carrier !== undefined ? { carrier: p.carrier } : {}), ...(p.status_code !== undefined ? { status_code: p.status_code } : {}), tracking_code: p.tracking_code, tracking_url: p.tracking_url });
    }
  }
  for (const o of [body, order]) {
    if ((o.tracking_code !== undefined || o.tracking_url !== undefined) && !out.some((t) => t.tracking_code === o.tracking_code && t.tracking_url === o.tracking_url)) {
      out.push({ tracking_code: o.tracking_code, tracking_url: o.tracking_url });
    }
  }
  return out;
}

export function parseOrderCallback(body: Record<string, unknown>): CallbackEvent {
  const order = isPlainObject(body.order) ? body.order : {};
  const id = order.id ?? body.id ?? body.order_id;
  if (!isProboId(id)) fail('body.order.id', 'an order callback needs the order id (order.id)');
  const rawStatus = text(body.status) ?? text(body.status_code) ?? text(body.order_status) ?? text(order.status_code) ?? text(order.status);
  if (!rawStatus) fail('body.status', 'an order callback needs a status');
  const message = text(body.message);
  const state = readState(rawStatus, message);
  const reference = text(order.reference) ?? text(body.reference);
  const supplier = order.supplier_order_number ?? body.supplier_order_number;
  const file = isPlainObject(body.file) ? body.file : undefined;
  const fields: Record<string, unknown> = {
    eventType: 'order',
    status: state.status,
    outcome: outcomeOf(state.verdict),
    order: { id, ...(reference !== undefined ? { reference } : {}), ...(supplier !== undefined ? { supplier_order_number: supplier } : {}) },
    tracking: trackingOf(body, order),
  };
  if (message !== undefined) fields.message = message;
  if (state.reason !== undefined) fields.reason = state.reason;
  if (state.duplicate) fields.duplicate = true;
  if (file) fields.file = file;
  // A refusal names what it refuses (another submission with this id, a file): it is its own event.
  const detail = state.status === 'not_accepted' ? `\n${message ?? ''}\n${reference ?? ''}\n${file ? JSON.stringify(file) : ''}` : '';
  return {
    dedupeKey: `probo:order:${hash(`${String(id)}\n${state.status}${detail}`)}`,
    payload: body,
    fields,
    // A repeated id's refusal is about another submission: it must not hold back the first order's own states.
    ...(state.rank !== undefined && !state.duplicate ? { ordering: { subject: `probo:order:${String(id)}`, rank: state.rank } } : {}),
  };
}

/**
 * A callback in the form of the `/order/status` answer (`{status: "ok",
 * orders: [{id, status_code, packages, …}]}`), which the change log's
 * "consistent with /order/status" allows: one event per listed order, its
 * state from the entry (the top-level `status` is the call's, not the order's).
 */
function statusFormCallback(body: Record<string, unknown>): CallbackEvent[] {
  const entries = (body.orders as unknown[]).filter(isPlainObject);
  if (entries.length === 0) fail('body.orders', 'lists no order');
  return entries.map((entry, i) => {
    if (!text(entry.status_code) && !text(entry.status) && !text(entry.order_status)) fail(`body.orders[${i}].status_code`, 'an order callback needs a status');
    return parseOrderCallback(entry);
  });
}

/** Without a kind, a body with uploader `products` or an `external_id` and no `order` is an uploader callback. */
export function parseProboCallback(body: unknown, kind?: string): CallbackEvent[] {
  if (!isPlainObject(body)) fail('body', 'a Probo callback is a JSON object');
  if (kind !== undefined && kind !== '' && !PROBO_CALLBACK_KINDS.includes(kind)) fail('kind', `unknown Probo callback kind "${kind}"`);
  if (kind !== 'uploader' && !isPlainObject(body.order) && Array.isArray(body.orders)) return statusFormCallback(body);
  const detected = !isPlainObject(body.order) && (Array.isArray(body.products) || body.external_id !== undefined) ? 'uploader' : 'order';
  const uploader = kind === 'uploader' || ((kind === undefined || kind === '') && detected === 'uploader');
  return [uploader ? parseUploaderCallback(body) : parseOrderCallback(body)];
}
