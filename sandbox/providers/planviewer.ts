/**
 * Planviewer Product API emulation, as the provider's documentation shows it:
 * products, location search, intentions, orders, job status, results (PDF, or
 * JSON for the `-json` products), the "waiting for user" choice and the
 * documents linked to a Kadaster order. Jobs advance one step each time a
 * status request includes them: initial 0/4, in_progress 1/4 .. 4/4, finished.
 *
 * Addresses (search by postcode + house number):
 *   6512EX 2   Castellastraat 2, 6512EX Nijmegen (also finds Castellastraat 52, scored lower)
 *   9999AA 8 a Dorpsweg 8a, 9999AA Groningen: two parcels, so `eigendomsinformatie`
 *              (and its -kik5 / -json variants) stops at `waiting for user`
 *   6811LW 61  Utrechtsestraat 61, 6811LW Arnhem
 * Every product of the list is available at these addresses except the person
 * lists (`objectlijstpersoon-*`): their intentions answer is an empty array.
 *
 * Test uuids (product intentions), any other valid uuid orders normally:
 *   00000000-0000-4000-8000-000000000402  order -> 402 payment required
 *   00000000-0000-4000-8000-000000000429  order -> 429 daily cap
 *   00000000-0000-4000-8000-000000000400  order -> 400 invalid set of uuids
 *   00000000-0000-4000-8000-0000000000e1  job ends in `error`
 *   00000000-0000-4000-8000-0000000000a1  job stops at `waiting for user`, continues after select
 *   00000000-0000-4000-8000-000000000403  job finishes, retrieve -> 403
 * Jobs that exist from the start (the ones the documentation's examples use):
 *   e0ff72f8-ed75-44f8-8bff-d31a7088acc2  always waiting for user (select is accepted, the job stays)
 *   9dee3afd-3079-47e0-91f1-ab6e1d58f11a  a finished `eigendomsinformatie` order with linked documents
 * Access key `denied` is refused with 401. The daily cap counts per access key.
 * With `state.honourAccept`, retrieve answers 406 to an Accept header that
 * rules out the result's type (the documentation's example sends none).
 */
import { createHash } from 'crypto';
import { Router, RouteContext } from '../router';
import { samplePdf } from '../pdf';
import { accepts } from '../accept';

export const PLANVIEWER_TEST_UUIDS = {
  paymentRequired: '00000000-0000-4000-8000-000000000402',
  dailyCap: '00000000-0000-4000-8000-000000000429',
  invalid: '00000000-0000-4000-8000-000000000400',
  endsInError: '00000000-0000-4000-8000-0000000000e1',
  waitsForUser: '00000000-0000-4000-8000-0000000000a1',
  forbiddenResult: '00000000-0000-4000-8000-000000000403',
  normal: '0fe30323-a86e-4048-a7e7-6d60c3365dcb',
  /** The documentation's waiting job: always waiting for the user. */
  exampleWaitingJob: 'e0ff72f8-ed75-44f8-8bff-d31a7088acc2',
  /** The documentation's finished job: a Kadaster order with documents. */
  exampleFinishedJob: '9dee3afd-3079-47e0-91f1-ab6e1d58f11a',
} as const;

/** The published product slugs, with names. */
export const PLANVIEWER_PRODUCTS: ReadonlyArray<{ slug: string; name: string }> = [
  { slug: 'bestemmingsplanrapport', name: 'Bestemmingsplanrapport' },
  { slug: 'vraagprijsrapport', name: 'Vraagprijsrapport' },
  { slug: 'maatvoering-perceel', name: 'Maatvoering perceel' },
  { slug: 'percelenrapport', name: 'Percelenrapport' },
  { slug: 'kadastraledocumenten', name: 'Kadastrale documenten' },
  { slug: 'bestemmingsplankaart', name: 'Bestemmingsplankaart' },
  { slug: 'uittreksel-kadastrale-kaart', name: 'Uittreksel kadastrale kaart' },
  { slug: 'koopsomoverzicht', name: 'Koopsomoverzicht' },
  { slug: 'objectlijstrechthebbende', name: 'Objectlijst rechthebbende' },
  { slug: 'eigendomsinformatie', name: 'Eigendomsinformatie' },
  { slug: 'hypotheekinformatie', name: 'Hypotheekinformatie' },
  { slug: 'eigendomsinformatie-kik5', name: 'Eigendomsinformatie (KIK 5)' },
  { slug: 'uittreksel-kadastrale-kaart-kik6', name: 'Uittreksel kadastrale kaart (KIK 6)' },
  { slug: 'brondocument', name: 'Brondocument' },
  { slug: 'objectlijstpersoon-json', name: 'Objectlijst persoon (JSON)' },
  { slug: 'objectlijstpersoon-pdf', name: 'Objectlijst persoon (PDF)' },
  { slug: 'hypotheekinformatie-json', name: 'Hypotheekinformatie (JSON)' },
  { slug: 'eigendomsinformatie-json', name: 'Eigendomsinformatie (JSON)' },
];

interface Address {
  uuid: string;
  title: string;
  properties: { type: 'adres'; postcode: string; huisnummer: string; huisnummertoevoeging: string | null; huisletter: string | null; openbareruimtenaam: string; woonplaatsnaam: string };
  /** Parcels the address lies on; more than one makes some Kadaster products ask the user. */
  parcels: string[];
}

function address(uuid: string, street: string, number: string, letter: string | null, postcode: string, city: string, parcels: string[]): Address {
  return {
    uuid,
    title: `${street} ${number}${letter ?? ''}, ${postcode} ${city}`,
    properties: { type: 'adres', postcode, huisnummer: number, huisnummertoevoeging: null, huisletter: letter, openbareruimtenaam: street, woonplaatsnaam: city },
    parcels,
  };
}

export const PLANVIEWER_ADDRESSES: readonly Address[] = [
  address('9d3e1336-4093-4825-abde-46346805abb2', 'Castellastraat', '2', null, '6512EX', 'Nijmegen', ['Nijmegen B 4512 Castellastraat 2 6512EX Nijmegen']),
  address('98acb62e-c6e2-4f50-9e24-a6f3458f6669', 'Castellastraat', '52', null, '6512EX', 'Nijmegen', ['Nijmegen B 4560 Castellastraat 52 6512EX Nijmegen']),
  address('5b0c7f4e-2d8a-4c61-9e3b-7a1f0d2c9e84', 'Dorpsweg', '8', 'a', '9999AA', 'Groningen', [
    'Hoogkerk A 100 Dorpsweg 8 a 9999AA Groningen t.n.v. J. Jansen',
    'Hoogkerk A 101 Dorpsweg 8 9999AA Groningen t.n.v. Jo. de Jong',
  ]),
  address('3f6e2a91-8c4d-4b7e-a5f0-1d9c8b7a6e52', 'Utrechtsestraat', '61', null, '6811LW', 'Arnhem', ['Arnhem K 2207 Utrechtsestraat 61 6811LW Arnhem']),
];

/** Kadaster (KIK) products: they ask the user to choose when an address lies on several parcels. */
const ASKS_FOR_PARCEL = new Set(['eigendomsinformatie', 'eigendomsinformatie-kik5', 'eigendomsinformatie-json']);
const KADASTER = new Set([...ASKS_FOR_PARCEL, 'hypotheekinformatie', 'hypotheekinformatie-json', 'kadastraledocumenten', 'brondocument']);
/** Lists about a person, not a place: no intentions for an address. */
const PERSON_LISTS = new Set(['objectlijstpersoon-json', 'objectlijstpersoon-pdf']);

/** The documents the documentation shows for a Kadaster order. */
const EXAMPLE_DOCUMENTS = [
  {
    identificatie: 'NL.IMKAD.TIAStuk.18020210018810',
    aard: 'Migratie Koers',
    IngeschrevenOp: { datum: '1993-09-03', tijd: '00:00:00' },
    documentwaardes: {
      deel: '12291',
      nummer: '14',
      reeks: { code: 'AHM', waarde: 'Arnhem' },
      registercode: { code: '2', waarde: 'Hyp4' },
      soortregister: { code: '2', waarde: 'Onroerende Zaken' },
    },
  },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOTAL = 4;
const WAIT_MESSAGE = 'Which of the found locations must be used to complete te order?';

interface Intention {
  uuid: string;
  location: Address;
  product: string;
}

interface Job {
  uuid: string;
  intention: string;
  product?: string;
  location?: Address;
  reads: number;
  owner?: string;
  /** The choices the job waits for; undefined for a job that never asks. */
  choices?: Record<string, string>;
  selected?: number[];
  readsAtSelect?: number;
  /** A fixed example job: never moves. */
  fixed?: 'waiting' | 'finished';
}

export interface PlanviewerState {
  jobs: Map<string, Job>;
  intentions: Map<string, Intention>;
  ordersToday: Map<string, number>;
  dailyCap: number;
  /** Every `kik/select` body received, in order. */
  selections: Array<{ job: string; select: unknown }>;
  /** When set, results are padded to this many bytes and streamed (memory benchmarks). */
  resultBytes?: number;
  /** Answer retrieve with 406 when the request's Accept header rules out the result's type, as a server that negotiates content does. */
  honourAccept: boolean;
}


function uuidFrom(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The uuid of the intention to order `product` at `location` (stable, so tests can name it). */
export function planviewerIntentionUuid(location: string, product: string): string {
  return uuidFrom(`intention|${location}|${product}`);
}

function accessKey(ctx: RouteContext): string | undefined {
  const auth = ctx.req.headers.authorization ?? '';
  const m = /^Basic (.+)$/.exec(auth);
  if (!m) return undefined;
  const [key, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  const secret = rest.join(':');
  return key && secret && key !== 'denied' ? key : undefined;
}

function choicesOf(parcels: string[]): Record<string, string> {
  return Object.fromEntries(parcels.map((p, i) => [String(i + 1), p]));
}

function stateOf(job: Job): { status: string; progress: { current: number; total: number } } {
  if (job.fixed === 'waiting') return { status: 'waiting for user', progress: { current: 2, total: TOTAL } };
  if (job.fixed === 'finished') return { status: 'finished', progress: { current: TOTAL, total: TOTAL } };
  const step = job.reads;
  if (step <= 1) return { status: 'initial', progress: { current: 0, total: TOTAL } };
  if (job.intention === PLANVIEWER_TEST_UUIDS.endsInError && step >= 3) return { status: 'error', progress: { current: 2, total: TOTAL } };
  if (job.choices && step >= 3) {
    if (!job.selected) return { status: 'waiting for user', progress: { current: 2, total: TOTAL } };
    // After the choice, one step per read from where it stopped.
    const after = 2 + (job.reads - (job.readsAtSelect ?? job.reads));
    if (after <= TOTAL) return { status: 'in_progress', progress: { current: after, total: TOTAL } };
    return { status: 'finished', progress: { current: TOTAL, total: TOTAL } };
  }
  if (step <= TOTAL + 1) return { status: 'in_progress', progress: { current: step - 1, total: TOTAL } };
  return { status: 'finished', progress: { current: TOTAL, total: TOTAL } };
}

/** The uuids of a status read: `uuids[]=`, `uuids[0]=` (what PHP clients send) and repeated `uuids=`. */
function statusUuids(query: URLSearchParams): string[] {
  const out: string[] = [];
  for (const [key, value] of query) if (key === 'uuids[]' || key === 'uuids' || /^uuids\[\d+\]$/.test(key)) out.push(value);
  return out;
}

type FieldQuery = { fields?: unknown; query?: unknown; method?: unknown };

/** Scores one address against a structured query; 0 = no match. Scores are relative, as the documentation says. */
function score(a: Address, query: unknown): number {
  if (!query || typeof query !== 'object') return 0;
  const q = query as Record<string, unknown>;
  if (q.bool && typeof q.bool === 'object') {
    const must = (q.bool as { must?: unknown }).must;
    if (!Array.isArray(must) || must.length === 0) return 0;
    let total = 0;
    for (const part of must) {
      const s = score(a, part);
      if (s === 0) return 0;
      total += s;
    }
    return total;
  }
  if (q['dis-max'] && typeof q['dis-max'] === 'object') {
    const queries = (q['dis-max'] as { queries?: unknown }).queries;
    return Array.isArray(queries) ? Math.max(0, ...queries.map((x) => score(a, x))) : 0;
  }
  if (q.field && typeof q.field === 'object') {
    const { fields, query: wanted } = q.field as FieldQuery;
    if (!Array.isArray(fields) || typeof wanted !== 'string') return 0;
    const norm = (v: unknown) => String(v ?? '').replace(/\s+/g, '').toLowerCase();
    let best = 0;
    for (const f of fields) {
      const value = norm((a.properties as Record<string, unknown>)[String(f)] ?? (f === 'title' ? a.title : undefined));
      if (value === '') continue;
      if (value === norm(wanted)) best = Math.max(best, 25.65504);
      else if ((q.field as FieldQuery).method === 'match' && value.includes(norm(wanted))) best = Math.max(best, 14.161904);
    }
    return best;
  }
  return 0;
}

function validQuery(query: unknown): boolean {
  if (!query || typeof query !== 'object' || Array.isArray(query)) return false;
  const q = query as Record<string, unknown>;
  return ['bool', 'field', 'dis-max'].some((k) => q[k] && typeof q[k] === 'object');
}

function jsonResult(job: Job): Record<string, unknown> {
  const where = job.location?.title ?? 'Castellastraat 2, 6512EX Nijmegen';
  return {
    product: job.product,
    locatie: where,
    kadastraalObject: { aanduiding: job.location?.parcels[(job.selected?.[0] ?? 1) - 1] ?? job.location?.parcels[0] ?? 'Nijmegen B 4512' },
    rechthebbenden: [{ naam: 'J. Jansen', recht: 'Eigendom', aandeel: '1/1' }],
    opmerking: 'Sandbox result: not real Kadaster data.',
  };
}

export function planviewerRoutes(router: Router, prefix: string, opts: { dailyCap: number }): PlanviewerState {
  const state: PlanviewerState = { jobs: new Map(), intentions: new Map(), ordersToday: new Map(), dailyCap: opts.dailyCap, selections: [], honourAccept: false };
  const api = `${prefix}/product_api/v1`;
  const fail = (ctx: RouteContext, status: number, message: string) => ctx.send(status, { error: { code: status, message } });
  for (const a of PLANVIEWER_ADDRESSES) {
    for (const p of PLANVIEWER_PRODUCTS) {
      if (PERSON_LISTS.has(p.slug)) continue;
      const uuid = planviewerIntentionUuid(a.uuid, p.slug);
      state.intentions.set(uuid, { uuid, location: a, product: p.slug });
    }
  }
  const dorpsweg = PLANVIEWER_ADDRESSES[2];
  state.jobs.set(PLANVIEWER_TEST_UUIDS.exampleWaitingJob, { uuid: PLANVIEWER_TEST_UUIDS.exampleWaitingJob, intention: '', product: 'eigendomsinformatie', location: dorpsweg, reads: 0, choices: choicesOf(dorpsweg.parcels), fixed: 'waiting' });
  state.jobs.set(PLANVIEWER_TEST_UUIDS.exampleFinishedJob, { uuid: PLANVIEWER_TEST_UUIDS.exampleFinishedJob, intention: '', product: 'eigendomsinformatie', location: PLANVIEWER_ADDRESSES[0], reads: 0, fixed: 'finished' });

  const authed = (handler: (ctx: RouteContext, key: string) => Promise<void> | void) => async (ctx: RouteContext) => {
    const key = accessKey(ctx);
    if (!key) return ctx.send(401, { error: { code: 401, message: 'Unauthorized' } }, { 'WWW-Authenticate': 'Basic realm="Product API"' });
    return handler(ctx, key);
  };

  router.add('GET', `${api}/products/list`, authed((ctx) => ctx.send(200, PLANVIEWER_PRODUCTS)));

  router.add('POST', `${api}/search/structured`, authed(async (ctx) => {
    const body = await ctx.json<{ entity?: unknown; query?: unknown }>();
    if (!body || (body.entity !== 'adres' && body.entity !== 'perceel') || !validQuery(body.query)) return fail(ctx, 400, 'Invalid entity or query');
    // The sandbox knows addresses only; a lot (perceel) search finds nothing.
    const found = body.entity === 'adres' ? PLANVIEWER_ADDRESSES.map((a) => ({ a, s: score(a, body.query) })).filter((x) => x.s > 0) : [];
    found.sort((x, y) => y.s - x.s);
    ctx.send(200, found.map(({ a, s }) => ({ score: Number(s.toFixed(6)), uuid: a.uuid, title: a.title, properties: a.properties })));
  }));

  router.add('POST', `${api}/intentions/list`, authed(async (ctx) => {
    const body = await ctx.json<{ uuids?: unknown; products?: unknown }>();
    if (!Array.isArray(body?.uuids) || !Array.isArray(body?.products)) return fail(ctx, 400, 'uuids and products are required');
    const out = [];
    for (const location of body.uuids) {
      const intentions = [];
      for (const product of body.products) {
        const i = state.intentions.get(planviewerIntentionUuid(String(location), String(product)));
        if (!i) continue;
        intentions.push({ uuid: i.uuid, product: i.product, properties: { title: `${PLANVIEWER_PRODUCTS.find((p) => p.slug === i.product)?.name} ${i.location.title}`, datum: new Date().toISOString().slice(0, 10) } });
      }
      if (intentions.length > 0) out.push({ uuid: location, intentions });
    }
    ctx.send(200, out);
  }));

  router.add('POST', `${api}/jobs/order`, authed(async (ctx, key) => {
    const body = await ctx.json<{ uuids?: unknown }>();
    const uuids = body?.uuids;
    if (!Array.isArray(uuids) || uuids.length === 0 || uuids.some((u) => typeof u !== 'string' || !UUID.test(u)) || uuids.includes(PLANVIEWER_TEST_UUIDS.invalid)) {
      return ctx.send(400, [{ error: 'true', message: 'Invalid set of uuids provided' }]);
    }
    if (uuids.includes(PLANVIEWER_TEST_UUIDS.paymentRequired)) return ctx.send(402, [{ error: 'true', message: 'Payment on account is not enabled' }]);
    const day = `${key}|${new Date().toISOString().slice(0, 10)}`;
    const used = state.ordersToday.get(day) ?? 0;
    if (uuids.includes(PLANVIEWER_TEST_UUIDS.dailyCap) || used + uuids.length > state.dailyCap) {
      return ctx.send(429, [{ error: 'true', message: 'You are trying to order more products than your daily limit allows' }]);
    }
    state.ordersToday.set(day, used + uuids.length);
    const answer = (uuids as string[]).map((intention) => {
      const known = state.intentions.get(intention);
      const asks = intention === PLANVIEWER_TEST_UUIDS.waitsForUser || (known && ASKS_FOR_PARCEL.has(known.product) && known.location.parcels.length > 1);
      const job: Job = {
        uuid: uuidFrom(`${intention}|${state.jobs.size}|${Date.now()}|${Math.random()}`),
        intention,
        product: known?.product,
        location: known?.location,
        reads: 0,
        owner: key,
        choices: asks ? choicesOf(known?.location.parcels ?? dorpsweg.parcels) : undefined,
      };
      state.jobs.set(job.uuid, job);
      return { uuid: intention, job: { uuid: job.uuid } };
    });
    ctx.send(200, answer);
  }));

  router.add('GET', `${api}/jobs/status`, authed((ctx) => {
    const uuids = statusUuids(ctx.query);
    if (uuids.length === 0 || uuids.some((u) => !state.jobs.has(u))) {
      return ctx.send(400, [{ error: 'true', message: 'Invalid set of uuids provided' }]);
    }
    ctx.send(200, uuids.map((u) => {
      const job = state.jobs.get(u) as Job;
      job.reads++;
      return { uuid: u, ...stateOf(job) };
    }));
  }));

  router.add('GET', `${api}/kik/waiting/:uuid`, authed((ctx) => {
    const job = state.jobs.get(ctx.params.uuid);
    if (!job || !job.choices || stateOf(job).status !== 'waiting for user') return fail(ctx, 404, 'Job is not waiting for user');
    ctx.send(200, { locaties: job.choices, message: WAIT_MESSAGE });
  }));

  router.add('POST', `${api}/kik/select/:uuid`, authed(async (ctx) => {
    const job = state.jobs.get(ctx.params.uuid);
    const body = await ctx.json<{ select?: unknown }>();
    state.selections.push({ job: ctx.params.uuid, select: body?.select });
    if (!job || !job.choices || stateOf(job).status !== 'waiting for user') return fail(ctx, 404, 'Job is not waiting for user');
    const select = body?.select;
    if (!Array.isArray(select) || select.length !== 1 || !Number.isInteger(select[0]) || !(String(select[0]) in job.choices)) {
      return fail(ctx, 400, `select must be [index] with an index of ${Object.keys(job.choices).join(', ')}`);
    }
    if (!job.fixed) {
      job.selected = select as number[];
      job.readsAtSelect = job.reads;
    }
    // The documentation does not show this answer; the sandbox says what it did.
    ctx.send(200, { message: `Location ${select[0]} selected` });
  }));

  router.add('GET', `${api}/jobs/retrieve/:uuid`, authed((ctx) => {
    const job = state.jobs.get(ctx.params.uuid);
    if (job && job.intention === PLANVIEWER_TEST_UUIDS.forbiddenResult) return fail(ctx, 403, 'Forbidden');
    if (!job || stateOf(job).status !== 'finished') return fail(ctx, 404, 'Job did not finish');
    const name = `sandbox_${job.uuid.slice(0, 8)}_${(job.product ?? 'bestemmingsplan').replace(/-json$/, '')}`;
    const type = job.product?.endsWith('-json') ? 'application/json' : 'application/pdf';
    if (state.honourAccept && !accepts(ctx.req.headers.accept, type)) return fail(ctx, 406, `Not Acceptable: the result is ${type}`);
    if (job.product?.endsWith('-json')) {
      return ctx.send(200, jsonResult(job), { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}.json"` });
    }
    const pdf = samplePdf(['Planviewer sandbox result', `job ${job.uuid}`, `product ${job.product ?? 'intention'} ${job.location?.title ?? job.intention}`, 'This is not a real product.']);
    const headers = {
      'Content-Type': 'application/pdf',
      'Content-Transfer-Encoding': 'binary',
      'Content-Disposition': `attachment; filename="${job.product ? name : `sandbox_${job.uuid.slice(0, 8)}_bestemmingsplan`}.pdf"`,
    };
    if (state.resultBytes && state.resultBytes > pdf.length) return streamPadded(ctx, pdf, state.resultBytes, headers);
    ctx.send(200, pdf, headers);
  }));

  router.add('GET', `${api}/documents/list/:uuid`, authed((ctx) => {
    const job = state.jobs.get(ctx.params.uuid);
    if (!job) return fail(ctx, 404, 'Unknown order');
    ctx.send(200, job.product && KADASTER.has(job.product) ? EXAMPLE_DOCUMENTS : []);
  }));

  return state;
}

/** The PDF followed by PDF comment lines up to `total` bytes, written with back-pressure. */
function streamPadded(ctx: RouteContext, pdf: Buffer, total: number, headers: Record<string, string>): void {
  ctx.res.writeHead(200, { ...headers, 'Content-Length': String(total) });
  ctx.res.write(pdf);
  const line = Buffer.alloc(64 * 1024, 0x20);
  line[0] = 0x25;
  line[line.length - 1] = 0x0a;
  let left = total - pdf.length;
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, line.length);
      left -= n;
      if (!ctx.res.write(n === line.length ? line : line.subarray(0, n))) {
        ctx.res.once('drain', pump);
        return;
      }
    }
    ctx.res.end();
  };
  ctx.res.on('error', () => undefined);
  pump();
}
