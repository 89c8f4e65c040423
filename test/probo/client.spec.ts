import assert from 'assert';
import { proboDescriptor } from '../../nodes/providers/probo/descriptor';
import http from 'http';
import { AddressInfo } from 'net';
import { Sandbox } from '../../sandbox/server';
import { ProboClient } from '../../nodes/providers/probo/client';
import { proboCapabilities } from '../../nodes/providers/probo/capabilities';
import { FulfillmentError } from '../../nodes/core/errors';
import { ProboOrderRequest } from '../../nodes/providers/probo/types';

const PRODUCT = { code: 'banner-510', options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }, { code: 'finishing-all-sides' }, { code: 'cut' }] };

function order(id: string, extra: Partial<ProboOrderRequest> = {}): ProboOrderRequest {
  return { id, reference: `ref-${id}`, products: [{ ...PRODUCT }], deliveries: [{ address: { first_name: 'A', last_name: 'B', city: 'Utrecht', country: 'NL' } }], ...extra };
}

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
    client = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'probo-key-123', timeoutMs: 5000 });
  });
  afterEach(async () => {
    client.close();
    await sandbox.stop();
  });

  it('prices, opens an uploader session and orders with its ids', async () => {
    const priced = await client.price({ language: 'nl', products: [PRODUCT] });
    assert.strictEqual(typeof priced.calculation_id, 'number');
    const session = await client.createUploader({ calculation_id: priced.calculation_id as number, callback_url: 'http://127.0.0.1:9/cb', language: 'nl' });
    assert.ok(session.id && session.external_id);
    assert.match(session.url, new RegExp(`/probo/uploader/${session.id}$`));
    sandbox.probo.sessions.get(Number(session.id))!.status = 'confirmed';
    const answer = await client.placeOrder(order('o-1', { products: [{ ...PRODUCT, uploaders: [{ id: session.id, external_id: session.external_id }] }] }));
    assert.strictEqual(answer.status, 'ok');
    const placed = sandbox.probo.orders.get('o-1');
    assert.strictEqual(placed?.order_type, 'test', 'test mode adds order_type test');
    assert.deepStrictEqual((placed?.body.products as Array<{ uploaders: unknown }>)[0].uploaders, [{ id: session.id, external_id: session.external_id }]);
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

  it('sends the API key as Bearer, or as Basic when the account says so', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":[]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const bearer = new ProboClient({ baseUrl: base, apiKey: 'key-1' });
    const basic = new ProboClient({ baseUrl: base, apiKey: 'a2V5OnNlY3JldA==', authScheme: 'basic' });
    try {
      await bearer.probe();
      await basic.probe();
      assert.deepStrictEqual(seen, ['Bearer key-1', 'Basic a2V5OnNlY3JldA==']);
    } finally {
      bearer.close();
      basic.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses bad input before any request, naming the field', async () => {
    const cases: Array<[() => Promise<unknown>, RegExp]> = [
      [() => client.createUploader({ calculation_id: 1, callback_url: 'http://x.test/cb', language: 'dutch' }), /^request\.language: must be an ISO 639-1/],
      [() => client.createUploader({ calculation_id: 1, callback_url: 'ftp://x.test/cb' }), /^request\.callback_url/],
      [() => client.createUploader({ calculation_id: 'abc' as unknown as number, callback_url: 'http://x.test/cb' }), /^request\.calculation_id/],
      [() => client.placeOrder(order('o', { products: [{ options: [] } as unknown as ProboOrderRequest['products'][0]] })), /^order\.products\[0\]\.code/],
      [() => client.placeOrder(order('o', { products: [{ ...PRODUCT, uploaders: [{ id: 1, external_id: 2 }, { id: 3 } as never] }] })), /^order\.products\[0\]\.uploaders\[1\]\.external_id/],
      [() => client.placeOrder({ products: [PRODUCT] } as unknown as ProboOrderRequest), /^order\.id/],
      [() => client.price({ products: [] }), /^request\.products/],
      [() => client.orderStatus([]), /^ids/],
    ];
    for (const [call, message] of cases) {
      await assert.rejects(call(), (e: Error) => kindOf(e) === 'invalid_input' && message.test(e.message));
    }
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('turns a repeated order id into a duplicate error carrying the existing order', async () => {
    await client.placeOrder(order('o-dup'));
    const err = await client.placeOrder(order('o-dup')).then(() => undefined, (e: FulfillmentError) => e);
    assert.ok(err instanceof FulfillmentError);
    assert.strictEqual(err.kind, 'duplicate');
    assert.strictEqual(err.providerCode, 'order_exists');
    assert.match(err.message, /an order with id "o-dup" \(reference "ref-o-dup"\) already exists/);
    assert.deepStrictEqual((err.response as { existing: unknown }).existing, { id: 'o-dup', reference: 'ref-o-dup' });
    assert.match(String(err.providerMessage), /Order with customer order id o-dup already exist/);
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 2);
  });

  it('waits out the quota (429 with x-ratelimit-reset) on reads and on orders', async () => {
    sandbox.probo.throttle = 2;
    const priced = await client.price({ products: [PRODUCT] });
    assert.ok(priced.calculation_id);
    assert.strictEqual(sandbox.count('/probo/price'), 3);
    sandbox.probo.throttle = 1;
    await client.placeOrder(order('o-429'));
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 2, 'a 429 was not processed, so the order is sent again');
    assert.strictEqual(sandbox.probo.orders.size, 1);
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
    assert.strictEqual(sandbox.probo.orders.size, 1);
  });

  it('asks for order status in batches of at most 5', async () => {
    const ids = Array.from({ length: 12 }, (_v, i) => `batch-${i}`);
    for (const id of ids) await client.placeOrder(order(id, { order_type: 'production' }));
    const statuses = await client.orderStatus(ids);
    assert.deepStrictEqual(statuses.map((s) => s.id), ids);
    assert.ok(statuses.every((s) => s.status === 'queued'));
    assert.strictEqual(sandbox.count('/probo/order/status'), 3);
  });

  it('maps order states to poll verdicts, delivered done, canceled / not_accepted failed', async () => {
    const caps = proboCapabilities(client);
    await client.placeOrder(order('v-test'));
    await client.placeOrder(order('v-na', { order_type: 'production', reference: 'not-accepted' }));
    await client.placeOrder(order('v-ok', { order_type: 'production' }));
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reports = await caps.status!.fetch('order', ['v-test', 'v-na', 'v-ok']);
      seen.push(reports.map((r) => `${r.id}:${r.status}:${r.verdict}`).join(' '));
    }
    assert.strictEqual(seen[0], 'v-test:canceled:failed v-na:queued:pending v-ok:queued:pending');
    assert.strictEqual(seen[1], 'v-test:canceled:failed v-na:not_accepted:failed v-ok:accepted:pending');
    assert.strictEqual(seen[4], 'v-test:canceled:failed v-na:not_accepted:failed v-ok:delivered:done');
    assert.strictEqual(proboDescriptor.capabilities.status[0].defaultIntervalMs, 30 * 60_000);
  });
});
