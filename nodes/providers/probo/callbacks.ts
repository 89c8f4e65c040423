/**
 * Probo's pushed callbacks as provider-neutral events: uploader sessions
 * (seed 000: `confirmed` / `processed`, files, warnings) and order updates
 * (queued, accepted, not_accepted, shipments with tracking). Parsed
 * tolerantly; what decides a repeat is the dedupe key.
 */
import { createHash } from 'crypto';
import { CallbackEvent } from '../../core/capabilities';
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { isProboId } from './validate';
import { ProboShipment } from './types';

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

export function parseOrderCallback(body: Record<string, unknown>): CallbackEvent {
  const id = body.id ?? body.order_id ?? (isPlainObject(body.order) ? body.order.id : undefined);
  if (!isProboId(id)) fail('body.id', 'an order callback needs the order id');
  const status = typeof body.status === 'string' ? body.status : typeof body.order_status === 'string' ? body.order_status : undefined;
  if (!status) fail('body.status', 'an order callback needs a status');
  const shipments = (Array.isArray(body.shipments) ? body.shipments : []).filter(isPlainObject) as ProboShipment[];
  const tracking = shipments
    .filter((s) => s.tracking_code !== undefined || s.tracking_url !== undefined)
    .map((s) => ({ carrier: s.carrier, tracking_code: s.tracking_code, tracking_url: s.tracking_url }));
  return {
    dedupeKey: `probo:order:${hash(`${String(id)}\n${status}`)}`,
    payload: body,
    fields: { eventType: 'order', status, order: { id, ...(typeof body.reference === 'string' ? { reference: body.reference } : {}) }, tracking },
  };
}

/** Without a kind, a body with `products` and no order status is an uploader callback. */
export function parseProboCallback(body: unknown, kind?: string): CallbackEvent[] {
  if (!isPlainObject(body)) fail('body', 'a Probo callback is a JSON object');
  if (kind !== undefined && kind !== '' && !PROBO_CALLBACK_KINDS.includes(kind)) fail('kind', `unknown Probo callback kind "${kind}"`);
  const uploader = kind === 'uploader' || ((kind === undefined || kind === '') && (Array.isArray(body.products) || body.external_id !== undefined));
  return [uploader ? parseUploaderCallback(body) : parseOrderCallback(body)];
}
