import assert from 'assert';
import http from 'http';
import { AddressInfo } from 'net';
import { proboDescriptor } from '../../nodes/providers/probo/descriptor';
import { Sandbox } from '../../sandbox/server';
import { ProboClient } from '../../nodes/providers/probo/client';
import { proboCapabilities } from '../../nodes/providers/probo/capabilities';
import { FulfillmentError } from '../../nodes/core/errors';
import { ProboOrderRequest } from '../../nodes/providers/probo/types';
import { PROBO_PRODUCT as PRODUCT, proboOrder as order } from './fixtures';

function kindOf(e: unknown): string {
  return (e as FulfillmentError).kind;
}

describe('ProboClient against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let client: ProboClient;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    sandbox.probo.idleStepMs = 0;
    client = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'probo-key-123', timeoutMs: 5000 });
  });
  afterEach(async () => {
    client.close();
    await sandbox.stop();
  });

  it('prices, opens an uploader session and orders with its ids; the answer is 202 queued', async () => {
    const priced = await client.price({ language: 'nl', products: [PRODUCT] });
    assert.strictEqual(typeof priced.calculation_id, 'number');
    const { session } = await client.createUploader({ calculation_id: priced.calculation_id as number, callback_url: 'http://127.0.0.1:9/cb', language: 'nl' });
    assert.ok(session.id && session.external_id);
    assert.match(session.url, new RegExp(`/probo/uploader/${session.id}$`));
    sandbox.probo.sessions.get(Number(session.id))!.status = 'confirmed';
    const answer = await client.placeOrder(order('o-1', { products: [{ ...PRODUCT, uploaders: [{ id: session.id, external_id: session.external_id as number }] }] }));
    assert.deepStrictEqual(answer, { status: 'queued', message: 'Order queued', order: { id: 'o-1', reference: 'ref-o-1' } });
    const placed = sandbox.probo.orders.get('o-1');
    assert.strictEqual(placed?.order_type, 'test', 'test mode adds order_type test');
    assert.deepStrictEqual((placed?.body.products as Array<{ uploaders: unknown }>)[0].uploaders, [{ id: session.id, external_id: session.external_id }]);
  });

  it('a sandbox started again hands out other uploader ids, so an example run again after a restart is not a repeat', async () => {
    const priced = await client.price({ products: [PRODUCT] });
    const first = (await client.createUploader({ calculation_id: priced.calculation_id as number, callback_url: 'http://127.0.0.1:9/cb' })).session.id;
    const again = new Sandbox();
    await again.start();
    const other = new ProboClient({ baseUrl: again.providerUrl('probo'), apiKey: 'k', timeoutMs: 5000 });
    try {
      const repriced = await other.price({ products: [PRODUCT] });
      const second = (await other.createUploader({ calculation_id: repriced.calculation_id as number, callback_url: 'http://127.0.0.1:9/cb' })).session.id;
      assert.notStrictEqual(second, first);
    } finally {
      other.close();
      await again.stop();
    }
  });

  it('reads the uploader answer of the specification too: {uploaders: [{product_id, id, url}]}', async () => {
    sandbox.probo.uploaderAnswer = 'spec';
    const priced = await client.price({ products: [PRODUCT] });
    const created = await client.createUploader({ calculation_id: priced.calculation_id as number, callback_url: 'http://127.0.0.1:9/cb' });
    assert.strictEqual(created.sessions.length, 1);
    assert.strictEqual(created.session.product_id, 1);
    assert.strictEqual(created.session.external_id, undefined, 'the specification has no external_id: it comes with the callback');
    assert.match(created.session.url, /\/probo\/uploader\/\d+$/);
  });

  it('keeps an order_type the order sets, and sends none when test mode is off', async () => {
    await client.placeOrder(order('o-prod', { order_type: 'production' }));
    assert.strictEqual(sandbox.probo.orders.get('o-prod')?.body.order_type, 'production');
    const live = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'k', testMode: false });
    try {
      await live.placeOrder(order('o-live'));
      assert.strictEqual(sandbox.probo.orders.get('o-live')?.body.order_type, undefined);
    } finally {
      live.close();
    }
  });

  it('sends the API key as Basic by default (the key as given), or as Bearer when asked', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":[], "meta": {"page": 1, "pages": 1}}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const basic = new ProboClient({ baseUrl: base, apiKey: 'a2V5OnNlY3JldA==' });
    const bearer = new ProboClient({ baseUrl: base, apiKey: 'key-1', authScheme: 'bearer' });
    try {
      await basic.probe();
      await bearer.probe();
      assert.deepStrictEqual(seen, ['Basic a2V5OnNlY3JldA==', 'Bearer key-1']);
    } finally {
      bearer.close();
      basic.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reads the reasons of a refusal whose errors are a newline-joined string or a list, as clients see Probo send them', async () => {
    const reasons: string[] = [];
    for (const errors of ['Product banner-510: option width is required\nDelivery 1: postal_code is required', ['Product banner-510: option width is required', 'Delivery 1: postal_code is required']]) {
      sandbox.fault({ method: 'POST', path: '/probo/order', times: 1, fault: { type: 'status', status: 400, body: { errors } } });
      const e = await client.placeOrder(order(`o-refused-${reasons.length}`)).then(() => undefined, (x: unknown) => x as FulfillmentError);
      assert.strictEqual(e?.kind, 'http');
      assert.strictEqual(e?.status, 400);
      reasons.push(String(e?.providerMessage));
    }
    assert.deepStrictEqual(reasons, Array(2).fill('Product banner-510: option width is required; Delivery 1: postal_code is required'));
  });

  it('refuses bad input before any request, naming the field', async () => {
    const cases: Array<[() => Promise<unknown>, RegExp]> = [
      [() => client.createUploader({ calculation_id: 1, callback_url: 'http://x.test/cb', language: 'dutch' }), /^request\.language: must be an ISO 639-1/],
      [() => client.createUploader({ calculation_id: 1, callback_url: 'ftp://x.test/cb' }), /^request\.callback_url/],
      [() => client.createUploader({ calculation_id: 'abc' as unknown as number, callback_url: 'http://x.test/cb' }), /^request\.calculation_id/],
      [() => client.placeOrder(order('o', { products: [{ options: [] }] })), /^order\.products\[0\]\.code/],
      [() => client.placeOrder(order('o', { products: [{ ...PRODUCT, uploaders: [{ id: 1, external_id: 2 }, { id: 3 } as never] }] })), /^order\.products\[0\]\.uploaders\[1\]\.external_id/],
      [() => client.placeOrder(order('o', { products: [{ ...PRODUCT, calculation_id: 5 }] })), /^order\.products\[0\]\.calculation_id: is not a field Probo takes/],
      [() => client.placeOrder({ products: [PRODUCT] } as unknown as ProboOrderRequest), /^order\.id/],
      [() => client.placeOrder(order('has space')), /^order\.id: may only contain letters, digits, _ and -/],
      // Values some clients send; Probo's specification lists only test and production.
      [() => client.placeOrder(order('o', { order_type: 'live' } as never)), /^order\.order_type: must be "test" or "production"/],
      [() => client.placeOrder(order('o', { order_type: 'normal' } as never)), /^order\.order_type: must be "test" or "production"/],
      [() => client.placeOrder(order('o', { reference: '' })), /^order\.reference: is required/],
      [() => client.placeOrder(order('o', { deliveries: [] })), /^order\.deliveries: is required/],
      [() => client.placeOrder(order('o', { callback_urls: 'http://x.test' as unknown as string[] })), /^order\.callback_urls: must be an array/],
      [() => client.placeOrder(order('o', { callback_url: ['http://ok.test/cb', 'mailto:x'] })), /^order\.callback_url\[1\]: must be an http or https URL/],
      [() => client.price({ products: [] }), /^request\.products/],
      [() => client.orderStatus([]), /^ids/],
      [() => client.cancelOrder({} as never), /^order: needs id/],
    ];
    for (const [call, message] of cases) {
      await assert.rejects(call(), (e: Error) => kindOf(e) === 'invalid_input' && message.test(e.message));
    }
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('sends callback_url as callback_urls (one list, no repeats) and an integer id as a string', async () => {
    await client.placeOrder(order(77 as unknown as string, { callback_url: 'http://127.0.0.1:9/a', callback_urls: ['http://127.0.0.1:9/b', 'http://127.0.0.1:9/a'] }));
    const body = sandbox.probo.orders.get('77')?.body;
    assert.deepStrictEqual(body?.callback_urls, ['http://127.0.0.1:9/b', 'http://127.0.0.1:9/a']);
    assert.strictEqual(body?.callback_url, undefined);
    assert.strictEqual(body?.id, '77');
  });

  it('turns a repeated order id refused on the spot (older behaviour) into a duplicate error carrying the order', async () => {
    sandbox.probo.duplicates = 'sync';
    await client.placeOrder(order('o-dup'));
    const err = await client.placeOrder(order('o-dup')).then(() => undefined, (e: FulfillmentError) => e);
    assert.ok(err instanceof FulfillmentError);
    assert.strictEqual(err.kind, 'duplicate');
    assert.strictEqual(err.providerCode, 'order_exists');
    assert.match(err.message, /an order with id "o-dup" \(reference "ref-o-dup"\) already exists/);
    assert.deepStrictEqual((err.response as { existing: unknown }).existing, { id: 'o-dup', reference: 'ref-o-dup' });
    assert.match(String(err.providerMessage), /Order with customer order id 'o-dup' for customer '9999' already exist/);
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 2);
  });

  it('accepts a repeated id with 202 as Probo does (the refusal comes later, by callback)', async () => {
    await client.placeOrder(order('o-twice'));
    const again = await client.placeOrder(order('o-twice', { reference: 'second' }));
    assert.strictEqual(again.status, 'queued');
    assert.deepStrictEqual(sandbox.probo.submissions.map((x) => x.outcome), ['queued', 'duplicate']);
  });

  it('waits out the quota (429 with x-ratelimit-reset) on reads and on orders', async () => {
    sandbox.probo.throttle = 2;
    const priced = await client.price({ products: [PRODUCT] });
    assert.ok(priced.calculation_id);
    assert.strictEqual(sandbox.count('/probo/price'), 3);
    sandbox.probo.throttle = 1;
    await client.placeOrder(order('o-429'));
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 2, 'a 429 was not processed, so the order is sent again');
    assert.strictEqual(sandbox.probo.submissions.length, 1);
  });

  it('gives up with a clear quota error when the quota does not come back', async () => {
    const stuck = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'quota-exceeded', attempts: 2 });
    try {
      const err = await stuck.price({ products: [PRODUCT] }).then(() => undefined, (e: FulfillmentError) => e);
      assert.strictEqual(err?.status, 429);
      assert.strictEqual(err?.providerCode, 'quota_exceeded');
      assert.match(err?.message ?? '', /quota exceeded/);
      assert.strictEqual(sandbox.count('/probo/price'), 2);
    } finally {
      stuck.close();
    }
  });

  it('never sends an order twice when the connection drops after it arrived', async () => {
    sandbox.fault({ method: 'POST', path: '/probo/order', fault: { type: 'reset-after' }, times: 1 });
    await assert.rejects(client.placeOrder(order('o-reset')), (e: FulfillmentError) => e.kind === 'outcome_unknown' && /outcome unknown/.test(e.message));
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 1);
    assert.strictEqual(sandbox.probo.submissions.length, 1);
  });

  it('asks for order status in batches of at most 5, reading status_code or status', async () => {
    const ids = Array.from({ length: 12 }, (_v, i) => `batch-${i}`);
    for (const id of ids) await client.placeOrder(order(id, { order_type: 'production' }));
    const statuses = await client.orderStatus(ids);
    assert.deepStrictEqual(statuses.map((s) => s.id), ids);
    assert.ok(statuses.every((s) => s.status === 'accepted' && typeof s.raw.status_code === 'string'));
    assert.strictEqual(sandbox.count('/probo/order/status'), 3);
    sandbox.probo.statusField = 'status';
    sandbox.probo.legacyPrefix = true;
    const [again] = await client.orderStatus(['batch-0']);
    assert.strictEqual(again.raw.status, 'order_in_production');
    assert.strictEqual(again.status, 'in_production', 'the order_ prefix is dropped');
  });

  it('maps order states to poll verdicts: shipment_delivered done, failures failed, an unknown order pending', async () => {
    const caps = proboCapabilities(client);
    sandbox.probo.testOrders = 'cancel';
    await client.placeOrder(order('v-test'));
    await client.placeOrder(order('v-na', { order_type: 'production', reference: 'not-accepted' }));
    await client.placeOrder(order('v-ok', { order_type: 'production' }));
    const seen: string[] = [];
    for (let i = 0; i < 7; i++) {
      const reports = await caps.status!.fetch('order', ['v-test', 'v-na', 'v-ok', 'v-none']);
      seen.push(reports.map((r) => `${r.id}:${r.status}:${r.verdict}`).join(' '));
    }
    assert.strictEqual(seen[0], 'v-test:canceled:failed v-na:not_accepted:failed v-ok:accepted:pending v-none:not_found:pending');
    assert.strictEqual(seen[6], 'v-test:canceled:failed v-na:not_accepted:failed v-ok:shipment_delivered:done v-none:not_found:pending');
    assert.strictEqual(proboDescriptor.capabilities.status[0].defaultIntervalMs, 30 * 60_000);
  });

  it('cancels before production, and reports Probo\'s refusal once in production', async () => {
    await client.placeOrder(order('c-1', { order_type: 'production' }));
    const ok = await client.cancelOrder({ id: 'c-1' });
    assert.deepStrictEqual(ok, { status: 'cancelled', message: 'Order cancelled', id: 'c-1' });
    assert.strictEqual(sandbox.probo.orders.get('c-1')?.status, 'canceled');
    await client.placeOrder(order('c-2', { order_type: 'production' }));
    await client.orderStatus(['c-2']);
    await client.orderStatus(['c-2']);
    const err = await client.cancelOrder({ id: 'c-2' }).then(() => undefined, (e: FulfillmentError) => e);
    assert.strictEqual(err?.kind, 'http');
    assert.strictEqual(err?.status, 400);
    assert.strictEqual(err?.providerCode, 'cancel_refused');
    assert.strictEqual(err?.providerMessage, 'Could not cancel order, because order status is: production');
    assert.match(err?.message ?? '', /the order could not be canceled: Could not cancel order, because order status is: production/);
    // A canceled order's id may be used again once released.
    await client.releaseOrder({ id: 'c-1' });
    const again = await client.placeOrder(order('c-1'));
    assert.strictEqual(again.status, 'queued');
  });
});
