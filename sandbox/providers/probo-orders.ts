/**
 * The Probo sandbox's orders: their life through Probo's published states,
 * the callbacks posted to every URL in `callback_urls` at each change,
 * repeated ids, test orders, cancel and release. Mounted by ./probo.ts.
 *
 * An order moves one state per status read of it; an order nobody reads
 * moves by itself every `idleStepMs` (so a flow that only listens to
 * callbacks sees it progress). Paths, chosen by a word in the order's
 * `reference`:
 *   (default)         accepted, in_production, logistics, shipment_created,
 *                     shipment_scanned_by_carrier, shipment_in_transit, shipment_delivered
 *   `delayed`         … shipment_in_transit, shipment_delayed, shipment_delivered
 *   `not-at-home`     … shipment_in_transit, shipment_not_at_home,
 *                     shipment_available_at_pickup_point, shipment_picked_up, shipment_delivered
 *   `returned`        … shipment_in_transit, shipment_not_at_home, shipment_returned
 *   `exception`       … shipment_scanned_by_carrier, shipment_exception
 *   `not-accepted`    not_accepted ("File rejected, could not be processed", file {id: 1})
 * Test orders (`order_type: "test"`) follow the same paths (`testOrders:
 * "progress"`, the default) or are canceled on receipt (`testOrders: "cancel"`);
 * Probo's pages describe both.
 */
import http from 'http';
import https from 'https';
import { RouteContext } from '../router';

export type ProboTestOrders = 'progress' | 'cancel';
/**
 * A repeated order id: `later` (Probo's callback guide: 202 queued, then a
 * `not_accepted` callback; /order/status keeps showing the first order),
 * `status` (as `later`, and /order/status shows the refusal: not documented,
 * for clients that must cope with it), `sync` (an HTTP 400 on the spot, as
 * older versions of this sandbox did).
 */
export type ProboDuplicates = 'later' | 'status' | 'sync';

export interface ProboFiredCallback {
  url: string;
  body: unknown;
  httpStatus?: number;
  error?: string;
}

export interface ProboSandboxOrder {
  id: string;
  reference: string;
  order_type: 'test' | 'production';
  supplier_order_number: number;
  status: string;
  /** The states still to come. */
  path: string[];
  message?: string;
  file?: { id: number };
  callbackUrls: string[];
  body: Record<string, unknown>;
  /** A later submission with the same id, refused as a duplicate. */
  refusal?: { reference: string; message: string };
  timer?: NodeJS.Timeout;
  /** Callbacks of one order leave one after another, in order. */
  chain: Promise<void>;
}

export interface ProboSubmission {
  id: string;
  reference: string;
  order_type: 'test' | 'production';
  outcome: 'queued' | 'duplicate' | 'refused';
  body: Record<string, unknown>;
}

export interface ProboOrderState {
  orders: Map<string, ProboSandboxOrder>;
  /** Every POST /order that got an answer, in order. */
  submissions: ProboSubmission[];
  callbacks: ProboFiredCallback[];
  testOrders: ProboTestOrders;
  duplicates: ProboDuplicates;
  /** An order nobody reads moves one state after this long (0 = only status reads move orders). */
  idleStepMs: number;
  /** Delay before a repeated id's `not_accepted` callback. */
  preflightMs: number;
  /** The 202 answer's status: `queued` (guide) or `order_queued` (specification's example). */
  orderAnswerStatus: 'queued' | 'order_queued';
  /** The state's field in /order/status: `status_code` (specification) or `status` (what a live client reads). */
  statusField: 'status_code' | 'status';
  /** States with the `order_` prefix Probo removed in 2020 (`order_accepted`), in callbacks and /order/status. */
  legacyPrefix: boolean;
}

const DEFAULT_PATH = ['accepted', 'in_production', 'logistics', 'shipment_created', 'shipment_scanned_by_carrier', 'shipment_in_transit', 'shipment_delivered'];
const UNTIL_TRANSIT = DEFAULT_PATH.slice(0, 6);
const FINAL = new Set(['shipment_delivered', 'not_accepted', 'canceled', 'shipment_returned', 'shipment_exception']);
const SHIPPED = new Set(['shipment_created', 'shipment_scanned_by_carrier', 'shipment_in_transit', 'shipment_delayed', 'shipment_returned', 'shipment_exception', 'shipment_not_at_home', 'shipment_available_at_pickup_point', 'shipment_picked_up', 'shipment_delivered']);
const FILE_REJECTED = 'File rejected, could not be processed';
const CUSTOMER = '9999';

export function pathFor(reference: string): string[] {
  const r = reference.toLowerCase();
  if (r.includes('not-accepted')) return ['not_accepted'];
  if (r.includes('exception')) return [...UNTIL_TRANSIT.slice(0, 5), 'shipment_exception'];
  if (r.includes('returned')) return [...UNTIL_TRANSIT, 'shipment_not_at_home', 'shipment_returned'];
  if (r.includes('delayed')) return [...UNTIL_TRANSIT, 'shipment_delayed', 'shipment_delivered'];
  if (r.includes('not-at-home')) return [...UNTIL_TRANSIT, 'shipment_not_at_home', 'shipment_available_at_pickup_point', 'shipment_picked_up', 'shipment_delivered'];
  return [...DEFAULT_PATH];
}

export function duplicateMessage(id: string): string {
  return `Order not accepted, reason: | Order with customer order id '${id}' for customer '${CUSTOMER}' already exist`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function postJson(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error('invalid callback URL'));
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

function packages(order: ProboSandboxOrder): Array<Record<string, unknown>> {
  if (!SHIPPED.has(order.status)) return [];
  const code = `JVGL${String(order.supplier_order_number).padStart(12, '0')}`;
  return [{ id: 1, status_code: order.status, tracking_code: code, tracking_url: `https://www.dhlparcel.nl/en/private/receiving/follow-your-shipment?tt=${code}&pc=1234AB` }];
}

const MESSAGES: Record<string, string> = {
  queued: 'Order queued',
  accepted: 'Order accepted',
  canceled: 'Order canceled',
};

export class ProboOrders {
  readonly state: ProboOrderState = {
    orders: new Map(),
    submissions: [],
    callbacks: [],
    testOrders: 'progress',
    duplicates: 'later',
    idleStepMs: 5000,
    preflightMs: 30,
    orderAnswerStatus: 'queued',
    statusField: 'status_code',
    legacyPrefix: false,
  };
  private nextNumber = 202012345;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    // An order the operation node's "cancel" example can cancel (again and again).
    this.state.orders.set('sandbox-example-1', this.newOrder('sandbox-example-1', 'Sandbox example order', 'production', {}, []));
    const example = this.state.orders.get('sandbox-example-1') as ProboSandboxOrder;
    example.status = 'accepted';
    example.path = [];
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const o of this.state.orders.values()) if (o.timer) clearTimeout(o.timer);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    return t;
  }

  private newOrder(id: string, reference: string, type: 'test' | 'production', body: Record<string, unknown>, urls: string[]): ProboSandboxOrder {
    return { id, reference, order_type: type, supplier_order_number: this.nextNumber++, status: 'queued', path: pathFor(reference), callbackUrls: urls, body, chain: Promise.resolve() };
  }

  private word(status: string): string {
    return this.state.legacyPrefix ? `order_${status}` : status;
  }

  /** The callback body for the order's current state, as Probo's callback guide shows it. */
  callbackBody(order: ProboSandboxOrder): Record<string, unknown> {
    const known = order.status !== 'queued' && order.status !== 'not_accepted';
    const body: Record<string, unknown> = {
      status: this.word(order.status),
      message: order.message ?? MESSAGES[order.status] ?? `Order status: ${order.status}`,
      order: { id: order.id, ...(known ? { supplier_order_number: order.supplier_order_number } : {}), reference: order.reference },
    };
    if (order.file) body.file = order.file;
    const p = packages(order);
    if (p.length > 0) body.packages = p;
    return body;
  }

  private fire(urls: string[], body: unknown, order?: ProboSandboxOrder): void {
    if (this.stopped || urls.length === 0) return;
    const send = async (): Promise<void> => {
      await Promise.all(urls.map(async (url) => {
        const fired: ProboFiredCallback = { url, body };
        this.state.callbacks.push(fired);
        try {
          fired.httpStatus = await postJson(url, body);
        } catch (e) {
          fired.error = (e as Error).message;
        }
      }));
    };
    if (!order) {
      send().catch(() => undefined);
      return;
    }
    order.chain = order.chain.then(send, send);
  }

  private setStatus(order: ProboSandboxOrder, status: string): void {
    order.status = status;
    if (status === 'not_accepted' && order.message === undefined) {
      order.message = FILE_REJECTED;
      order.file = { id: 1 };
    }
    this.fire(order.callbackUrls, this.callbackBody(order), order);
  }

  /** One step along the order's path; then, unless someone reads it first, another after `idleStepMs`. */
  step(order: ProboSandboxOrder): void {
    if (order.timer) clearTimeout(order.timer);
    order.timer = undefined;
    const next = order.path.shift();
    if (next !== undefined) this.setStatus(order, next);
    this.idle(order);
  }

  private idle(order: ProboSandboxOrder): void {
    if (order.timer) clearTimeout(order.timer);
    order.timer = undefined;
    if (this.stopped || order.path.length === 0 || this.state.idleStepMs <= 0) return;
    order.timer = this.later(this.state.idleStepMs, () => this.step(order));
  }

  /** POST /order. */
  async place(ctx: RouteContext): Promise<void> {
    const body = await ctx.json<Record<string, unknown>>();
    if (!isObject(body)) return ctx.send(400, { status: 'error', message: 'body must be an object' });
    if ((typeof body.id !== 'string' && typeof body.id !== 'number') || String(body.id) === '') return ctx.send(400, { status: 'error', message: 'required key [id] not found' });
    if (typeof body.reference !== 'string' || body.reference === '') return ctx.send(400, { status: 'error', message: 'required key [reference] not found' });
    if (!Array.isArray(body.products) || body.products.length === 0) return ctx.send(400, { status: 'error', message: 'required key [products] not found' });
    if (body.order_type !== undefined && body.order_type !== 'test' && body.order_type !== 'production') {
      return ctx.send(400, { status: 'error', message: 'order_type: must be one of production, test' });
    }
    if (body.callback_urls !== undefined && (!Array.isArray(body.callback_urls) || body.callback_urls.some((u) => typeof u !== 'string'))) {
      return ctx.send(400, { status: 'error', message: 'callback_urls: expected an array of strings' });
    }
    const id = String(body.id);
    const reference = body.reference;
    const type = body.order_type === 'test' ? 'test' : 'production';
    const urls = (Array.isArray(body.callback_urls) ? body.callback_urls : []).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
    const existing = this.state.orders.get(id);
    const answer = (order: { id: string; reference: string }) => ({ status: this.state.orderAnswerStatus, message: 'Order queued', order: { id: order.id, reference: order.reference } });
    if (existing) {
      if (this.state.duplicates === 'sync') {
        this.state.submissions.push({ id, reference, order_type: type, outcome: 'refused', body });
        return ctx.send(400, { status: 'error', message: `Order with customer order id '${id}' for customer '${CUSTOMER}' already exist` });
      }
      // Probo queues it like any order and refuses it once it looks at it.
      this.state.submissions.push({ id, reference, order_type: type, outcome: 'duplicate', body });
      const message = duplicateMessage(id);
      if (this.state.duplicates === 'status') existing.refusal = { reference, message };
      this.fire(urls, { status: this.word('queued'), message: 'Order queued', order: { id, reference } });
      this.later(this.state.preflightMs, () => this.fire(urls, { status: this.word('not_accepted'), message, order: { id, reference } }));
      return ctx.send(202, answer({ id, reference }));
    }
    const uploaderError = this.checkUploaders(body.products);
    if (uploaderError) return ctx.send(400, { status: 'error', message: uploaderError });
    const order = this.newOrder(id, reference, type, body, urls);
    this.state.orders.set(id, order);
    this.state.submissions.push({ id, reference, order_type: type, outcome: 'queued', body });
    this.fire(urls, this.callbackBody(order), order);
    if (type === 'test' && this.state.testOrders === 'cancel') {
      order.path = [];
      this.setStatus(order, 'canceled');
    } else this.idle(order);
    ctx.send(202, answer(order));
  }

  /** Set by ./probo.ts: the uploader sessions an order may name. */
  checkUploaders: (products: unknown[]) => string | undefined = () => undefined;

  private view(order: ProboSandboxOrder): Record<string, unknown> {
    if (this.state.duplicates === 'status' && order.refusal) {
      return { id: order.id, reference: order.refusal.reference, [this.state.statusField]: this.word('not_accepted'), message: order.refusal.message };
    }
    const accepted = order.status !== 'queued' && order.status !== 'not_accepted';
    return {
      id: order.id,
      reference: order.reference,
      ...(accepted ? { supplier_order_number: order.supplier_order_number } : {}),
      [this.state.statusField]: this.word(order.status),
      delivery_date: '2030-01-15',
      shipping_method_code: 'dhl-standard',
      products: [{ id: 1, status_code: order.status }],
      packages: packages(order),
    };
  }

  private find(ref: Record<string, unknown>): ProboSandboxOrder | undefined {
    if (ref.id !== undefined) return this.state.orders.get(String(ref.id));
    if (ref.supplier_order_number !== undefined) return [...this.state.orders.values()].find((o) => String(o.supplier_order_number) === String(ref.supplier_order_number));
    if (typeof ref.reference === 'string') return [...this.state.orders.values()].find((o) => o.reference === ref.reference);
    return undefined;
  }

  /** POST /order/status: 1 to 5 orders; each read moves the order one state; unknown orders are left out. */
  async status(ctx: RouteContext): Promise<void> {
    const body = await ctx.json<Record<string, unknown>>();
    const list = isObject(body) && Array.isArray(body.orders) ? body.orders : undefined;
    if (!list || list.length === 0) return ctx.send(400, { status: 'error', message: 'required key [orders] not found' });
    if (list.length > 5) return ctx.send(400, { status: 'error', message: 'A maximum of 5 orders per request is allowed' });
    const found: ProboSandboxOrder[] = [];
    for (const ref of list) {
      const order = this.find(isObject(ref) ? ref : { id: ref });
      if (order && !found.includes(order)) found.push(order);
    }
    for (const order of found) if (!FINAL.has(order.status) && order.path.length > 0) this.step(order);
    ctx.send(200, { status: 'ok', message: 'Status retrieved', orders: found.map((o) => this.view(o)) });
  }

  /** POST /order/cancel: before production only; canceling a canceled order again is answered the same. */
  async cancel(ctx: RouteContext): Promise<void> {
    const ref = await ctx.json<Record<string, unknown>>();
    if (!isObject(ref) || (ref.id === undefined && ref.supplier_order_number === undefined)) return ctx.send(400, { status: 'error', message: 'Order does not exist' });
    const echo = ref.id ?? ref.supplier_order_number;
    const order = this.find({ id: ref.id, supplier_order_number: ref.supplier_order_number });
    if (!order) return ctx.send(400, { status: 'error', message: 'Order does not exist', id: echo });
    if (order.status === 'canceled') return ctx.send(200, { status: 'cancelled', message: 'Order cancelled', id: echo });
    if (order.status !== 'queued' && order.status !== 'accepted') {
      const word = order.status === 'in_production' ? 'production' : order.status;
      return ctx.send(400, { status: 'error', message: `Could not cancel order, because order status is: ${word}`, id: echo });
    }
    order.path = [];
    if (order.timer) clearTimeout(order.timer);
    order.timer = undefined;
    order.message = undefined;
    this.setStatus(order, 'canceled');
    ctx.send(200, { status: 'cancelled', message: 'Order cancelled', id: echo });
  }

  /** POST /order/release: a canceled order's id may be used again. */
  async release(ctx: RouteContext): Promise<void> {
    const ref = await ctx.json<Record<string, unknown>>();
    const echo = isObject(ref) ? ref.id ?? ref.supplier_order_number : undefined;
    const order = isObject(ref) ? this.find({ id: ref.id, supplier_order_number: ref.supplier_order_number }) : undefined;
    if (!order) return ctx.send(400, { status: 'error', message: 'Order does not exist', id: echo });
    if (order.status !== 'canceled') return ctx.send(400, { status: 'error', message: `Could not release order, because order status is: ${order.status}`, id: echo });
    this.state.orders.delete(order.id);
    ctx.send(200, { status: 'released', message: 'Order released', id: echo });
  }
}
