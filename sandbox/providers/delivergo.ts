/**
 * delivergo Resale Unit emulation, as delivergo documents it: JSON and XML
 * from one in-memory store: `/delivergo/portal/{ns}/api/Customer/{guid}/ResaleUnits`
 * with list GET, add PUT, update POST, delete DELETE (with a body `{"Id": 1}`).
 *
 * The request's Content-Type says how its body is read; the answer format is
 * the `format` query parameter (json or xml) if given, else Accept (default
 * json), the two ways delivergo's general page names. JSON dates are
 * `\/Date(ms+0100)\/`, XML dates `xs:dateTime` with the same offset
 * (`2011-03-09T17:03:17.893+01:00`), so both formats carry the same instant.
 *
 * Test values:
 *   - any portal namespace; the customer GUID must be a GUID.
 *     Customer `00000000-0000-0000-0000-000000000000` does not exist (404).
 *   - every customer starts with the documented example unit: Id 1, Guid 97c4a982-…, Created \/Date(1299686597893+0100)\/.
 *   - HTTP Basic with any key and secret; the key `denied` is refused (401).
 *   - add answers 200 with the stored unit (new Id, Guid, Created, Creator);
 *     update answers the changed unit (Modified, Modifier set); delete answers
 *     the deleted unit; an unknown Id answers 404.
 */
import { randomUUID } from 'crypto';
import { Router, RouteContext } from '../router';
import { fromXml, parseXml, toXml, xs, XmlSchema } from '../../nodes/core/xml';
import { escapeMsDatesInJson, isoToMsDate, msDateToIso } from '../../nodes/core/msdate';

export const DELIVERGO_SANDBOX = {
  portalNamespace: 'sandbox-portal',
  customerGuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  missingCustomer: '00000000-0000-0000-0000-000000000000',
  deniedKey: 'denied',
  exampleUnitGuid: '97c4a982-be25-41d4-b8c3-8a6d9b3ba86f',
  exampleCreator: '1186f976-8aae-4929-b6f2-3ce99553e248',
  exampleCreatedMs: 1299686597893,
} as const;

const NS = 'http://delivergo.net/portal/api';
const ZONE = '+0100';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Translation {
  LanguageToken: string;
  Name: string;
  Description?: string | null;
}

export interface StoredUnit {
  Id: number;
  Guid: string;
  CurrencyToken: string;
  Created: number;
  Creator: string;
  Modified: number | null;
  Modifier: string | null;
  Active: boolean;
  ResaleUnitTranslation: Translation[];
}

export interface DelivergoState {
  customers: Map<string, Map<number, StoredUnit>>;
  nextId: number;
  /** Body format of every unit-changing request seen, newest last. */
  received: Array<{ method: string; format: 'json' | 'xml'; body: string }>;
  /** Format of every answer written (from the request's Accept). */
  answered: Array<'json' | 'xml'>;
  /** The Authorization header of every Resale Unit call, as sent. */
  authorizations: string[];
}

const SCHEMA: XmlSchema = xs.object({
  Id: xs.number,
  Guid: xs.string,
  CurrencyToken: xs.string,
  Creator: xs.string,
  Created: xs.string,
  Modifier: xs.string,
  Modified: xs.string,
  Active: xs.boolean,
  ResaleUnitTranslation: xs.list('ResaleUnitTranslation', xs.object({ LanguageToken: xs.string, Name: xs.string, Description: xs.string })),
});

function exampleUnit(): StoredUnit {
  return {
    Id: 1,
    Guid: DELIVERGO_SANDBOX.exampleUnitGuid,
    CurrencyToken: 'EUR',
    Created: DELIVERGO_SANDBOX.exampleCreatedMs,
    Creator: DELIVERGO_SANDBOX.exampleCreator,
    Modified: null,
    Modifier: null,
    Active: true,
    ResaleUnitTranslation: [{ LanguageToken: 'DE', Name: 'Name', Description: 'Description' }],
  };
}

function wantsXml(ctx: RouteContext): boolean {
  const format = ctx.query.get('format');
  if (format) return /^xml$/i.test(format);
  return /xml/i.test(String(ctx.req.headers.accept ?? ''));
}

function wire(unit: StoredUnit, xml: boolean): Record<string, unknown> {
  const date = (ms: number | null): string | null => (ms === null ? null : xml ? String(msDateToIso(`/Date(${ms}${ZONE})/`)) : `/Date(${ms}${ZONE})/`);
  return { ...unit, Created: date(unit.Created), Modified: date(unit.Modified) };
}

function answer(ctx: RouteContext, status: number, body: StoredUnit | StoredUnit[], state: DelivergoState): void {
  state.answered.push(wantsXml(ctx) ? 'xml' : 'json');
  if (wantsXml(ctx)) {
    const xml = Array.isArray(body) ? listXml(body) : toXml('ResaleUnit', wire(body, true), SCHEMA, { namespace: NS });
    return ctx.send(status, xml, { 'Content-Type': 'application/xml; charset=utf-8' });
  }
  const json = escapeMsDatesInJson(JSON.stringify(Array.isArray(body) ? body.map((u) => wire(u, false)) : wire(body, false)));
  ctx.send(status, json, { 'Content-Type': 'application/json; charset=utf-8' });
}

/** `<ArrayOfResaleUnit><ResaleUnit>…</ResaleUnit>…</ArrayOfResaleUnit>`, the WCF list shape. */
function listXml(units: StoredUnit[]): string {
  return toXml('ArrayOfResaleUnit', units.map((u) => wire(u, true)), xs.list('ResaleUnit', SCHEMA), { namespace: NS });
}

function fail(ctx: RouteContext, status: number, message: string): void {
  if (wantsXml(ctx)) {
    return ctx.send(status, toXml('Error', { Message: message }, xs.object({ Message: xs.string }), { namespace: NS }), { 'Content-Type': 'application/xml; charset=utf-8' });
  }
  ctx.send(status, { Message: message });
}

function user(ctx: RouteContext): string | undefined {
  const m = /^Basic (.+)$/.exec(ctx.req.headers.authorization ?? '');
  if (!m) return undefined;
  const [key, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  return key && rest.join(':') && key !== DELIVERGO_SANDBOX.deniedKey ? key : undefined;
}

async function readUnit(ctx: RouteContext, state: DelivergoState): Promise<Record<string, unknown>> {
  const text = (await ctx.body()).toString('utf8');
  const isXml = /xml/i.test(String(ctx.req.headers['content-type'] ?? ''));
  state.received.push({ method: ctx.method, format: isXml ? 'xml' : 'json', body: text });
  if (!isXml) {
    if (!/json/i.test(String(ctx.req.headers['content-type'] ?? ''))) throw new Error('Content-Type must be application/json or application/xml');
    const data = JSON.parse(text) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('expected one ResaleUnit object');
    return data as Record<string, unknown>;
  }
  if (!text.includes(`xmlns="${NS}"`)) throw new Error(`the ResaleUnit element must be in the namespace ${NS}`);
  const doc = parseXml(text);
  if (doc.root !== 'ResaleUnit') throw new Error(`expected a <ResaleUnit> element, got <${doc.root}>`);
  return fromXml(doc.content, SCHEMA) as Record<string, unknown>;
}

function translationsOf(value: unknown): Translation[] | string {
  if (!Array.isArray(value) || value.length === 0) return 'ResaleUnitTranslation needs at least one item';
  for (const t of value as Array<Record<string, unknown>>) {
    if (!t || typeof t.LanguageToken !== 'string' || !/^[a-z]{2}$/i.test(t.LanguageToken)) return 'LanguageToken must be a two letter ISO 639-1 code';
    if (typeof t.Name !== 'string' || t.Name === '') return 'Name is required';
  }
  return (value as Translation[]).map((t) => ({ LanguageToken: t.LanguageToken, Name: t.Name, ...(t.Description !== undefined ? { Description: t.Description } : {}) }));
}

function dateMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = /^\/Date\((-?\d+)/.exec(value) ?? /^\/Date\((-?\d+)/.exec(isoToMsDate(value) ?? '');
  return ms ? Number(ms[1]) : undefined;
}

export function delivergoRoutes(router: Router, prefix: string): DelivergoState {
  const state: DelivergoState = { customers: new Map(), nextId: 2, received: [], answered: [], authorizations: [] };
  const path = `${prefix}/portal/:ns/api/Customer/:customer/ResaleUnits`;

  const store = (ctx: RouteContext): Map<number, StoredUnit> | undefined => {
    const key = `${ctx.params.ns}/${ctx.params.customer.toLowerCase()}`;
    let units = state.customers.get(key);
    if (!units) {
      units = new Map([[1, exampleUnit()]]);
      state.customers.set(key, units);
    }
    return units;
  };

  const handler = (fn: (ctx: RouteContext, units: Map<number, StoredUnit>, who: string) => Promise<void> | void) => async (ctx: RouteContext) => {
    state.authorizations.push(String(ctx.req.headers.authorization ?? ''));
    const who = user(ctx);
    if (!who) return fail(ctx, 401, 'Unauthorized');
    if (!GUID.test(ctx.params.customer) || ctx.params.customer === DELIVERGO_SANDBOX.missingCustomer) return fail(ctx, 404, `Customer ${ctx.params.customer} not found`);
    const units = store(ctx);
    if (!units) return fail(ctx, 404, 'not found');
    try {
      await fn(ctx, units, who);
    } catch (e) {
      fail(ctx, 400, (e as Error).message);
    }
  };
  const creatorOf = (who: string): string => `${Buffer.from(who).toString('hex').padEnd(8, '0').slice(0, 8)}-0000-4000-8000-000000000001`;

  router.add('GET', path, handler((ctx, units) => answer(ctx, 200, [...units.values()], state)));

  router.add('PUT', path, handler(async (ctx, units, who) => {
    const body = await readUnit(ctx, state);
    if (body.Id !== undefined && body.Id !== null) return fail(ctx, 400, 'Id is given by the server on add');
    if (typeof body.Active !== 'boolean') return fail(ctx, 400, 'Active is required');
    const translations = translationsOf(body.ResaleUnitTranslation);
    if (typeof translations === 'string') return fail(ctx, 400, translations);
    const currency = body.CurrencyToken ?? 'EUR';
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/i.test(currency)) return fail(ctx, 400, 'CurrencyToken must be three letters');
    const unit: StoredUnit = {
      Id: state.nextId++,
      Guid: randomUUID(),
      CurrencyToken: currency.toUpperCase(),
      Created: Date.now(),
      Creator: creatorOf(who),
      Modified: null,
      Modifier: null,
      Active: body.Active,
      ResaleUnitTranslation: translations,
    };
    units.set(unit.Id, unit);
    answer(ctx, 200, unit, state);
  }));

  router.add('POST', path, handler(async (ctx, units, who) => {
    const body = await readUnit(ctx, state);
    const unit = typeof body.Id === 'number' ? units.get(body.Id) : undefined;
    if (!unit) return fail(ctx, 404, `ResaleUnit ${String(body.Id)} not found`);
    if (body.Active !== undefined) {
      if (typeof body.Active !== 'boolean') return fail(ctx, 400, 'Active must be true or false');
      unit.Active = body.Active;
    }
    if (body.ResaleUnitTranslation !== undefined) {
      const translations = translationsOf(body.ResaleUnitTranslation);
      if (typeof translations === 'string') return fail(ctx, 400, translations);
      unit.ResaleUnitTranslation = translations;
    }
    if (typeof body.CurrencyToken === 'string') unit.CurrencyToken = body.CurrencyToken.toUpperCase();
    if (dateMs(body.Created) !== undefined) return fail(ctx, 400, 'Created is set by the server');
    unit.Modified = Date.now();
    unit.Modifier = creatorOf(who);
    answer(ctx, 200, unit, state);
  }));

  router.add('DELETE', path, handler(async (ctx, units) => {
    const body = await readUnit(ctx, state);
    const unit = typeof body.Id === 'number' ? units.get(body.Id) : undefined;
    if (!unit) return fail(ctx, 404, `ResaleUnit ${String(body.Id)} not found`);
    units.delete(unit.Id);
    answer(ctx, 200, unit, state);
  }));

  return state;
}
