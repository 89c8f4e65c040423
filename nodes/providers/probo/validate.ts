/**
 * Checks of Probo request bodies, run once before anything is sent. Each
 * error names the exact path (`msg.payload.products[0].uploaders[1].external_id`)
 * so the user can find the field in a Debug node. The rules are those of
 * Probo's Reseller API specification and guides.
 */
import { invalidInput } from '../../core/errors';
import { isLanguageCode, isPlainObject, preview } from '../../core/validate';
import { ProboOrderRef, ProboOrderRequest, ProboPriceRequest, ProboProductsQuery, ProboUploaderCreateRequest } from './types';

const PROVIDER = 'probo';
const MAX_ID = 200;
/** The order id: "May only contain the following characters: a-zA-Z0-9_-". */
const ORDER_ID = /^[A-Za-z0-9_-]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A product entry of an order takes these keys and no other (specification: `additionalProperties: false`). */
const ORDER_PRODUCT_KEYS = ['code', 'customer_code', 'id', 'reference', 'options', 'files', 'uploaders', 'uploader'];

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
  if (!isLanguageCode(value)) fail(field, `must be an ISO 639-1 language code of two letters (e.g. "nl", "en"), got ${preview(value)}`);
  return value.toLowerCase();
}

export function checkHttpUrl(value: unknown, field: string, what = 'the URL Probo calls when the upload is confirmed'): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, `is required: ${what}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(field, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(field, 'must be an http or https URL');
  return value;
}

/** An option is `{code, value?}` and nothing else; `value` a string, a number or null (Probo's specification). */
function checkOptions(value: unknown, field: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(field, 'must be an array of {code, value}');
  value.forEach((o, j) => {
    if (!isPlainObject(o)) fail(`${field}[${j}]`, 'must be an object {code, value?}');
    if (typeof o.code !== 'string' || o.code.trim() === '') fail(`${field}[${j}].code`, 'is required (the option code, e.g. "width")');
    const extra = Object.keys(o).find((k) => k !== 'code' && k !== 'value');
    if (extra !== undefined) fail(`${field}[${j}].${extra}`, 'is not a field of an option: Probo takes {code, value?} only');
    const v = o.value;
    if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') {
      fail(`${field}[${j}].value`, `must be a string, a number or null, got ${preview(v)}`);
    }
  });
}

type ProductUse = 'price' | 'configure' | 'order';

/** A Probo integer: a whole number, or a string of digits (as a form or a template gives it) turned into one. */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * `uploaders: [{id, external_id}]`: Probo's specification takes both as
 * integers and no other key, so digit strings are sent as numbers and the
 * `url` / `product_id` of an uploader session node's output are left out.
 */
function checkUploaders(value: unknown, at: string): Array<{ id: number; external_id: number }> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`${at}.uploaders`, 'must be an array of {id, external_id}');
  return value.map((u, k) => {
    const ua = `${at}.uploaders[${k}]`;
    if (!isPlainObject(u)) fail(ua, 'must be an object {id, external_id}');
    if (!isProboId(u.id)) fail(`${ua}.id`, 'is required: the uploader session id (both id and external_id are needed)');
    if (!isProboId(u.external_id)) fail(`${ua}.external_id`, 'is required: the uploader session external_id (both id and external_id are needed; when the create answer has none, the uploader callback carries it)');
    const id = integerOf(u.id);
    if (id === undefined) fail(`${ua}.id`, `must be the uploader session's id, a whole number, got ${preview(u.id)}`);
    const externalId = integerOf(u.external_id);
    if (externalId === undefined) fail(`${ua}.external_id`, `must be the uploader session's external_id, a whole number, got ${preview(u.external_id)}`);
    return { id, external_id: externalId };
  });
}

/** Checks the products; for an order, returns them with their uploaders as Probo takes them. */
function checkProducts(value: unknown, field: string, use: ProductUse): unknown[] {
  if (!Array.isArray(value) || value.length === 0) fail(field, 'must be a non-empty array of products');
  return value.map((p, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(p)) fail(at, 'must be an object {code, options}');
    const byCode = typeof p.code === 'string' && p.code.trim() !== '';
    const byCustomerCode = use !== 'configure' && typeof p.customer_code === 'string' && p.customer_code.trim() !== '';
    if (!byCode && !byCustomerCode) {
      fail(`${at}.code`, use === 'configure' ? 'is required (the Probo product code, e.g. "banner-510")' : 'is required (the Probo product code, e.g. "banner-510"), or customer_code for a product saved in your webshop');
    }
    checkOptions(p.options, `${at}.options`);
    if (use !== 'order') return p;
    const extra = Object.keys(p).find((k) => !ORDER_PRODUCT_KEYS.includes(k));
    if (extra !== undefined) fail(`${at}.${extra}`, `is not a field Probo takes in an order's product (it takes ${ORDER_PRODUCT_KEYS.join(', ')})`);
    if (p.reference !== undefined && (typeof p.reference !== 'string' || p.reference.length > 255)) fail(`${at}.reference`, 'must be a string of at most 255 characters');
    if (p.files !== undefined && !Array.isArray(p.files)) fail(`${at}.files`, 'must be an array of files ({uri} or {id})');
    if (p.uploader !== undefined && typeof p.uploader !== 'boolean') fail(`${at}.uploader`, 'must be true or false');
    const uploaders = checkUploaders(p.uploaders, at);
    return uploaders ? { ...p, uploaders } : p;
  });
}

export function checkPriceRequest(input: unknown, field: string, use: 'price' | 'configure' = 'price'): ProboPriceRequest {
  if (!isPlainObject(input)) fail(field, 'must be an object {language?, products: [{code, options}], deliveries?}');
  checkProducts(input.products, `${field}.products`, use);
  if (input.deliveries !== undefined && !Array.isArray(input.deliveries)) fail(`${field}.deliveries`, 'must be an array');
  const language = checkLanguage(input.language, `${field}.language`);
  return { ...input, ...(language ? { language } : {}) } as ProboPriceRequest;
}

export function checkUploaderRequest(input: unknown, field: string): ProboUploaderCreateRequest {
  if (!isPlainObject(input)) fail(field, 'must be an object {calculation_id, callback_url, language?}');
  // Probo's specification takes an integer: digits given as a string (an inject, a form) are sent as a number.
  const calc = integerOf(input.calculation_id);
  if (calc === undefined || calc < 1) {
    fail(`${field}.calculation_id`, 'is required: the calculation_id from a price or configure answer (a positive integer)');
  }
  const callback_url = checkHttpUrl(input.callback_url, `${field}.callback_url`);
  const language = checkLanguage(input.language, `${field}.language`);
  return { calculation_id: calc, callback_url, ...(language ? { language } : {}) };
}

/** `callback_urls` (an array), plus a `callback_url` string or array: one list, checked, without repeats. */
function callbackUrls(input: Record<string, unknown>, field: string): string[] | undefined {
  const out: string[] = [];
  const take = (value: unknown, at: string): void => {
    if (value === undefined || value === null) return;
    const list = Array.isArray(value) ? value : [value];
    list.forEach((u, i) => out.push(checkHttpUrl(u, Array.isArray(value) ? `${at}[${i}]` : at, 'the URL Probo posts the order\'s status changes to')));
  };
  if (input.callback_urls !== undefined && !Array.isArray(input.callback_urls)) fail(`${field}.callback_urls`, 'must be an array of URLs');
  take(input.callback_urls, `${field}.callback_urls`);
  take(input.callback_url, `${field}.callback_url`);
  return out.length > 0 ? [...new Set(out)] : undefined;
}

/**
 * The order as Probo's specification requires it (`id`, `reference`,
 * `deliveries`, `products`). A `callback_url` given by a flow is sent as
 * `callback_urls`; an integer `id` is sent as the string Probo expects.
 */
export function checkOrder(input: unknown, field: string): ProboOrderRequest {
  if (!isPlainObject(input)) fail(field, 'must be the order object {id, reference, products, deliveries}');
  const rawId = input.id;
  if (!(typeof rawId === 'number' && Number.isInteger(rawId) && rawId >= 0) && !(typeof rawId === 'string' && rawId !== '')) {
    fail(`${field}.id`, 'is required: your own unique order id (letters, digits, _ and -)');
  }
  const id = String(rawId);
  if (id.length > MAX_ID || !ORDER_ID.test(id)) fail(`${field}.id`, `may only contain letters, digits, _ and - (Probo's rule), got ${preview(rawId)}`);
  if (typeof input.reference !== 'string' || input.reference === '') fail(`${field}.reference`, 'is required: your reference for the order (a non-empty string; it need not be unique)');
  if (input.order_type !== undefined && input.order_type !== 'test' && input.order_type !== 'production') {
    fail(`${field}.order_type`, 'must be "test" or "production"');
  }
  const products = checkProducts(input.products, `${field}.products`, 'order');
  if (!Array.isArray(input.deliveries) || input.deliveries.length === 0) fail(`${field}.deliveries`, 'is required: a non-empty array of deliveries ({address, delivery_date_preset, shipping_method_preset} …)');
  input.deliveries.forEach((d, i) => {
    if (!isPlainObject(d)) fail(`${field}.deliveries[${i}]`, 'must be an object with the address and the delivery choice');
  });
  if (input.error_email_addresses !== undefined && (!Array.isArray(input.error_email_addresses) || input.error_email_addresses.some((e) => typeof e !== 'string'))) {
    fail(`${field}.error_email_addresses`, 'must be an array of e-mail addresses');
  }
  const urls = callbackUrls(input, field);
  const { callback_url: _single, callback_urls: _list, ...rest } = input;
  void _single;
  void _list;
  return { ...rest, id, products, ...(urls ? { callback_urls: urls } : {}) } as ProboOrderRequest;
}

/** Order ids for /order/status: one id, an array, `{id}`, `{orders:[{id}]}` or place order's output. */
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

/** The order to cancel or release: your id (a bare value or `{id}`) or `{supplier_order_number}`. */
export function checkOrderRef(input: unknown, field: string): ProboOrderRef {
  if (typeof input === 'string' || typeof input === 'number') {
    if (!isProboId(input)) fail(field, 'expected your order id, {id} or {supplier_order_number}');
    return { id: input };
  }
  if (!isPlainObject(input)) fail(field, 'expected your order id, {id} or {supplier_order_number}');
  const source = isPlainObject(input.order) && input.id === undefined && input.supplier_order_number === undefined ? input.order : input;
  const at = source === input ? field : `${field}.order`;
  const hasId = source.id !== undefined;
  const hasNumber = source.supplier_order_number !== undefined;
  if (hasId && hasNumber) fail(at, 'give either id or supplier_order_number, not both');
  if (hasId) {
    if (!isProboId(source.id)) fail(`${at}.id`, 'must be your order id (a string or an integer)');
    return { id: source.id };
  }
  if (hasNumber) {
    if (!isProboId(source.supplier_order_number)) fail(`${at}.supplier_order_number`, "must be Probo's order number (an integer or a string)");
    return { supplier_order_number: source.supplier_order_number };
  }
  return fail(field, 'needs id (your order id) or supplier_order_number (Probo\'s)');
}

function positiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(field, `must be a whole number of at least 1, got ${preview(value)}`);
  return n;
}

function date(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !DATE.test(value)) fail(field, `must be a date yyyy-mm-dd, got ${preview(value)}`);
  return value;
}

export interface ProductsInput {
  query: ProboProductsQuery;
  /** Every page, one after another. */
  all: boolean;
  /** With `all`: stop after this many pages. */
  maxPages: number;
}

export const MAX_CATALOGUE_PAGES = 100;

/** `{page?, per_page?, language?, updated_at_from?, updated_at_to?}` for one page; `{all: true, …}` for every page. */
export function checkProductsInput(input: unknown, field: string): ProductsInput {
  if (input === undefined || input === null || input === '') return { query: {}, all: false, maxPages: MAX_CATALOGUE_PAGES };
  if (!isPlainObject(input)) fail(field, 'must be an object {page?, per_page?, language?, updated_at_from?, updated_at_to?} or {all: true, …}');
  const known = ['page', 'per_page', 'language', 'updated_at_from', 'updated_at_to', 'all', 'max_pages'];
  const extra = Object.keys(input).find((k) => !known.includes(k));
  if (extra !== undefined) fail(`${field}.${extra}`, `is not a catalogue parameter (use ${known.join(', ')})`);
  if (input.all !== undefined && typeof input.all !== 'boolean') fail(`${field}.all`, 'must be true or false');
  const all = input.all === true;
  const page = positiveInt(input.page, `${field}.page`);
  if (all && page !== undefined) fail(`${field}.page`, 'cannot be combined with all: true (all pages are read from the first)');
  const maxPages = positiveInt(input.max_pages, `${field}.max_pages`) ?? MAX_CATALOGUE_PAGES;
  const query: ProboProductsQuery = {};
  if (page !== undefined) query.page = page;
  const perPage = positiveInt(input.per_page, `${field}.per_page`);
  if (perPage !== undefined) query.per_page = perPage;
  const language = checkLanguage(input.language, `${field}.language`);
  if (language) query.language = language;
  const from = date(input.updated_at_from, `${field}.updated_at_from`);
  if (from) query.updated_at_from = from;
  const to = date(input.updated_at_to, `${field}.updated_at_to`);
  if (to) query.updated_at_to = to;
  return { query, all, maxPages };
}

/** A product code (`"banner-510"`) or `{code, language?}`. */
export function checkProductInput(input: unknown, field: string): { code: string; language?: string } {
  const source = isPlainObject(input) ? input : { code: input };
  const at = isPlainObject(input) ? `${field}.code` : field;
  const code = source.code;
  if (typeof code !== 'string' || code.trim().length < 2) fail(at, 'is required: a Probo product code such as "banner-510"');
  const language = checkLanguage(source.language, `${field}.language`);
  return { code: code.trim(), ...(language ? { language } : {}) };
}
