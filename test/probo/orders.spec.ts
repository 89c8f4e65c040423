import assert from 'assert';
import sinon from 'sinon';
import { helper, collect, delay } from '../support/red';
import { CREDS, ProboHarness, post } from './harness';
import { proboOrder } from './fixtures';
import * as validate from '../../nodes/providers/probo/validate';
import { ProboClient } from '../../nodes/providers/probo/client';

type Msg = Record<string, unknown>;

const LIFE = ['queued', 'accepted', 'in_production', 'logistics', 'shipment_created', 'shipment_scanned_by_carrier', 'shipment_in_transit', 'shipment_delivered'];

describe('Probo orders and order callbacks, in a real runtime against the sandbox', function () {
  this.timeout(60_000);
  const h = new ProboHarness();

  beforeEach(async () => {
    await h.start();
    h.sandbox.probo.idleStepMs = 0;
  });
  afterEach(() => {
    sinon.restore();
    return h.stop();
  });

  it('sends callback_urls with the order; every status change reaches the callback node once, in order', async () => {
    await helper.load(h.nodes(), h.flow(), CREDS);
    const events = collect('events');
    const done = collect('done');
    const placed = collect('placed');
    // A flow may say callback_url (as the first sentence of Probo's guide does): it is sent as callback_urls.
    helper.getNode('order')?.receive({ payload: proboOrder('cb-1', { callback_url: h.callbackUrl('probo-orders') }) });
    const [p] = await placed.wait(1);
    assert.deepStrictEqual(p.order, { id: 'cb-1', reference: 'ref-cb-1', order_type: 'test', status: 'queued' });
    assert.deepStrictEqual(h.sandbox.probo.orders.get('cb-1')?.body.callback_urls, [h.callbackUrl('probo-orders')]);
    assert.strictEqual(h.sandbox.probo.orders.get('cb-1')?.body.callback_url, undefined);
    await done.wait(1, 30_000);
    const msgs = await events.wait(LIFE.length, 10_000);
    assert.deepStrictEqual(msgs.map((m) => m.status), LIFE);
    assert.ok(msgs.every((m) => (m.order as Msg).id === 'cb-1' && m.eventType === 'order'));
    assert.deepStrictEqual(msgs.map((m) => m.outcome), [...LIFE.slice(0, -1).map(() => 'progress'), 'done']);
    assert.strictEqual((msgs[1].order as Msg).supplier_order_number, h.sandbox.probo.orders.get('cb-1')?.supplier_order_number);
    assert.match(String((msgs[7].tracking as Msg[])[0].tracking_code), /^JVGL/);
    for (let i = 0; i < 50 && h.sandbox.probo.callbacks.some((c) => c.httpStatus === undefined); i++) await delay(20);
    assert.ok(h.sandbox.probo.callbacks.every((c) => c.httpStatus === 200));

    // Probo re-sends what it thinks was lost, and a delayed callback may come after a later one: neither is output.
    const url = h.callbackUrl('probo-orders');
    assert.strictEqual((await post(url, JSON.stringify(h.sandbox.probo.callbacks[7].body))).status, 200);
    assert.strictEqual((await post(url, JSON.stringify(h.sandbox.probo.callbacks[3].body))).status, 200);
    await delay(100);
    assert.strictEqual(events.messages.length, LIFE.length);
  });

  it('lets an order move by itself when nobody reads its status: callbacks alone follow it', async () => {
    h.sandbox.probo.idleStepMs = 40;
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const events = collect('events');
    helper.getNode('order')?.receive({ payload: proboOrder('cb-2', { callback_urls: [h.callbackUrl('probo-orders')] }) });
    const msgs = await events.wait(LIFE.length, 20_000);
    assert.deepStrictEqual(msgs.map((m) => m.status), LIFE);
    assert.strictEqual(h.sandbox.count('/probo/order/status'), 0);
  });

  it('reports a repeated id later as not_accepted by callback, marked duplicate, while the first order carries on', async () => {
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const events = collect('events');
    const placed = collect('placed');
    const errors = collect('errors');
    const callback_urls = [h.callbackUrl('probo-orders')];
    helper.getNode('order')?.receive({ payload: proboOrder('dup-9', { reference: 'Banner 510', callback_urls }) });
    await events.wait(1);
    helper.getNode('order')?.receive({ payload: proboOrder('dup-9', { reference: 'Banner 610', callback_urls }) });
    const answers = await placed.wait(2);
    assert.deepStrictEqual(answers.map((a) => (a.payload as Msg).status), ['queued', 'queued'], 'Probo answers both with 202 queued');
    const [, refusal] = await events.wait(2);
    assert.strictEqual(refusal.status, 'not_accepted');
    assert.strictEqual(refusal.outcome, 'failed');
    assert.strictEqual(refusal.duplicate, true);
    assert.deepStrictEqual(refusal.order, { id: 'dup-9', reference: 'Banner 610' });
    assert.strictEqual(refusal.message, "Order not accepted, reason: | Order with customer order id 'dup-9' for customer '9999' already exist");
    assert.match(String(refusal.reason), /exists already/);
    // The first order's own states still come through.
    const client = new ProboClient({ baseUrl: h.base, apiKey: 'k' });
    try {
      await client.orderStatus(['dup-9']);
      await client.orderStatus(['dup-9']);
    } finally {
      client.close();
    }
    const all = await events.wait(4);
    assert.deepStrictEqual(all.map((m) => `${m.status}${m.duplicate ? ' (duplicate)' : ''}`), ['queued', 'not_accepted (duplicate)', 'accepted', 'in_production']);
    assert.strictEqual(errors.messages.length, 0);
  });

  it('never moves an order backwards: a late callback is dropped, a failure is not overridden by late progress', async () => {
    const flow = h.flow({ poll: false, callback: { contextStore: '' } });
    await helper.load(h.nodes(), flow, CREDS);
    let events = collect('events');
    const url = h.callbackUrl('probo-orders');
    const send = async (id: string, status: string): Promise<void> => {
      assert.strictEqual((await post(url, JSON.stringify({ status, message: `Order ${status}`, order: { id, reference: 'r' } }))).status, 200);
    };
    await send('rank-1', 'accepted');
    await send('rank-1', 'in_production');
    await send('rank-1', 'queued');
    await send('rank-1', 'accepted');
    await send('rank-2', 'accepted');
    await send('rank-1', 'shipment_exception');
    await send('rank-1', 'shipment_in_transit');
    await delay(100);
    assert.deepStrictEqual(events.messages.map((m) => `${(m.order as Msg).id} ${m.status}`), ['rank-1 accepted', 'rank-1 in_production', 'rank-2 accepted', 'rank-1 shipment_exception']);
    // The ranks live in the node's context, beside the seen keys: with a persistent store they survive a restart.
    const saved = (helper.getNode('cb') as unknown as { context(): { get(k: string): Record<string, [number, number]> } }).context().get('fulfillment-callback-ranks');
    assert.deepStrictEqual(Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, v[0]])), { 'probo:order:rank-2': 10, 'probo:order:rank-1': 90 });
    events = collect('events');
    await send('rank-1', 'logistics');
    await send('rank-2', 'in_production');
    // A parcel that arrives after all: delivery ranks above the carrier's exception.
    await send('rank-1', 'shipment_delivered');
    await events.wait(2);
    await delay(100);
    assert.deepStrictEqual(events.messages.map((m) => `${(m.order as Msg).id} ${m.status}`), ['rank-2 in_production', 'rank-1 shipment_delivered']);
  });

  it('reads an answer of {status: "order_queued"} as queued', async () => {
    h.sandbox.probo.orderAnswerStatus = 'order_queued';
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const placed = collect('placed');
    helper.getNode('order')?.receive({ payload: proboOrder('oq-1') });
    const [p] = await placed.wait(1);
    assert.strictEqual((p.payload as Msg).status, 'order_queued', 'msg.payload is Probo\'s answer as it came');
    assert.strictEqual((p.order as Msg).status, 'queued');
  });

  it('checks the order body once on its way out', async () => {
    const spy = sinon.spy(validate, 'checkOrder');
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const placed = collect('placed');
    helper.getNode('order')?.receive({ payload: proboOrder('once-1') });
    await placed.wait(1);
    assert.strictEqual(spy.callCount, 1);
  });

  it('makes an answer of the wrong shape an error (outcome unknown, the repeat guard keeps the order), never a success', async () => {
    h.sandbox.fault({ method: 'POST', path: '/probo/order', fault: { type: 'malformed', body: '{"unexpected": true}' }, times: 1 });
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const placed = collect('placed');
    const errors = collect('errors');
    const body = proboOrder('shape-1');
    helper.getNode('order')?.receive({ payload: body });
    const [e] = await errors.wait(1);
    const error = e.error as { code: string; message: string; cause: { providerCode: string } };
    assert.strictEqual(error.code, 'outcome_unknown');
    assert.strictEqual(error.cause.providerCode, 'answer_unreadable');
    assert.match(error.message, /answer\.status: expected a non-empty string/);
    helper.getNode('order')?.receive({ payload: body });
    const [again] = await errors.wait(2).then((m) => m.slice(1));
    assert.strictEqual((again.error as { code: string }).code, 'duplicate');
    assert.strictEqual(h.sandbox.count('/probo/order', 'POST'), 1, 'the same order was not sent again');
    assert.strictEqual(placed.messages.length, 0);
  });

  it('authenticates with Basic and the key as given when the account does not say, Bearer when chosen', async () => {
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    helper.getNode('order')?.receive({ payload: proboOrder('auth-1') });
    await collect('placed').wait(1);
    assert.deepStrictEqual(h.sandbox.probo.authSchemes, ['Basic']);
    await helper.unload();
    await helper.load(h.nodes(), h.flow({ poll: false, account: { authScheme: 'bearer' } }), CREDS);
    helper.getNode('order')?.receive({ payload: proboOrder('auth-2') });
    await collect('placed').wait(1);
    assert.deepStrictEqual(h.sandbox.probo.authSchemes, ['Basic', 'Bearer']);
  });

  it('reads the uploader answer with an uploaders array (the specification) as well as the guide\'s', async () => {
    h.sandbox.probo.uploaderAnswer = 'spec';
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const sessions = collect('sessions');
    helper.getNode('session')?.receive({ payload: { products: [{ code: 'banner-510', options: [{ code: 'amount', value: 1 }] }], callback_url: 'http://127.0.0.1:9/uploads' } });
    const [s] = await sessions.wait(1);
    const uploader = s.uploader as Msg;
    assert.strictEqual(uploader.product_id, 1);
    assert.strictEqual(uploader.external_id, undefined);
    assert.match(String(uploader.url), /\/probo\/uploader\/\d+$/);
    assert.deepStrictEqual(s.uploaders, [uploader]);
    assert.strictEqual((s.payload as Msg).message, 'Uploaders created');
  });
  it('sends calculation_id and the uploader ids as the integers Probo takes, and only id and external_id, whatever form the flow gives them in', async () => {
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const sessions = collect('sessions');
    const placed = collect('placed');
    const errors = collect('errors');
    const pricing = new ProboClient({ baseUrl: h.base, apiKey: CREDS.acc.apiKey });
    const priced = await pricing.price({ products: [{ code: 'banner-510', options: [{ code: 'amount', value: 1 }] }] }).finally(() => pricing.close());
    // An inject of type string, or a template, gives the calculation_id as text.
    helper.getNode('session')?.receive({ payload: String(priced.calculation_id) });
    const [s] = await Promise.race([sessions.wait(1), errors.wait(1).then((e) => assert.fail(String((e[0].error as Msg).message)))]);
    const uploader = s.uploader as { id: number; external_id: number; url: string };
    assert.strictEqual(h.sandbox.probo.sessions.get(uploader.id)?.calculation_id, priced.calculation_id);
    h.sandbox.probo.sessions.get(uploader.id)!.status = 'confirmed';

    // The session node's own output (with url), its ids as text: Probo takes {id: integer, external_id: integer} and nothing else.
    const asText = { ...uploader, id: String(uploader.id), external_id: String(uploader.external_id) };
    helper.getNode('order')?.receive({ payload: proboOrder('upl-int-1', { products: [{ code: 'banner-510', options: [{ code: 'amount', value: 1 }], uploaders: [asText] }] }) });
    const [o] = await placed.wait(1);
    assert.strictEqual((o.payload as Msg).status, 'queued');
    assert.deepStrictEqual((h.sandbox.probo.orders.get('upl-int-1')?.body.products as Array<{ uploaders: unknown }>)[0].uploaders, [{ id: uploader.id, external_id: uploader.external_id }]);

    // An id that is no number is refused before anything is sent, naming the field.
    const before = h.sandbox.count('/probo/order', 'POST');
    helper.getNode('order')?.receive({ payload: proboOrder('upl-int-2', { products: [{ code: 'banner-510', uploaders: [{ id: 'session-a', external_id: 67 }] }] }) });
    const failed = (await errors.wait(1)).find((m) => /uploaders\[0\]\.id/.test(String((m.error as Msg).message)));
    assert.ok(failed, 'an error names msg.payload.products[0].uploaders[0].id');
    assert.strictEqual(h.sandbox.count('/probo/order', 'POST'), before);
  });
  it('reads a later callback written like the /order/status answer ({status: "ok", orders: [{id, status_code, packages}]}), or with the state inside order', async () => {
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const events = collect('events');
    const errors = collect('errors');
    const url = h.callbackUrl('probo-orders');
    const asStatus = {
      status: 'ok',
      message: 'Status retrieved',
      orders: [{ id: 'sf-1', reference: 'r', supplier_order_number: 202012345, status_code: 'shipment_created', packages: [{ id: 1, status_code: 'shipment_created', tracking_url: 'https://track.example/JVGL1', tracking_code: 'JVGL1' }] }],
    };
    assert.strictEqual((await post(url, JSON.stringify(asStatus))).status, 200);
    assert.strictEqual((await post(url, JSON.stringify({ message: 'Order in production', order: { id: 'sf-2', reference: 'r', status: 'order_in_production' } }))).status, 200);
    const [created, production] = await events.wait(2);
    assert.strictEqual(created.status, 'shipment_created', 'the order\'s state, not the call\'s "ok"');
    assert.strictEqual(created.outcome, 'progress');
    assert.deepStrictEqual(created.order, { id: 'sf-1', reference: 'r', supplier_order_number: 202012345 });
    assert.deepStrictEqual(created.tracking, [{ status_code: 'shipment_created', tracking_code: 'JVGL1', tracking_url: 'https://track.example/JVGL1' }]);
    assert.strictEqual(production.status, 'in_production');
    assert.deepStrictEqual((production.order as Msg).id, 'sf-2');
    assert.strictEqual(errors.messages.length, 0);
  });
  it('refuses an option Probo would not take (a true/false value, a key beside code and value) before sending, naming the field', async () => {
    await helper.load(h.nodes(), h.flow({ poll: false }), CREDS);
    const errors = collect('errors');
    const placed = collect('placed');
    helper.getNode('order')?.receive({ payload: proboOrder('opt-1', { products: [{ code: 'banner-510', options: [{ code: 'amount', value: 1 }, { code: 'cut', value: true } as never] }] }) });
    helper.getNode('order')?.receive({ payload: proboOrder('opt-2', { products: [{ code: 'banner-510', options: [{ code: 'width', value: 100, name: 'Breedte' } as never] }] }) });
    const failed = await errors.wait(2);
    const texts = failed.map((m) => String((m.error as Msg).message));
    assert.ok(texts.some((t) => /products\[0\]\.options\[1\]\.value/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /products\[0\]\.options\[0\]\.name/.test(t)), texts.join(' | '));
    assert.strictEqual(h.sandbox.count('/probo/order', 'POST'), 0, 'nothing was sent');
    assert.strictEqual(placed.messages.length, 0);
  });
});
