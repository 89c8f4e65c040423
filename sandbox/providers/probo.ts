/**
 * Probo API emulation (seed 000 + issue 4), mounted under /probo.
 *
 *   POST /probo/price, /probo/products/configure   -> {status, calculation_id, products}
 *   POST /probo/products/uploader/create           -> {id, external_id, url, ...}; url = /probo/uploader/<id>
 *   GET  /probo/uploader/<id>                      -> an HTML page standing in for the white-label uploader
 *   POST /probo/uploader/<id>/confirm              -> "uploads" and fires the seed's callback JSON at the
 *        session's callback_url. Form fields or query: status=confirmed|processed, warning=wrong_size.
 *        Answers JSON {status, callback: {url, httpStatus | error}} (HTML when posted from the page).
 *   POST /probo/order                               -> places; a repeated id: 400 "Order with customer order
 *        id <id> already exist"; uploaders must name a session (id AND external_id) that was confirmed.
 *   POST /probo/order/status {orders:[{id}]}        -> at most 5 orders (400 beyond); unknown id: 400.
 *   GET  /probo/products                            -> a one-page product list (the account probe).
 *
 * Order states advance one step per status read: queued -> accepted -> in_production -> shipped
 * (with a tracked shipment) -> delivered. `order_type: "test"` orders are canceled on receipt.
 * An order whose reference is `not-accepted` goes queued -> not_accepted. An order with a
 * `callback_url` (string or array) gets an order callback {id, reference, status, shipments} on
 * receipt and on every state change.
 *
 * Auth: `Authorization: Bearer <key>` or `Basic <key>`; key `denied` gets 401.
 * Quota (429 `{"error":"Quota has been exceeded"}` with x-ratelimit-limit / -remaining / -reset (ms)):
 *   - the API key `quota-exceeded` always gets it;
 *   - the next N calls get it after `sandbox.probo.throttle = N` or `POST /__sandbox/probo/quota {"exceed": N}`;
 *   - more than `limitPerMinute` (300) calls a minute per key.
 */
import http from 'http';
import https from 'https';
import { createHash } from 'crypto';
import { Router, RouteContext } from '../router';

export interface ProboSandboxSession {
  id: number;
  external_id: number;
  calculation_id: number;
  callback_url: string;
  language?: string;
  status: 'open' | 'confirmed' | 'processed';
}

export interface ProboSandboxOrder {
  id: string;
  reference?: string;
  order_type: string;
  status: string;
  reads: number;
  body: Record<string, unknown>;
}

export interface ProboFiredCallback {
  url: string;
  body: unknown;
  httpStatus?: number;
  error?: string;
}

export interface ProboState {
  calculations: Map<number, unknown[]>;
  sessions: Map<number, ProboSandboxSession>;
  orders: Map<string, ProboSandboxOrder>;
  callbacks: ProboFiredCallback[];
  /** The next N API calls are answered 429. */
  throttle: number;
  /** What x-ratelimit-reset says (ms). */
  quotaResetMs: number;
  limitPerMinute: number;
  callsThisMinute: Map<string, { minute: number; calls: number }>;
}

const PROGRESSION = ['queued', 'accepted', 'in_production', 'shipped', 'delivered'];

function apiKey(ctx: RouteContext): string | undefined {
  const m = /^(?:Bearer|Basic) (.+)$/.exec(ctx.req.headers.authorization ?? '');
  return m && m[1].trim() !== '' && m[1].trim() !== 'denied' ? m[1].trim() : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The seed's callback JSON, for this session. */
export function uploaderCallbackBody(session: ProboSandboxSession, status: string, warnings: string[]): Record<string, unknown> {
  const hash = createHash('sha1').update(`probo-sandbox-${session.id}`).digest('hex').slice(0, 14);
  const dir = `${session.id}/${hash.slice(0, 16)}`;
  return {
    status,
    products: [
      {
        tiling_format: 'none',
        tiles_horizontal: 0,
        tiles_vertical: 0,
        tiles: [],
        id: session.id * 2 + 1,
        front_side: {
          file: {
            status: status === 'processed' ? 'converted' : 'not_converted',
            preview_url: `${dir}/${hash}_preview.jpg`,
            preview_medium_url: `${dir}/${hash}_medium.jpg`,
            original_file_url: `${dir}/${hash}.jpg`,
            production_file_url: `${dir}/${hash}.pdf`,
            file_name: 'jpeg.jpg',
            original_file_hash: hash,
            size_in_bytes: 111553,
            dpi: 72,
            page: 1,
            is_booklet: false,
          },
          warnings,
          dpi: 72,
          custom_options: { format: 'original', mirror: false, rotation: 0 },
        },
        amount: 1,
      },
    ],
    Standard_tiling: 'optimal',
    tiling_format: 'none',
    id: session.id,
    external_id: session.external_id,
    variable_data: false,
  };
}

function postJson(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error('invalid callback_url'));
      return;
    }
    const data = JSON.stringify(body);
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }, timeout: 5000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('callback timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

function productsError(products: unknown): string | undefined {
  if (!Array.isArray(products) || products.length === 0) return 'products is required';
  for (const p of products) if (!isObject(p) || typeof p.code !== 'string' || p.code === '') return 'every product needs a code';
  return undefined;
}

export function proboRoutes(router: Router, prefix: string): ProboState {
  const state: ProboState = {
    calculations: new Map(),
    sessions: new Map(),
    orders: new Map(),
    callbacks: [],
    throttle: 0,
    quotaResetMs: 200,
    limitPerMinute: 300,
    callsThisMinute: new Map(),
  };
  let nextCalculation = 68937;
  let nextSession = 2395541;
  let nextExternal = 67;

  const quotaHit = (key: string): boolean => {
    if (key === 'quota-exceeded') return true;
    if (state.throttle > 0) {
      state.throttle--;
      return true;
    }
    const minute = Math.floor(Date.now() / 60_000);
    const used = state.callsThisMinute.get(key);
    const calls = used && used.minute === minute ? used.calls + 1 : 1;
    state.callsThisMinute.set(key, { minute, calls });
    return calls > state.limitPerMinute;
  };

  const orderView = (order: ProboSandboxOrder): Record<string, unknown> => {
    const shipped = order.status === 'shipped' || order.status === 'delivered';
    return {
      id: order.body.id,
      reference: order.reference,
      status: order.status,
      shipments: shipped ? [{ carrier: 'DHL', status: order.status, tracking_code: `JVGL${order.id.padStart(8, '0')}`, tracking_url: `https://www.dhl.com/track?code=JVGL${encodeURIComponent(order.id)}` }] : [],
    };
  };

  /** Order callbacks: each state change is sent to the order's callback_url(s), without waiting. */
  const notify = (order: ProboSandboxOrder): void => {
    const raw = order.body.callback_url;
    const urls = (Array.isArray(raw) ? raw : [raw]).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
    for (const url of urls) {
      const body = orderView(order);
      const fired: ProboFiredCallback = { url, body };
      state.callbacks.push(fired);
      postJson(url, body).then((status) => (fired.httpStatus = status), (e: Error) => (fired.error = e.message));
    }
  };

  const api = (handler: (ctx: RouteContext) => Promise<void> | void) => async (ctx: RouteContext) => {
    const key = apiKey(ctx);
    if (!key) return ctx.send(401, { status: 'error', message: 'Unauthenticated.' });
    if (quotaHit(key)) {
      return ctx.send(429, { error: 'Quota has been exceeded' }, {
        'x-ratelimit-limit': String(state.limitPerMinute),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(state.quotaResetMs),
      });
    }
    return handler(ctx);
  };

  const price = api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    const err = isObject(body) ? productsError(body.products) : 'body must be an object';
    if (err) return ctx.send(400, { status: 'error', message: err });
    if (body.language !== undefined && (typeof body.language !== 'string' || !/^[a-z]{2}$/.test(body.language))) {
      return ctx.send(400, { status: 'error', message: 'language must be an ISO 639-1 code' });
    }
    const products = body.products as Array<Record<string, unknown>>;
    const unknown = products.find((p) => p.code === 'unknown-product');
    if (unknown) return ctx.send(400, { status: 'error', message: 'Product unknown-product does not exist' });
    const calculation_id = nextCalculation++;
    state.calculations.set(calculation_id, products);
    ctx.send(200, {
      status: 'ok',
      calculation_id,
      products: products.map((p) => ({ code: p.code, options: p.options ?? [], prices: { purchase_price_excl_vat: 12.34, currency: 'EUR' } })),
    });
  });
  router.add('POST', `${prefix}/price`, price);
  router.add('POST', `${prefix}/products/configure`, price);

  router.add('GET', `${prefix}/products`, api((ctx) => {
    ctx.send(200, { data: [{ code: 'banner-510', translations: { en: { title: 'Banner 510 (sandbox)' } } }], meta: { current_page: 1, per_page: 1, total: 1 } });
  }));

  router.add('POST', `${prefix}/products/uploader/create`, api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    if (!isObject(body)) return ctx.send(400, { status: 'error', message: 'body must be an object' });
    const calc = Number(body.calculation_id);
    if (!state.calculations.has(calc)) return ctx.send(400, { status: 'error', message: `Calculation ${String(body.calculation_id)} not found` });
    if (typeof body.callback_url !== 'string' || !/^https?:\/\//.test(body.callback_url)) return ctx.send(400, { status: 'error', message: 'callback_url is required' });
    if (body.language !== undefined && (typeof body.language !== 'string' || !/^[a-z]{2}$/.test(body.language))) {
      return ctx.send(400, { status: 'error', message: 'language must be an ISO 639-1 code' });
    }
    const session: ProboSandboxSession = {
      id: nextSession++,
      external_id: nextExternal++,
      calculation_id: calc,
      callback_url: body.callback_url,
      language: body.language as string | undefined,
      status: 'open',
    };
    state.sessions.set(session.id, session);
    const origin = `http://${ctx.req.headers.host ?? '127.0.0.1'}`;
    ctx.send(200, {
      status: 'ok',
      id: session.id,
      external_id: session.external_id,
      url: `${origin}${prefix}/uploader/${session.id}`,
      calculation_id: calc,
      callback_url: session.callback_url,
      language: session.language ?? 'nl',
    });
  }));

  router.add('GET', `${prefix}/uploader/:id`, (ctx) => {
    const session = state.sessions.get(Number(ctx.params.id));
    if (!session) return ctx.send(404, '<h1>Uploader session not found</h1>', { 'Content-Type': 'text/html; charset=utf-8' });
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>Probo uploader (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>Probo uploader (sandbox)</h1>
<p>Session ${session.id} (external id ${session.external_id}), calculation ${session.calculation_id}, status <b>${escapeHtml(session.status)}</b>.</p>
<p>No file is really uploaded: confirming sends the seed's callback JSON to<br><code>${escapeHtml(session.callback_url)}</code></p>
<form method="post" action="${prefix}/uploader/${session.id}/confirm">
  <p><label>Status <select name="status"><option>confirmed</option><option>processed</option></select></label></p>
  <p><label>Warning <select name="warning"><option value="">none</option><option>wrong_size</option></select></label></p>
  <p><button type="submit">Upload and confirm</button></p>
</form></body></html>`;
    ctx.send(200, page, { 'Content-Type': 'text/html; charset=utf-8' });
  });

  router.add('POST', `${prefix}/uploader/:id/confirm`, async (ctx) => {
    const session = state.sessions.get(Number(ctx.params.id));
    if (!session) return ctx.send(404, { status: 'error', message: 'Uploader session not found' });
    const raw = (await ctx.body()).toString('utf8');
    const form = /json/.test(ctx.req.headers['content-type'] ?? '') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
    const pick = (k: string): string | undefined => form[k] || ctx.query.get(k) || undefined;
    const status = pick('status') === 'processed' ? 'processed' : 'confirmed';
    const warning = pick('warning');
    session.status = status;
    const body = uploaderCallbackBody(session, status, warning ? [warning] : []);
    const fired: ProboFiredCallback = { url: session.callback_url, body };
    try {
      fired.httpStatus = await postJson(session.callback_url, body);
    } catch (e) {
      fired.error = (e as Error).message;
    }
    state.callbacks.push(fired);
    const result = { status: 'ok', session: { id: session.id, external_id: session.external_id, status }, callback: { url: fired.url, httpStatus: fired.httpStatus, error: fired.error } };
    if (/urlencoded/.test(ctx.req.headers['content-type'] ?? '')) {
      return ctx.send(200, `<!doctype html><html><body style="font-family:sans-serif"><h1>Upload ${status}</h1><p>Callback to <code>${escapeHtml(fired.url)}</code>: ${fired.httpStatus !== undefined ? `HTTP ${fired.httpStatus}` : escapeHtml(fired.error ?? '')}</p></body></html>`, { 'Content-Type': 'text/html; charset=utf-8' });
    }
    ctx.send(200, result);
  });

  router.add('POST', `${prefix}/order`, api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    if (!isObject(body)) return ctx.send(400, { status: 'error', message: 'body must be an object' });
    if ((typeof body.id !== 'string' && typeof body.id !== 'number') || String(body.id) === '') return ctx.send(400, { status: 'error', message: 'id is required' });
    const err = productsError(body.products);
    if (err) return ctx.send(400, { status: 'error', message: err });
    const id = String(body.id);
    if (state.orders.has(id)) return ctx.send(400, { status: 'error', message: `Order with customer order id ${id} already exist` });
    for (const p of body.products as Array<Record<string, unknown>>) {
      for (const u of Array.isArray(p.uploaders) ? p.uploaders : []) {
        const session = isObject(u) ? state.sessions.get(Number(u.id)) : undefined;
        if (!session || session.external_id !== Number((u as Record<string, unknown>).external_id)) {
          return ctx.send(400, { status: 'error', message: `Uploader ${JSON.stringify(u)} not found` });
        }
        if (session.status === 'open') return ctx.send(400, { status: 'error', message: `Uploader ${session.id} has not been confirmed` });
      }
    }
    const order_type = body.order_type === 'test' ? 'test' : 'production';
    const order: ProboSandboxOrder = {
      id,
      reference: typeof body.reference === 'string' ? body.reference : undefined,
      order_type,
      status: order_type === 'test' ? 'canceled' : 'queued',
      reads: 0,
      body,
    };
    state.orders.set(id, order);
    notify(order);
    ctx.send(200, { status: 'ok', message: order_type === 'test' ? 'Test order received and canceled' : 'Order received', id: body.id, reference: order.reference, order_type, order_status: order.status });
  }));

  router.add('POST', `${prefix}/order/status`, api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    const list = isObject(body) && Array.isArray(body.orders) ? body.orders : undefined;
    if (!list || list.length === 0) return ctx.send(400, { status: 'error', message: 'orders is required' });
    if (list.length > 5) return ctx.send(400, { status: 'error', message: 'A maximum of 5 orders per request is allowed' });
    const ids = list.map((o) => (isObject(o) ? String(o.id) : String(o)));
    const missing = ids.find((id) => !state.orders.has(id));
    if (missing !== undefined) return ctx.send(400, { status: 'error', message: `Order ${missing} not found` });
    ctx.send(200, {
      status: 'ok',
      orders: ids.map((id) => {
        const order = state.orders.get(id) as ProboSandboxOrder;
        if (order.order_type !== 'test' && !['delivered', 'not_accepted', 'canceled'].includes(order.status)) {
          order.reads++;
          const before = order.status;
          order.status = order.reference === 'not-accepted' && order.reads >= 2 ? 'not_accepted' : PROGRESSION[Math.min(order.reads - 1, PROGRESSION.length - 1)];
          if (order.status !== before) notify(order);
        }
        return orderView(order);
      }),
    });
  }));

  router.add('POST', '/__sandbox/probo/quota', async (ctx) => {
    const body = await ctx.json<{ exceed?: unknown; resetMs?: unknown }>();
    if (typeof body?.exceed === 'number') state.throttle = Math.max(0, Math.floor(body.exceed));
    if (typeof body?.resetMs === 'number') state.quotaResetMs = Math.max(0, Math.floor(body.resetMs));
    ctx.send(200, { throttle: state.throttle, quotaResetMs: state.quotaResetMs });
  });

  return state;
}
