import assert from 'assert';
import { helper, collect, Collector } from '../support/red';
import { CREDS, ProboHarness } from './harness';
import { proboOrder } from './fixtures';

type Msg = Record<string, unknown>;

const SHIPPING = ['accepted', 'in_production', 'logistics', 'shipment_created', 'shipment_scanned_by_carrier', 'shipment_in_transit'];

describe('Probo order states through poll status, in a real runtime against the sandbox', function () {
  this.timeout(60_000);
  const h = new ProboHarness();

  beforeEach(async () => {
    await h.start();
    // Only status reads move orders here, so every state is seen once.
    h.sandbox.probo.idleStepMs = 0;
  });
  afterEach(() => h.stop());

  async function run(orders: Array<Record<string, unknown>>, ends: number): Promise<{ done: Collector; failed: Collector; progress: Collector; errors: Collector }> {
    await helper.load(h.nodes(), h.flow({ account: { testMode: false } }), CREDS);
    const c = { done: collect('done'), failed: collect('failed'), progress: collect('progress'), errors: collect('errors') };
    for (const o of orders) helper.getNode('order')?.receive({ payload: o });
    const deadline = Date.now() + 45_000;
    while (c.done.messages.length + c.failed.messages.length < ends) {
      if (Date.now() > deadline) throw new Error(`only ${c.done.messages.length + c.failed.messages.length} of ${ends} orders ended; errors: ${JSON.stringify(c.errors.messages.map((m) => (m.error as Msg).message))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return c;
  }

  const steps = (progress: Collector, id: string): string[] => progress.messages.filter((m) => m.jobId === id).map((m) => String(m.status));

  it('reports every state on output 3 and shipment_delivered on output 1, with tracking', async () => {
    const { done, progress, errors } = await run([proboOrder('live-1')], 1);
    const [d] = done.messages;
    assert.strictEqual(d.jobId, 'live-1');
    assert.strictEqual(d.status, 'shipment_delivered');
    assert.strictEqual((d.payload as Msg).status_code, 'shipment_delivered', 'msg.payload is the order as Probo lists it');
    assert.match(String(((d.tracking as Msg[])[0]).tracking_url), /^https:\/\/www\.dhlparcel\.nl\//);
    assert.deepStrictEqual(steps(progress, 'live-1'), SHIPPING);
    assert.deepStrictEqual(progress.messages.map((m) => m.reason), SHIPPING.map(() => undefined), 'plain progress has no reason');
    assert.strictEqual(errors.messages.length, 0);
  });

  it('sends not_accepted, canceled, shipment_returned and shipment_exception to output 2 with the reason', async () => {
    const orders = [proboOrder('na-1', { reference: 'not-accepted' }), proboOrder('ret-1', { reference: 'returned' }), proboOrder('exc-1', { reference: 'exception' }), proboOrder('can-1')];
    await helper.load(h.nodes(), h.flow({ account: { testMode: false }, poll: false }), CREDS);
    const placed = collect('placed');
    const failed = collect('failed');
    const progress = collect('progress');
    for (const o of orders) helper.getNode('order')?.receive({ payload: o });
    const answers = await placed.wait(4);
    // Cancel can-1 before production, from a client the way the operation node does.
    const { createProvider } = await import('../../nodes/providers');
    const handle = createProvider({ provider: 'probo', baseUrl: h.base, credentials: { apiKey: 'k' }, options: {} });
    try {
      const cancel = handle.capabilities.operations!.cancel;
      await cancel.run(cancel.prepare('can-1'));
    } finally {
      await handle.close();
    }
    for (const a of answers) helper.getNode('poll')?.receive(a);
    const msgs = await failed.wait(4, 45_000);
    const byId = Object.fromEntries(msgs.map((m) => [String(m.jobId), m]));
    assert.strictEqual(byId['na-1'].status, 'not_accepted');
    assert.match(String(byId['na-1'].reason), /Probo did not accept the order/);
    assert.strictEqual(byId['can-1'].status, 'canceled');
    assert.match(String(byId['can-1'].reason), /canceled/);
    assert.strictEqual(byId['ret-1'].status, 'shipment_returned');
    assert.match(String(byId['ret-1'].reason), /returned/);
    assert.strictEqual(byId['exc-1'].status, 'shipment_exception');
    assert.match(String(byId['exc-1'].reason), /carrier reported a problem/);
    assert.deepStrictEqual(steps(progress, 'ret-1'), [...SHIPPING, 'shipment_not_at_home']);
    assert.match(String(progress.messages.find((m) => m.status === 'shipment_not_at_home')?.reason), /nobody was at home/);
  });

  it('keeps delayed and not-at-home shipments in progress, saying so, until they are delivered', async () => {
    const { done, progress } = await run([proboOrder('late-1', { reference: 'delayed' }), proboOrder('away-1', { reference: 'not-at-home' })], 2);
    assert.deepStrictEqual(done.messages.map((m) => m.status), ['shipment_delivered', 'shipment_delivered']);
    assert.deepStrictEqual(steps(progress, 'late-1'), [...SHIPPING, 'shipment_delayed']);
    assert.deepStrictEqual(steps(progress, 'away-1'), [...SHIPPING, 'shipment_not_at_home', 'shipment_available_at_pickup_point', 'shipment_picked_up']);
    const delayed = progress.messages.find((m) => m.status === 'shipment_delayed');
    assert.match(String(delayed?.reason), /delayed/);
    assert.match(String(progress.messages.find((m) => m.status === 'shipment_not_at_home')?.reason), /nobody was at home/);
  });

  it('reads `status` instead of `status_code`, and the legacy order_ prefix', async () => {
    h.sandbox.probo.statusField = 'status';
    h.sandbox.probo.legacyPrefix = true;
    const { done, progress } = await run([proboOrder('old-1')], 1);
    assert.strictEqual(done.messages[0].status, 'shipment_delivered');
    assert.strictEqual((done.messages[0].payload as Msg).status, 'order_shipment_delivered');
    assert.deepStrictEqual(steps(progress, 'old-1'), SHIPPING);
  });

  it('says clearly when Probo does not list an order, and keeps watching', async () => {
    await helper.load(h.nodes(), h.flow(), CREDS);
    const progress = collect('progress');
    const errors = collect('errors');
    helper.getNode('poll')?.receive({ payload: 'never-placed' });
    const [m] = await progress.wait(1);
    assert.strictEqual(m.jobId, 'never-placed');
    assert.strictEqual(m.status, 'not_found');
    assert.match(String(m.reason), /Probo does not list this order \(yet\)/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.strictEqual(progress.messages.length, 1, 'reported once, not on every read');
    assert.ok(h.sandbox.count('/probo/order/status') >= 2, 'still watching');
    assert.strictEqual(errors.messages.length, 0);
  });

  it('reports a repeated order id as duplicate on output 2 when the status says so', async () => {
    h.sandbox.probo.duplicates = 'status';
    await helper.load(h.nodes(), h.flow({ account: { testMode: false }, poll: false }), CREDS);
    const placed = collect('placed');
    const failed = collect('failed');
    helper.getNode('order')?.receive({ payload: proboOrder('dup-1', { reference: 'first' }) });
    helper.getNode('order')?.receive({ payload: proboOrder('dup-1', { reference: 'second' }) });
    const answers = await placed.wait(2);
    assert.deepStrictEqual(answers.map((m) => (m.order as Msg).status), ['queued', 'queued'], 'Probo takes both and checks later');
    helper.getNode('poll')?.receive({ payload: answers[1].payload });
    const [f] = await failed.wait(1);
    assert.strictEqual(f.status, 'not_accepted');
    assert.strictEqual(f.duplicate, true);
    assert.match(String(f.reason), /the order id exists already at Probo: Order not accepted, reason: \| Order with customer order id 'dup-1' for customer '9999' already exist/);
  });

  it('ends a test order canceled on receipt on output 2, when the sandbox does what the test-order page says', async () => {
    h.sandbox.probo.testOrders = 'cancel';
    await helper.load(h.nodes(), h.flow(), CREDS);
    const failed = collect('failed');
    helper.getNode('order')?.receive({ payload: proboOrder('t-1') });
    const [f] = await failed.wait(1);
    assert.strictEqual(f.status, 'canceled');
    assert.strictEqual((f.order as Msg).order_type, 'test');
  });
});
