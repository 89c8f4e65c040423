/**
 * Planviewer Product API emulation (seed 002). Jobs advance one step each time
 * a status request includes them: initial 0/4, in_progress 1/4 .. 4/4, finished.
 *
 * Test uuids (product intentions), any other valid uuid orders normally:
 *   00000000-0000-4000-8000-000000000402  order -> 402 payment required
 *   00000000-0000-4000-8000-000000000429  order -> 429 daily cap
 *   00000000-0000-4000-8000-000000000400  order -> 400 invalid set of uuids
 *   00000000-0000-4000-8000-0000000000e1  job ends in `error`
 *   00000000-0000-4000-8000-0000000000a1  job stops at `waiting for user`
 *   00000000-0000-4000-8000-000000000403  job finishes, retrieve -> 403
 * Access key `denied` is refused with 401. The daily cap counts per access key.
 */
import { createHash } from 'crypto';
import { Router, RouteContext } from '../router';
import { samplePdf } from '../pdf';

export const PLANVIEWER_TEST_UUIDS = {
  paymentRequired: '00000000-0000-4000-8000-000000000402',
  dailyCap: '00000000-0000-4000-8000-000000000429',
  invalid: '00000000-0000-4000-8000-000000000400',
  endsInError: '00000000-0000-4000-8000-0000000000e1',
  waitsForUser: '00000000-0000-4000-8000-0000000000a1',
  forbiddenResult: '00000000-0000-4000-8000-000000000403',
  normal: '0fe30323-a86e-4048-a7e7-6d60c3365dcb',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOTAL = 4;

interface Job {
  uuid: string;
  intention: string;
  reads: number;
  owner: string;
}

export interface PlanviewerState {
  jobs: Map<string, Job>;
  ordersToday: Map<string, number>;
  dailyCap: number;
  /** When set, results are padded to this many bytes and streamed (memory benchmarks). */
  resultBytes?: number;
}

function uuidFrom(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function accessKey(ctx: RouteContext): string | undefined {
  const auth = ctx.req.headers.authorization ?? '';
  const m = /^Basic (.+)$/.exec(auth);
  if (!m) return undefined;
  const [key, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  const secret = rest.join(':');
  return key && secret && key !== 'denied' ? key : undefined;
}

function stateOf(job: Job): { status: string; progress: { current: number; total: number } } {
  const step = job.reads;
  if (step <= 1) return { status: 'initial', progress: { current: 0, total: TOTAL } };
  if (job.intention === PLANVIEWER_TEST_UUIDS.endsInError && step >= 3) return { status: 'error', progress: { current: 2, total: TOTAL } };
  if (job.intention === PLANVIEWER_TEST_UUIDS.waitsForUser && step >= 3) return { status: 'waiting for user', progress: { current: 2, total: TOTAL } };
  if (step <= TOTAL + 1) return { status: 'in_progress', progress: { current: step - 1, total: TOTAL } };
  return { status: 'finished', progress: { current: TOTAL, total: TOTAL } };
}

export function planviewerRoutes(router: Router, prefix: string, opts: { dailyCap: number }): PlanviewerState {
  const state: PlanviewerState = { jobs: new Map(), ordersToday: new Map(), dailyCap: opts.dailyCap };
  const api = `${prefix}/product_api/v1`;

  const authed = (handler: (ctx: RouteContext, key: string) => Promise<void> | void) => async (ctx: RouteContext) => {
    const key = accessKey(ctx);
    if (!key) return ctx.send(401, { error: 'true', message: 'Unauthorized' }, { 'WWW-Authenticate': 'Basic realm="Product API"' });
    return handler(ctx, key);
  };

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
      const job: Job = { uuid: uuidFrom(`${intention}|${state.jobs.size}|${Date.now()}|${Math.random()}`), intention, reads: 0, owner: key };
      state.jobs.set(job.uuid, job);
      return { uuid: intention, job: { uuid: job.uuid } };
    });
    ctx.send(200, answer);
  }));

  router.add('GET', `${api}/jobs/status`, authed((ctx) => {
    const uuids = [...ctx.query.getAll('uuids[]'), ...ctx.query.getAll('uuids')];
    if (uuids.length === 0 || uuids.some((u) => !state.jobs.has(u))) {
      return ctx.send(400, [{ error: 'true', message: 'Invalid set of uuids provided' }]);
    }
    ctx.send(200, uuids.map((u) => {
      const job = state.jobs.get(u) as Job;
      job.reads++;
      return { uuid: u, ...stateOf(job) };
    }));
  }));

  router.add('GET', `${api}/jobs/retrieve/:uuid`, authed((ctx) => {
    const job = state.jobs.get(ctx.params.uuid);
    if (job && job.intention === PLANVIEWER_TEST_UUIDS.forbiddenResult) return ctx.send(403, { error: 'true', message: 'Forbidden' });
    if (!job || stateOf(job).status !== 'finished') return ctx.send(404, { error: 'true', message: 'Job did not finish' });
    const pdf = samplePdf(['Planviewer sandbox result', `job ${job.uuid}`, `product intention ${job.intention}`, 'This is not a real product.']);
    const headers = {
      'Content-Type': 'application/pdf',
      'Content-Transfer-Encoding': 'binary',
      'Content-Disposition': `attachment; filename="sandbox_${job.uuid.slice(0, 8)}_bestemmingsplan.pdf"`,
    };
    if (state.resultBytes && state.resultBytes > pdf.length) return streamPadded(ctx, pdf, state.resultBytes, headers);
    ctx.send(200, pdf, headers);
  }));

  router.add('POST', `${api}/intentions/list`, authed(async (ctx) => {
    const body = await ctx.json<{ uuids?: unknown; products?: unknown }>();
    if (!Array.isArray(body?.uuids) || !Array.isArray(body?.products)) return ctx.send(400, [{ error: 'true', message: 'uuids and products are required' }]);
    const out = [];
    for (const address of body.uuids as string[]) {
      for (const product of body.products as string[]) {
        out.push({ uuid: uuidFrom(`${address}|${product}`), address_uuid: address, product, price: { amount: 1995, currency: 'EUR' } });
      }
    }
    ctx.send(200, out);
  }));

  router.add('GET', `${api}/products/list`, authed((ctx) => {
    ctx.send(200, [
      { code: 'bestemmingsplan-pdf', name: 'Bestemmingsplan (PDF)' },
      { code: 'kadastrale-kaart', name: 'Kadastrale kaart' },
      { code: 'omgevingsrapport', name: 'Omgevingsrapport' },
    ]);
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
