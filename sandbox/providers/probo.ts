/**
 * Probo API emulation, mounted under /probo, as Probo's guides and its
 * Reseller API specification describe the service.
 *
 *   GET  /probo/products?page&per_page&language   -> {meta: {page, pages, items, per_page}, data: [...]}
 *        (`catalogueKey: "products"` lists them under `products`, as the specification's example does)
 *   GET  /probo/products/product/<code>            -> the product with its option tree; 404 for an unknown code
 *   POST /probo/products/configure                 -> {status: "ok", products: [{can_order, selected_options, …}], calculation_id};
 *        a product without an `amount` option: {status: "error", products: [{can_order: false, available_options}]}
 *   POST /probo/price                              -> {status, message, calculation_id, prices: [...]}
 *   POST /probo/products/uploader/create           -> {status, message, id, external_id, url} (`uploaderAnswer: "spec"`:
 *        {status, message, uploaders: [{product_id, id, url}]}); url = /probo/uploader/<id>
 *   GET  /probo/uploader/<id>                      -> an HTML page standing in for the white-label uploader
 *   POST /probo/uploader/<id>/confirm              -> "uploads" and posts the uploader callback to the session's
 *        callback_url. Form fields or query: status=confirmed|processed, warning=wrong_size.
 *   POST /probo/order                              -> HTTP 202 {status: "queued", message: "Order queued", order: {id, reference}};
 *        callbacks to every URL in `callback_urls` at each status change (see ./probo-orders.ts for the
 *        states over time, test orders and repeated ids)
 *   POST /probo/order/status {orders: [{id}]}      -> 1 to 5 orders; an unknown order is left out of `orders`
 *   POST /probo/order/cancel {id | supplier_order_number} -> 200 {status: "cancelled"}; 400 once in production
 *   POST /probo/order/release                      -> frees a canceled order's id
 *
 * Switches (on `sandbox.probo`, or `POST /__sandbox/probo/settings` with the same names): `testOrders`
 * (`progress` | `cancel`), `duplicates` (`later` | `status` | `sync`), `idleStepMs`, `orderAnswerStatus`
 * (`queued` | `order_queued`), `statusField` (`status_code` | `status`), `legacyPrefix`, `catalogueKey`
 * (`data` | `products`), `uploaderAnswer` (`guide` | `spec`).
 *
 * Auth: `Authorization: Basic <key>` (what Probo's live clients send) or `Bearer <key>`; key `denied` gets 401.
 * Every answer carries x-ratelimit-limits / x-ratelimit-remaining / x-ratelimit-reset (ms). Quota (429
 * `{"error":"Quota has been exceeded"}`):
 *   - the API key `quota-exceeded` always gets it;
 *   - the next N calls get it after `sandbox.probo.throttle = N` or `POST /__sandbox/probo/quota {"exceed": N}`;
 *   - more than `limitPerMinute` (300) calls a minute per key.
 */
import { createHash, randomInt } from 'crypto';
import { Router, RouteContext } from '../router';
import { ProboFiredCallback, ProboOrderState, ProboOrders, postJson } from './probo-orders';

export type { ProboFiredCallback, ProboSandboxOrder, ProboSubmission } from './probo-orders';

export interface ProboSandboxSession {
  id: number;
  external_id: number;
  calculation_id: number;
  callback_url: string;
  language?: string;
  status: 'open' | 'confirmed' | 'processed';
}

export interface ProboState extends ProboOrderState {
  calculations: Map<number, unknown[]>;
  sessions: Map<number, ProboSandboxSession>;
  /** The next N API calls are answered 429. */
  throttle: number;
  /** What x-ratelimit-reset says on a 429 (ms). */
  quotaResetMs: number;
  limitPerMinute: number;
  callsThisMinute: Map<string, { minute: number; calls: number }>;
  /** The scheme of each authorized call (`Basic` / `Bearer`), most recent last. */
  authSchemes: string[];
  catalogueKey: 'data' | 'products';
  uploaderAnswer: 'guide' | 'spec';
  /** Stops the orders' timers (called by the sandbox's stop). */
  stop(): void;
}

const SWITCHES = ['testOrders', 'duplicates', 'idleStepMs', 'preflightMs', 'orderAnswerStatus', 'statusField', 'legacyPrefix', 'catalogueKey', 'uploaderAnswer'] as const;

interface CatalogueEntry {
  code: string;
  article_group_name: string;
  unit_code: string;
  translations: Record<string, { title: string; description: string }>;
  created_at: string;
  updated_at: string;
  active: boolean;
}

function entry(code: string, group: string, en: string, nl: string): CatalogueEntry {
  return { code, article_group_name: group, unit_code: 'm2', translations: { en: { title: en, description: en }, nl: { title: nl, description: nl } }, created_at: '2019-10-31T14:04:21+0000', updated_at: '2024-03-01T09:00:00+0000', active: true };
}

/** 45 products: enough for three pages of Probo's default 20. */
export const SANDBOX_CATALOGUE: CatalogueEntry[] = [
  entry('banner-510', 'Doek', 'Banner 510 (sandbox)', 'Spandoek 510 (sandbox)'),
  entry('airtex_01', 'Doek', 'Airtex (sandbox)', 'Airtex (sandbox)'),
  entry('clearview', 'Folie', 'Clearview window film (sandbox)', 'Clearview raamfolie (sandbox)'),
  entry('backdrop', 'Doek', 'Backdrop (sandbox)', 'Backdrop (sandbox)'),
  ...Array.from({ length: 41 }, (_v, i) => entry(`sandbox-product-${String(i + 1).padStart(2, '0')}`, 'Sandbox', `Sandbox product ${i + 1}`, `Sandbox-product ${i + 1}`)),
];

function apiKey(ctx: RouteContext): { key: string; scheme: string } | undefined {
  const m = /^(Bearer|Basic) (.+)$/.exec(ctx.req.headers.authorization ?? '');
  return m && m[2].trim() !== '' && m[2].trim() !== 'denied' ? { key: m[2].trim(), scheme: m[1] } : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The uploader guide's callback JSON, for this session. */
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

function productsError(products: unknown, needCode = true): string | undefined {
  if (!Array.isArray(products) || products.length === 0) return 'required key [products] not found';
  for (const p of products) {
    if (!isObject(p)) return 'every product must be an object';
    if (needCode ? typeof p.code !== 'string' || p.code === '' : typeof p.code !== 'string' && typeof p.customer_code !== 'string') return 'every product needs a code';
  }
  return undefined;
}

function languageError(language: unknown): string | undefined {
  return language !== undefined && (typeof language !== 'string' || !/^[a-z]{2}$/.test(language)) ? 'language must be an ISO 639-1 code' : undefined;
}

function optionsOf(p: Record<string, unknown>): Array<Record<string, unknown>> {
  return Array.isArray(p.options) ? p.options.filter(isObject) : [];
}

function productDetail(code: string, language: string): Record<string, unknown> {
  const found = SANDBOX_CATALOGUE.find((p) => p.code === code) as CatalogueEntry;
  const name = (en: string, nl: string): Record<string, { name: string }> => ({ [language]: { name: language === 'nl' ? nl : en } });
  return {
    code,
    translations: { [language]: found.translations[language] ?? found.translations.en },
    article_group_name: found.article_group_name,
    options: [
      {
        translations: name('Size', 'Afmeting'),
        is_parent: true,
        type_code: 'parent_size',
        code: 'A1',
        children: [
          { translations: name('Width', 'Breedte'), is_parent: false, type_code: 'width', code: 'width' },
          { translations: name('Height', 'Hoogte'), is_parent: false, type_code: 'height', code: 'height' },
        ],
      },
      { translations: name('Amount', 'Aantal'), is_parent: false, type_code: 'amount', code: 'amount' },
      { translations: name('Finishing all sides', 'Rondom afwerken'), is_parent: false, type_code: 'radio', code: 'finishing-all-sides' },
      { translations: name('Cut', 'Snijden'), is_parent: false, type_code: 'radio', code: 'cut' },
    ],
  };
}

export function proboRoutes(router: Router, prefix: string): ProboState {
  const orders = new ProboOrders();
  const extra = {
    calculations: new Map<number, unknown[]>(),
    sessions: new Map<number, ProboSandboxSession>(),
    throttle: 0,
    quotaResetMs: 200,
    limitPerMinute: 300,
    callsThisMinute: new Map<string, { minute: number; calls: number }>(),
    authSchemes: [] as string[],
    catalogueKey: 'data' as 'data' | 'products',
    uploaderAnswer: 'guide' as 'guide' | 'spec',
    stop: () => orders.stop(),
  };
  // One state object: the orders' switches and lists live on it, so tests set them in one place.
  const state = Object.assign(orders.state, extra) as ProboState;
  let nextCalculation = 68937;
  // Each start hands out other session ids (as Probo would never reuse one): an example run again after a
  // restart of `npm start` would otherwise meet its own earlier callbacks and orders, kept by the repeat guards.
  let nextSession = 2395541 + randomInt(1, 1_000_000) * 1000;
  let nextExternal = 67;

  orders.checkUploaders = (products) => {
    for (const p of products) {
      // The specification: an option is {code, value?}, value a string, an integer or null; no other key.
      for (const o of isObject(p) && Array.isArray(p.options) ? p.options : []) {
        const value = isObject(o) ? o.value : undefined;
        if (!isObject(o) || Object.keys(o).some((k) => k !== 'code' && k !== 'value') || (value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number')) {
          return `Option ${JSON.stringify(o)} must be {code, value?} with a string, integer or null value`;
        }
      }
      for (const u of isObject(p) && Array.isArray(p.uploaders) ? p.uploaders : []) {
        // The specification: {id: integer, external_id: integer}, both required, no other key.
        if (!isObject(u) || !Number.isInteger(u.id) || !Number.isInteger(u.external_id) || Object.keys(u).some((k) => k !== 'id' && k !== 'external_id')) {
          return `Uploader ${JSON.stringify(u)} must be {id: integer, external_id: integer}`;
        }
        const session = state.sessions.get(u.id as number);
        if (!session || session.external_id !== Number((u as Record<string, unknown>).external_id)) return `Uploader ${JSON.stringify(u)} not found`;
        if (session.status === 'open') return `Uploader ${session.id} has not been confirmed`;
      }
    }
    return undefined;
  };

  /** Counts the call; returns the remaining calls this minute (negative: over the limit). */
  const quotaLeft = (key: string): number => {
    if (key === 'quota-exceeded') return -1;
    if (state.throttle > 0) {
      state.throttle--;
      return -1;
    }
    const minute = Math.floor(Date.now() / 60_000);
    const used = state.callsThisMinute.get(key);
    const calls = used && used.minute === minute ? used.calls + 1 : 1;
    state.callsThisMinute.set(key, { minute, calls });
    return state.limitPerMinute - calls;
  };

  const api = (handler: (ctx: RouteContext) => Promise<void> | void) => async (ctx: RouteContext) => {
    const auth = apiKey(ctx);
    if (!auth) return ctx.send(401, { status: 'error', message: 'Unauthenticated.' });
    state.authSchemes.push(auth.scheme);
    if (state.authSchemes.length > 200) state.authSchemes.splice(0, 100);
    const left = quotaLeft(auth.key);
    const msToReset = 60_000 - (Date.now() % 60_000);
    const limits = { 'x-ratelimit-limits': String(state.limitPerMinute), 'x-ratelimit-remaining': String(Math.max(0, left)), 'x-ratelimit-reset': String(left < 0 ? state.quotaResetMs : msToReset) };
    if (left < 0) return ctx.send(429, { error: 'Quota has been exceeded' }, limits);
    const send = ctx.send;
    ctx.send = (status, body, headers = {}) => send(status, body, { ...limits, ...headers });
    return handler(ctx);
  };

  router.add('GET', `${prefix}/products`, api((ctx) => {
    const num = (name: string, fallback: number): number | undefined => {
      const raw = ctx.query.get(name);
      if (raw === null || raw === '') return fallback;
      return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
    };
    const page = num('page', 1);
    const perPage = num('per_page', 20);
    if (page === undefined || perPage === undefined) return ctx.send(400, { status: 'error', message: 'page and per_page must be positive integers' });
    const language = ctx.query.get('language') ?? undefined;
    const bad = languageError(language);
    if (bad) return ctx.send(400, { status: 'error', message: bad });
    const items = SANDBOX_CATALOGUE.length;
    const list = SANDBOX_CATALOGUE.slice((page - 1) * perPage, page * perPage).map((p) => (language ? { ...p, translations: { [language]: p.translations[language] ?? p.translations.en } } : p));
    ctx.send(200, { meta: { page, pages: Math.max(1, Math.ceil(items / perPage)), items, per_page: perPage }, [state.catalogueKey]: list });
  }));

  router.add('GET', `${prefix}/products/product/:code`, api((ctx) => {
    const language = ctx.query.get('language') || 'en';
    if (languageError(language)) return ctx.send(400, { status: 'error', message: 'language must be an ISO 639-1 code' });
    if (!SANDBOX_CATALOGUE.some((p) => p.code === ctx.params.code)) return ctx.send(404, { status: 'error', message: `Product ${ctx.params.code} not found` });
    ctx.send(200, productDetail(ctx.params.code, language));
  }));

  router.add('POST', `${prefix}/products/configure`, api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    const err = isObject(body) ? productsError(body.products) ?? languageError(body.language) : 'body must be an object';
    if (err) return ctx.send(400, { status: 'error', message: err });
    const products = (body.products as Array<Record<string, unknown>>).map((p) => {
      const chosen = optionsOf(p);
      const canOrder = chosen.some((o) => o.code === 'amount');
      return {
        code: p.code,
        api_code: p.code,
        can_order: canOrder,
        available_options: canOrder ? [] : [{ type_code: 'amount', code: 'amount', name: 'Amount', min_value: '1', max_value: '99999' }],
        selected_options: chosen.map((o) => ({ type_code: o.code, name: o.code, value: o.value === undefined ? null : String(o.value), code: o.value === undefined ? o.code : null })),
        amount: Number(chosen.find((o) => o.code === 'amount')?.value ?? 0),
        width: Number(chosen.find((o) => o.code === 'width')?.value ?? 0),
        height: Number(chosen.find((o) => o.code === 'height')?.value ?? 0),
        length: 0,
      };
    });
    if (products.some((p) => !p.can_order)) return ctx.send(200, { status: 'error', message: 'Not all required options are set', products });
    const calculation_id = nextCalculation++;
    state.calculations.set(calculation_id, body.products as unknown[]);
    ctx.send(200, { status: 'ok', products, calculation_id });
  }));

  router.add('POST', `${prefix}/price`, api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    const err = isObject(body) ? productsError(body.products, false) ?? languageError(body.language) : 'body must be an object';
    if (err) return ctx.send(400, { status: 'error', message: err });
    const products = body.products as Array<Record<string, unknown>>;
    if (products.some((p) => p.code === 'unknown-product')) return ctx.send(400, { status: 'error', message: 'Product unknown-product does not exist' });
    const calculation_id = nextCalculation++;
    state.calculations.set(calculation_id, products);
    const money = (n: number) => ({ purchase_price: n, purchase_price_incl_vat: Math.round(n * 121) / 100, sales_price: n * 2, sales_price_incl_vat: Math.round(n * 242) / 100 });
    ctx.send(200, {
      status: 'ok',
      code: 200,
      message: 'Price calculated',
      id: calculation_id,
      calculation_id,
      prices: [24, 48].map((hours, i) => ({
        shipping_date: '2030-01-14T00:00:00+0000',
        delivery_date: '2030-01-15T00:00:00+0000',
        production_hours: hours,
        products_purchase_price: 12.34 - i,
        products_purchase_price_incl_vat: Math.round((12.34 - i) * 121) / 100,
        products_sales_price: 24.68 - 2 * i,
        products_sales_price_incl_vat: Math.round((24.68 - 2 * i) * 121) / 100,
        products: products.map((_p, k) => ({ id: k + 1, prices_per_product: money(12.34 - i), prices_total: money(12.34 - i) })),
        deliveries: [{ shipping_method_api_code: 'dhl-standard', shipping_method_name: 'DHL - Standard', transit_days: 1, prices: money(6.5) }],
      })),
    });
  }));

  router.add('POST', `${prefix}/products/uploader/create`, api(async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    if (!isObject(body)) return ctx.send(400, { status: 'error', message: 'body must be an object' });
    if (!Number.isInteger(body.calculation_id)) return ctx.send(400, { status: 'error', message: 'calculation_id must be an integer' });
    const calc = body.calculation_id as number;
    if (!state.calculations.has(calc)) return ctx.send(400, { status: 'error', message: `Calculation ${String(body.calculation_id)} not found` });
    if (typeof body.callback_url !== 'string' || !/^https?:\/\//.test(body.callback_url)) return ctx.send(400, { status: 'error', message: 'callback_url is required' });
    const bad = languageError(body.language);
    if (bad) return ctx.send(400, { status: 'error', message: bad });
    const session: ProboSandboxSession = {
      id: nextSession++,
      external_id: nextExternal++,
      calculation_id: calc,
      callback_url: body.callback_url,
      language: body.language as string | undefined,
      status: 'open',
    };
    state.sessions.set(session.id, session);
    const url = `http://${ctx.req.headers.host ?? '127.0.0.1'}${prefix}/uploader/${session.id}`;
    if (state.uploaderAnswer === 'spec') {
      return ctx.send(200, { status: 'ok', message: 'Uploaders created', uploaders: [{ product_id: 1, id: session.id, url }] });
    }
    ctx.send(200, { status: 'ok', message: 'Uploader created', id: session.id, external_id: session.external_id, url });
  }));

  router.add('GET', `${prefix}/uploader/:id`, (ctx) => {
    const session = state.sessions.get(Number(ctx.params.id));
    if (!session) return ctx.send(404, '<h1>Uploader session not found</h1>', { 'Content-Type': 'text/html; charset=utf-8' });
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>Probo uploader (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>Probo uploader (sandbox)</h1>
<p>Session ${session.id} (external id ${session.external_id}), calculation ${session.calculation_id}, status <b>${escapeHtml(session.status)}</b>.</p>
<p>No file is really uploaded: confirming sends the uploader callback that Probo's documentation shows to<br><code>${escapeHtml(session.callback_url)}</code></p>
<form method="post" action="${escapeHtml(`${prefix}/uploader/${session.id}/confirm`)}">
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
    let form: Record<string, string>;
    try {
      form = /json/.test(ctx.req.headers['content-type'] ?? '') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return ctx.send(400, { status: 'error', message: 'body is not valid JSON' });
    }
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

  router.add('POST', `${prefix}/order`, api((ctx) => orders.place(ctx)));
  router.add('POST', `${prefix}/order/status`, api((ctx) => orders.status(ctx)));
  router.add('POST', `${prefix}/order/cancel`, api((ctx) => orders.cancel(ctx)));
  router.add('POST', `${prefix}/order/release`, api((ctx) => orders.release(ctx)));

  router.add('POST', '/__sandbox/probo/quota', async (ctx) => {
    const body = await ctx.json<{ exceed?: unknown; resetMs?: unknown }>();
    if (typeof body?.exceed === 'number') state.throttle = Math.max(0, Math.floor(body.exceed));
    if (typeof body?.resetMs === 'number') state.quotaResetMs = Math.max(0, Math.floor(body.resetMs));
    ctx.send(200, { throttle: state.throttle, quotaResetMs: state.quotaResetMs });
  });

  router.add('POST', '/__sandbox/probo/settings', async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    const target = state as unknown as Record<string, unknown>;
    for (const key of SWITCHES) {
      if (isObject(body) && body[key] !== undefined && typeof body[key] === typeof target[key]) target[key] = body[key];
    }
    ctx.send(200, Object.fromEntries(SWITCHES.map((k) => [k, target[k]])));
  });

  return state;
}
