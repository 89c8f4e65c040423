/**
 * What the Planviewer operations accept in msg.payload, checked before any
 * request: each function returns exactly the body or id to send, or throws
 * invalid_input naming the field.
 */
import { invalidInput } from '../../core/errors';
import { isPlainObject, preview, uuidList } from '../../core/validate';
import { PlanviewerIntentionsRequest, PlanviewerQuery, PlanviewerSearchRequest } from './types';

const PROVIDER = 'planviewer';
const FIELD = 'msg.payload';
/** Dutch postcodes: four digits (no leading zero) and two letters; written without a space, as the official example does. */
const POSTCODE = /^[1-9][0-9]{3}[A-Z]{2}$/;
const SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/i;

const bad = (field: string, message: string) => invalidInput(field, message, PROVIDER);

/** Accepts what place order and poll status output ([{uuid, job:{uuid}}], {uuid, status}) as well as bare uuids. */
export function jobUuidsFrom(input: unknown): unknown {
  if (Array.isArray(input)) return input.map((x) => (isPlainObject(x) && 'job' in x ? (x.job as { uuid?: unknown } | undefined)?.uuid : x));
  if (isPlainObject(input) && 'job' in input) return (input.job as { uuid?: unknown } | undefined)?.uuid;
  if (isPlainObject(input) && 'uuid' in input) return input.uuid;
  return input;
}

/** The product intentions to order: what intentions found, or nothing available is said so. */
export function orderUuids(input: unknown): string[] {
  const list = isPlainObject(input) ? input.uuids : input;
  if (Array.isArray(list) && list.length === 0) throw bad(`${FIELD}.uuids`, 'no product intention to order: nothing is available for this location and product');
  return uuidList(input, `${FIELD}.uuids`);
}

/** Exactly one job (or order) uuid. */
export function oneJobUuid(input: unknown, field = FIELD): string {
  const list = uuidList(jobUuidsFrom(input), field);
  if (list.length !== 1) throw bad(field, `one job uuid at a time, got ${list.length}`);
  return list[0];
}

/**
 * The documented body `{entity, query}`, or the shorthand
 * `{postcode, housenumber, suffix?}` turned into that body: a `bool` query
 * whose `must` holds one `field` query per part, as the documentation's example.
 */
export function searchRequest(input: unknown): PlanviewerSearchRequest {
  if (!isPlainObject(input)) throw bad(FIELD, 'expected {entity, query} or {postcode, housenumber, suffix?}');
  if ('entity' in input || 'query' in input) {
    if (input.entity !== 'adres' && input.entity !== 'perceel') throw bad(`${FIELD}.entity`, `must be "adres" or "perceel", got ${preview(input.entity)}`);
    const query = input.query;
    if (!isPlainObject(query) || !['bool', 'field', 'dis-max'].some((k) => isPlainObject(query[k]))) {
      throw bad(`${FIELD}.query`, 'must be a structured query: {bool: {must: […]}}, {field: {fields, query}} or {"dis-max": {…}}');
    }
    return { entity: input.entity, query: query as PlanviewerQuery };
  }
  const postcode = typeof input.postcode === 'string' ? input.postcode.replace(/\s+/g, '').toUpperCase() : undefined;
  if (!postcode || !POSTCODE.test(postcode)) throw bad(`${FIELD}.postcode`, `expected a Dutch postcode such as "6512EX", got ${preview(input.postcode)}`);
  const number = typeof input.housenumber === 'string' ? input.housenumber.trim() : input.housenumber;
  const noSuffix = input.suffix === undefined || input.suffix === null || input.suffix === '';
  // "8a" or "8-bis" as a form writes it: the number and its suffix, when no suffix is given apart.
  const written = noSuffix && typeof number === 'string' ? /^(\d+)\s*-?\s*([A-Za-z0-9]{1,4})$/.exec(number) : null;
  const digits = written ? written[1] : number;
  const n = typeof digits === 'number' ? digits : typeof digits === 'string' && /^\d+$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 99999) throw bad(`${FIELD}.housenumber`, `expected a house number such as 2 (a letter or addition goes in suffix), got ${preview(input.housenumber)}`);
  const must: PlanviewerQuery[] = [
    { field: { fields: ['postcode'], query: postcode } },
    { field: { method: 'match', fields: ['huisnummer'], query: String(n) } },
  ];
  const given = written ? written[2] : input.suffix;
  if (given !== undefined && given !== null && given !== '') {
    const suffix = typeof given === 'string' ? given.trim() : '';
    if (!/^[A-Za-z0-9]{1,4}$/.test(suffix)) throw bad(`${FIELD}.suffix`, `expected a house letter or addition such as "a" or "bis", got ${preview(given)}`);
    // One letter is a house letter (huisletter); anything longer an addition (huisnummertoevoeging).
    const field = /^[A-Za-z]$/.test(suffix) ? 'huisletter' : 'huisnummertoevoeging';
    must.push({ field: { fields: [field], query: suffix } });
  }
  return { entity: 'adres', query: { bool: { must } } };
}

/** `{uuids, products}`: location uuids and product slugs; one of each may be given bare. */
export function intentionsRequest(input: unknown): PlanviewerIntentionsRequest {
  if (!isPlainObject(input)) throw bad(FIELD, 'expected {uuids: [location uuid], products: [product slug]}');
  if (Array.isArray(input.uuids) && input.uuids.length === 0) throw bad(`${FIELD}.uuids`, 'no location uuid: did the search find nothing?');
  const uuids = uuidList(input.uuids, `${FIELD}.uuids`);
  const raw = typeof input.products === 'string' ? [input.products] : input.products;
  if (!Array.isArray(raw) || raw.length === 0) throw bad(`${FIELD}.products`, 'expected one or more product slugs, e.g. ["bestemmingsplanrapport"] (see the operation "products")');
  const wrong = raw.filter((p) => typeof p !== 'string' || !SLUG.test(p));
  if (wrong.length > 0) throw bad(`${FIELD}.products`, `not a product slug: ${wrong.slice(0, 3).map(preview).join(', ')}`);
  return { uuids, products: [...new Set(raw as string[])] };
}

/** `{uuid, select}`: the waiting job and the index chosen from its `locaties` (a number, or a one-item list). */
export function selectRequest(input: unknown): { uuid: string; select: number[] } {
  if (!isPlainObject(input)) throw bad(FIELD, 'expected {uuid: job uuid, select: index}');
  const uuid = oneJobUuid(input.uuid, `${FIELD}.uuid`);
  const raw = Array.isArray(input.select) ? input.select : [input.select];
  const select = raw.map((v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v));
  if (select.length === 0 || select.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw bad(`${FIELD}.select`, `expected the index of a location from the operation "waiting" (1, 2, …), got ${preview(input.select)}`);
  }
  return { uuid, select: select as number[] };
}
