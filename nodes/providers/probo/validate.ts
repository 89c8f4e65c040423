/**
 * Checks of Probo request bodies, run before anything is sent. Each error
 * names the exact path (`msg.payload.products[0].uploaders[1].external_id`)
 * so the user can find the field in a Debug node.
 */
import { invalidInput } from '../../core/errors';
import { isLanguageCode, isPlainObject } from '../../core/validate';
import { ProboOrderRequest, ProboPriceRequest, ProboUploaderCreateRequest } from './types';

const PROVIDER = 'probo';
const MAX_ID = 200;

function fail(field: string, message: string): never {
  throw invalidInput(field, message, PROVIDER);
}

/** A Probo id: a non-negative integer or a non-empty string. */
export function isProboId(value: unknown): value is string | number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0;
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_ID;
}

export function checkLanguage(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isLanguageCode(value)) fail(field, `must be an ISO 639-1 language code of two letters (e.g. "nl", "en"), got ${JSON.stringify(value).slice(0, 40)}`);
  return value.toLowerCase();
}

export function checkHttpUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'is required: the URL Probo calls when the upload is confirmed');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(field, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(field, 'must be an http or https URL');
  return value;
}

function checkOptions(value: unknown, field: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(field, 'must be an array of {code, value}');
  value.forEach((o, j) => {
    if (!isPlainObject(o)) fail(`${field}[${j}]`, 'must be an object {code, value?}');
    if (typeof o.code !== 'string' || o.code.trim() === '') fail(`${field}[${j}].code`, 'is required (the option code, e.g. "width")');
    const v = o.value;
    if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      fail(`${field}[${j}].value`, 'must be a string, number or boolean');
    }
  });
}

function checkProducts(value: unknown, field: string, withUploaders: boolean): void {
  if (!Array.isArray(value) || value.length === 0) fail(field, 'must be a non-empty array of products');
  value.forEach((p, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(p)) fail(at, 'must be an object {code, options}');
    if (typeof p.code !== 'string' || p.code.trim() === '') fail(`${at}.code`, 'is required (the Probo product code, e.g. "banner-510")');
    checkOptions(p.options, `${at}.options`);
    if (!withUploaders || p.uploaders === undefined) return;
    if (!Array.isArray(p.uploaders)) fail(`${at}.uploaders`, 'must be an array of {id, external_id}');
    p.uploaders.forEach((u, k) => {
      const ua = `${at}.uploaders[${k}]`;
      if (!isPlainObject(u)) fail(ua, 'must be an object {id, external_id}');
      if (!isProboId(u.id)) fail(`${ua}.id`, 'is required: the uploader session id (both id and external_id are needed)');
      if (!isProboId(u.external_id)) fail(`${ua}.external_id`, 'is required: the uploader session external_id (both id and external_id are needed)');
    });
  });
}

export function checkPriceRequest(input: unknown, field: string): ProboPriceRequest {
  if (!isPlainObject(input)) fail(field, 'must be an object {language?, products: [{code, options}]}');
  checkProducts(input.products, `${field}.products`, false);
  const language = checkLanguage(input.language, `${field}.language`);
  return { ...input, ...(language ? { language } : {}) } as ProboPriceRequest;
}

export function checkUploaderRequest(input: unknown, field: string): ProboUploaderCreateRequest {
  if (!isPlainObject(input)) fail(field, 'must be an object {calculation_id, callback_url, language?}');
  const calc = input.calculation_id;
  if (!(typeof calc === 'number' && Number.isInteger(calc) && calc > 0) && !(typeof calc === 'string' && /^\d+$/.test(calc))) {
    fail(`${field}.calculation_id`, 'is required: the calculation_id from a price or configure answer (a positive integer)');
  }
  const callback_url = checkHttpUrl(input.callback_url, `${field}.callback_url`);
  const language = checkLanguage(input.language, `${field}.language`);
  return { calculation_id: calc, callback_url, ...(language ? { language } : {}) };
}

export function checkOrder(input: unknown, field: string): ProboOrderRequest {
  if (!isPlainObject(input)) fail(field, 'must be the order object {id, reference, products, deliveries}');
  if (!isProboId(input.id)) fail(`${field}.id`, 'is required: your own unique order id (Probo refuses a repeated id)');
  if (input.reference !== undefined && typeof input.reference !== 'string') fail(`${field}.reference`, 'must be a string');
  if (input.order_type !== undefined && input.order_type !== 'test' && input.order_type !== 'production') {
    fail(`${field}.order_type`, 'must be "test" or "production"');
  }
  checkProducts(input.products, `${field}.products`, true);
  if (input.deliveries !== undefined && !Array.isArray(input.deliveries)) fail(`${field}.deliveries`, 'must be an array');
  return input as ProboOrderRequest;
}

/** Order ids for /order/status: one id, an array, `{id}`, `{orders:[{id}]}` or an order answer. */
export function orderIds(input: unknown, field: string): string[] {
  const out: string[] = [];
  const add = (v: unknown, at: string): void => {
    if (isPlainObject(v)) {
      if (Array.isArray(v.orders)) {
        v.orders.forEach((o, i) => add(o, `${at}.orders[${i}]`));
        return;
      }
      if (isPlainObject(v.order)) return add(v.order, `${at}.order`);
      return add(v.id, `${at}.id`);
    }
    if (!isProboId(v)) fail(at, 'expected an order id (string or number), an array of them, {id} or {orders: [{id}]}');
    out.push(String(v));
  };
  if (Array.isArray(input)) {
    if (input.length === 0) fail(field, 'no order ids given');
    input.forEach((v, i) => add(v, `${field}[${i}]`));
  } else add(input, field);
  return [...new Set(out)];
}
