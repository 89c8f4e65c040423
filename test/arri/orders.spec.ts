import assert from 'assert';
import sinon from 'sinon';
import { helper, allNodes, collect, accountNode, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { ARRI_SANDBOX as A } from '../../sandbox/providers/arri';
import { ArriClient } from '../../nodes/providers/arri/client';
import { arriCapabilities } from '../../nodes/providers/arri/capabilities';

const ORDERS = '/arri/api/orders';
const STATIC = { acc: { accessToken: A.staticToken } };
const PASSWORD = 'arri-pass-5521';
const LOGIN = { acc: { username: 'studio-admin', password: PASSWORD } };
const GUIDE_ORDER = { product: 's', client_name: 'Constantin Film', project_name: 'OSD Yamdu Free', user_email: 'nicecustomer@gmx.com', user_login: 'custy1' };

describe('ARRI Webgate place order and poll status in a real runtime against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await sandbox.stop();
  });

  function flow(): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'arri', sandbox.providerUrl('arri')),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, wires: [['poll', 'placed']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'order', interval: 1, maxWait: 60, wires: [['done'], ['attention'], ['progress']] },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'done', type: 'helper', z: 'f1' },
      { id: 'attention', type: 'helper', z: 'f1' },
      { id: 'progress', type: 'helper', z: 'f1' },
      ...catchTo(),
    ];
  }

  it('places the documented example and follows it pending -> packing -> packed (output 1)', async () => {
    await helper.load(allNodes(), flow(), STATIC);
    const placed = collect('placed');
    const progress = collect('progress');
    const done = collect('done');
    helper.getNode('order')?.receive({ payload: GUIDE_ORDER, topic: 'keep' });
    const [msg] = await placed.wait(1);
    const order = msg.payload as Record<string, unknown>;
    assert.match(String(order.order_hash), /^[0-9a-f]{32}$/);
    assert.strictEqual(msg.order_hash, order.order_hash);
    assert.strictEqual(order.client_name, 'Constantin Film');
    assert.strictEqual(order.product, 's');
    const [finished] = await done.wait(1, 15_000);
    assert.strictEqual(finished.status, 'packed');
    assert.strictEqual(finished.jobId, order.order_hash);
    assert.strictEqual(finished.topic, 'keep');
    assert.strictEqual((finished.payload as { state: string }).state, 'packed');
    assert.deepStrictEqual(progress.messages.map((m) => m.status), ['pending', 'packing']);
    assert.strictEqual(sandbox.count(ORDERS, 'POST'), 1);
  });

  it('sends has_packing_errors to output 2 with packing_errors as the reason', async () => {
    await helper.load(allNodes(), flow(), STATIC);
    const attention = collect('attention');
    const done = collect('done');
    helper.getNode('order')?.receive({ payload: { product: 'Studio', client_name: 'A', project_name: A.packingErrorsProject } });
    const [msg] = await attention.wait(1, 15_000);
    assert.strictEqual(msg.status, 'has_packing_errors');
    assert.strictEqual(msg.reason, A.packingErrors);
    assert.strictEqual(done.messages.length, 0);
  });

  it('keeps watching an order in need_human (progress, with the reason) until ARRI has packed it by hand (output 1)', async () => {
    await helper.load(allNodes(), flow(), STATIC);
    const attention = collect('attention');
    const progress = collect('progress');
    const done = collect('done');
    helper.getNode('order')?.receive({ payload: { order: { product: 'Yamdu FREE', client_name: 'B', project_name: A.needHumanProject } } });
    const [finished] = await done.wait(1, 20_000);
    assert.strictEqual(finished.status, 'packed');
    assert.deepStrictEqual(progress.messages.map((m) => m.status), ['pending', 'packing', 'need_human']);
    assert.match(String(progress.messages[2].reason), /cannot be packed automatically.*still watching/);
    assert.strictEqual(attention.messages.length, 0, 'need_human is no end: the guide says to come back and check');
  });

  it('accepts {order: {...}} for an existing client and masks the echoed admin_user_access_token', async () => {
    const adminToken = 'client-admin-token-77f1';
    await helper.load(allNodes(), flow(), STATIC);
    const placed = collect('placed');
    const done = collect('done');
    helper.getNode('order')?.receive({ payload: { order: { product: 'Commercial', client_id: 42, admin_user_access_token: adminToken, project_name: 'New one' } } });
    const [msg] = await placed.wait(1);
    const order = msg.payload as Record<string, unknown>;
    assert.strictEqual(order.client_id, 42);
    assert.strictEqual(order.admin_user_access_token, '***');
    const stored = [...sandbox.arri.orders.values()][0].order;
    assert.strictEqual(stored.admin_user_access_token, adminToken, 'the token did reach ARRI');
    const [finished] = await done.wait(1, 15_000);
    assert.ok(!JSON.stringify([msg, finished]).includes(adminToken), 'never in a message');
  });

  it('checks the documented rules before sending anything', async () => {
    await helper.load(allNodes(), flow(), STATIC);
    const errors = collect('errors');
    const cases: Array<[unknown, string, RegExp]> = [
      [{ product: 'XL' }, 'msg.payload.product', /one of "Starter".*not "XL"/],
      [{ order: { client_name: 'x' } }, 'msg.payload.order.product', /must be one of/],
      [{ product: 's', client_id: 1, client_name: 'x', admin_user_access_token: 't' }, 'msg.payload.client_name', /not both/],
      [{ product: 's', client_id: 1, admin_user_access_token: 't', project_id: 2, project_name: 'p' }, 'msg.payload.project_name', /not both/],
      [{ product: 's', client_id: 1 }, 'msg.payload.admin_user_access_token', /needed with client_id/],
      [{ product: 's', project_id: 3 }, 'msg.payload.client_id', /project always belongs to a client/],
      [{ product: 's', projectname: 'typo' }, 'msg.payload.projectname', /cannot be sent/],
      [{ product: 's', user_email: 'no-at-sign' }, 'msg.payload.user_email', /e-mail/],
      [{ product: 's', client_id: 1, admin_user_access_token: '***' }, 'msg.payload.admin_user_access_token', /masked/],
      ['s', 'msg.payload', /expected the order/],
    ];
    for (const [payload] of cases) helper.getNode('order')?.receive({ payload });
    const got = await errors.wait(cases.length);
    cases.forEach(([, field, message], i) => {
      const error = got[i].error as { message: string; code: string; cause: { field: string } };
      assert.strictEqual(error.code, 'invalid_input');
      assert.strictEqual(error.cause.field, field);
      assert.match(error.message, message);
    });
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('turns envelope errors into clear errors, under HTTP 422 and under HTTP 200, sent once', async () => {
    await helper.load(allNodes(), flow(), STATIC);
    const errors = collect('errors');
    const placed = collect('placed');
    helper.getNode('order')?.receive({ payload: { product: 's', client_name: A.takenClient } });
    const [first] = await errors.wait(1);
    const e1 = first.error as { message: string; code: string; cause: Record<string, unknown> };
    assert.strictEqual(e1.code, 'http');
    assert.strictEqual(e1.cause.status, 422);
    assert.match(e1.message, /422 Unprocessable Entity: Client name has already been taken/);
    assert.strictEqual(sandbox.count(ORDERS, 'POST'), 1);

    sandbox.fault({ method: 'POST', path: ORDERS, times: 1, fault: { type: 'status', status: 422, body: { status: 422, status_message: 'Unprocessable Entity', error: { base: ['Order could not be saved'], product: ['is not included in the list'] } } } });
    helper.getNode('order')?.receive({ payload: { product: 'm' } });
    const [, second] = await errors.wait(2);
    const e2 = second.error as { message: string; cause: Record<string, unknown> };
    assert.strictEqual(e2.cause.status, 422);
    assert.match(e2.message, /Order could not be saved; product is not included in the list/);
    assert.strictEqual(sandbox.count(ORDERS, 'POST'), 2, 'never retried');
    assert.strictEqual(placed.messages.length, 0);
  });

  it('marks an order whose connection dropped after sending as outcome unknown; one order at the sandbox', async () => {
    sandbox.fault({ method: 'POST', path: ORDERS, times: 1, fault: { type: 'reset-after' } });
    await helper.load(allNodes(), flow(), STATIC);
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: { product: 'l' } });
    const [msg] = await errors.wait(1);
    assert.strictEqual((msg.error as { code: string }).code, 'outcome_unknown');
    assert.strictEqual(sandbox.arri.orders.size, 1);
    helper.getNode('order')?.receive({ payload: { product: 'l' } });
    const [, again] = await errors.wait(2);
    assert.strictEqual((again.error as { code: string }).code, 'duplicate');
    assert.strictEqual(sandbox.count(ORDERS, 'POST'), 1);
  });

  describe('password grant', () => {
    it('logs in once for concurrent orders, and again only shortly before the 24 h expiry', async () => {
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      await helper.load(allNodes(), flow(), LOGIN);
      const placed = collect('placed');
      const errors = collect('errors');
      for (const product of ['s', 'm', 'l']) helper.getNode('order')?.receive({ payload: { product } });
      await placed.wait(3);
      assert.strictEqual(sandbox.arri.logins, 1, 'one shared login');
      clock.tick(20 * 60 * 60 * 1000);
      helper.getNode('order')?.receive({ payload: { product: 'xl' } });
      await placed.wait(4);
      assert.strictEqual(sandbox.arri.logins, 1, 'still valid after 20 h');
      clock.tick(3 * 60 * 60 * 1000 + 57 * 60 * 1000);
      helper.getNode('order')?.receive({ payload: { product: 'Starter' } });
      await placed.wait(5);
      assert.strictEqual(sandbox.arri.logins, 2, 'refreshed 3 minutes before expiry');
      assert.strictEqual(errors.messages.length, 0);
      assert.strictEqual(sandbox.count(ORDERS, 'POST'), 5);
    });

    it('logs in again once when ARRI refuses a stale token', async () => {
      await helper.load(allNodes(), flow(), LOGIN);
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      await placed.wait(1);
      sandbox.arri.tokens.clear();
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      await placed.wait(2);
      assert.strictEqual(sandbox.arri.logins, 2);
      assert.strictEqual(sandbox.arri.orders.size, 2);
    });

    it('reports a login refused with HTTP 200 and an error body, without the password, and sends no order', async () => {
      await helper.load(allNodes(), flow(), { acc: { username: 'studio-admin', password: A.wrongPassword } });
      const errors = collect('errors');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      const [msg] = await errors.wait(1);
      const error = msg.error as { message: string; code: string; cause: Record<string, unknown> };
      assert.strictEqual(error.code, 'config');
      assert.strictEqual(error.cause.field, 'password');
      assert.strictEqual(error.cause.providerCode, 'invalid_grant');
      assert.match(error.message, /login as "studio-admin" was refused \(invalid_grant: .*HTTP 200\)/);
      assert.ok(!JSON.stringify(msg).includes(`"${A.wrongPassword}"`));
      assert.strictEqual(sandbox.count(ORDERS, 'POST'), 0);
    });

    it('never shows the password or the token in messages or errors', async () => {
      await helper.load(allNodes(), flow(), LOGIN);
      const placed = collect('placed');
      const errors = collect('errors');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      await placed.wait(1);
      sandbox.fault({ method: 'POST', path: ORDERS, times: 1, fault: { type: 'status', status: 500, body: { echo: PASSWORD } } });
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      const [msg] = await errors.wait(1);
      const tokens = [...sandbox.arri.tokens.keys()];
      const text = JSON.stringify([placed.messages, msg]);
      assert.ok(!text.includes(PASSWORD));
      for (const t of tokens) assert.ok(!text.includes(t));
    });
  });

  it('the client refreshes by an injected clock, without Node-RED', async () => {
    let now = 1_000_000;
    const client = new ArriClient({ baseUrl: sandbox.providerUrl('arri'), username: 'u', password: 'p', now: () => now });
    try {
      const order = await client.createOrder({ product: 'Dailies' });
      await client.getOrder(order.order_hash);
      assert.strictEqual(client.tokens?.logins, 1);
      now += A.tokenLifetimeS * 1000;
      const again = await client.getOrder(order.order_hash);
      assert.strictEqual(again.state, 'packing');
      assert.strictEqual(client.tokens?.logins, 2);
    } finally {
      client.close();
    }
  });

  it('tests the connection: a static token by a read that must 404, a password account by logging in', async () => {
    const url = sandbox.providerUrl('arri');
    const clients = [new ArriClient({ baseUrl: url, accessToken: A.staticToken }), new ArriClient({ baseUrl: url, username: 'u', password: 'p' }), new ArriClient({ baseUrl: url, accessToken: 'nope-token' }), new ArriClient({ baseUrl: url, username: 'u', password: A.wrongPassword })];
    try {
      const results = await Promise.allSettled(clients.map((c) => arriCapabilities(c).probe?.() ?? Promise.reject(new Error('no probe'))));
      assert.deepStrictEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected']);
      assert.match(String((results[2] as PromiseRejectedResult).reason.message), /access token was refused \(HTTP 401\)/);
      assert.ok(!String((results[2] as PromiseRejectedResult).reason.message).includes('nope-token'));
      assert.match(String((results[3] as PromiseRejectedResult).reason.message), /invalid_grant/);
    } finally {
      for (const c of clients) c.close();
    }
  });
});
