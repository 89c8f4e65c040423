/** ARRI's ordering rules, checked before anything is sent; each error names the field. */
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { ARRI_PRODUCTS, ArriOrderRequest, ArriProduct } from './types';

const STRING_FIELDS = ['admin_user_access_token', 'client_name', 'project_name', 'redirection_uri', 'user_email', 'user_first_name', 'user_last_name', 'user_login'] as const;
const ID_FIELDS = ['client_id', 'project_id'] as const;
const POSTABLE = new Set<string>(['product', ...STRING_FIELDS, ...ID_FIELDS]);
/**
 * The guide calls order_hash a 16-character hexadecimal string, and its
 * example has 32: any length is accepted (bounded, since it goes into the URL).
 */
const ORDER_HASH = /^[0-9a-f]{1,256}$/i;

/** `{order: {...}}` or the inner object. */
export function innerOrder(input: unknown, field: string): { order: Record<string, unknown>; field: string } {
  if (!isPlainObject(input)) throw invalidInput(field, 'expected the order, e.g. {"product": "Yamdu FREE"} or {"order": {"product": "s", "client_name": "…"}}');
  if (isPlainObject(input.order) && input.product === undefined) return { order: input.order, field: `${field}.order` };
  return { order: input, field };
}

export function checkOrder(input: unknown, field = 'msg.payload'): ArriOrderRequest {
  const { order, field: f } = innerOrder(input, field);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(order)) {
    if (value === undefined || value === null) continue;
    if (!POSTABLE.has(key)) throw invalidInput(`${f}.${key}`, `cannot be sent with an order; the attributes are ${[...POSTABLE].join(', ')}`);
    out[key] = value;
  }
  if (typeof out.product !== 'string' || !(ARRI_PRODUCTS as readonly string[]).includes(out.product)) {
    throw invalidInput(`${f}.product`, `must be one of ${ARRI_PRODUCTS.map((p) => `"${p}"`).join(', ')}${typeof out.product === 'string' ? `, not "${out.product}"` : ''}`);
  }
  for (const key of STRING_FIELDS) {
    const v = out[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) throw invalidInput(`${f}.${key}`, 'must be a non-empty string (leave it out when not needed)');
  }
  for (const key of ID_FIELDS) {
    let v = out[key];
    if (v === undefined) continue;
    if (typeof v === 'string' && /^\d{1,15}$/.test(v)) v = Number(v);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw invalidInput(`${f}.${key}`, 'must be a positive whole number');
    out[key] = v;
  }
  if (out.admin_user_access_token === '***') {
    throw invalidInput(`${f}.admin_user_access_token`, 'is the masked "***" from an earlier answer; give the real token');
  }
  if (out.client_id !== undefined && out.client_name !== undefined) {
    throw invalidInput(`${f}.client_name`, 'give client_name for a new client, or client_id for an existing one, not both');
  }
  if (out.project_id !== undefined && out.project_name !== undefined) {
    throw invalidInput(`${f}.project_name`, 'give project_name for a new project, or project_id for an existing one, not both');
  }
  if (out.client_id !== undefined && out.admin_user_access_token === undefined) {
    throw invalidInput(`${f}.admin_user_access_token`, 'is needed with client_id: the OAuth access token of that client\'s admin');
  }
  if (out.project_id !== undefined && out.client_id === undefined) {
    throw invalidInput(`${f}.client_id`, 'is needed with project_id: a project always belongs to a client');
  }
  if (out.user_email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(out.user_email as string)) {
    throw invalidInput(`${f}.user_email`, 'is not an e-mail address');
  }
  return { ...out, product: out.product as ArriProduct } as ArriOrderRequest;
}

export function isOrderHash(value: unknown): value is string {
  return typeof value === 'string' && ORDER_HASH.test(value);
}

/** Order hashes from a hash, an array, an order (`{order_hash}`), `{order: {...}}` or the create envelope. */
export function orderHashes(input: unknown, field = 'msg.payload'): string[] {
  const one = (x: unknown): unknown => {
    if (isPlainObject(x)) {
      if (x.order_hash !== undefined) return x.order_hash;
      if (isPlainObject(x.order)) return x.order.order_hash;
      if (isPlainObject(x.data) && isPlainObject(x.data.order)) return x.data.order.order_hash;
    }
    return x;
  };
  const list = (Array.isArray(input) ? input : [input]).map(one);
  if (list.length === 0) throw invalidInput(field, 'expected an order_hash, an array of them, or the order from place order');
  const bad = list.filter((h) => !isOrderHash(h));
  if (bad.length > 0) throw invalidInput(field, `not an order_hash (hexadecimal): ${bad.slice(0, 5).map((b) => JSON.stringify(b)).join(', ')}`);
  return [...new Set(list as string[])];
}
