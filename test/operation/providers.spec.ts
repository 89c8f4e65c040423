/**
 * Probo, PostGreen and ARRI operations through the operation node, in a real
 * Node-RED runtime against the sandbox: each one's answer and named fields,
 * its input refused before anything is sent (the sandbox's request log stays
 * as it was), an answer of the wrong shape and a provider error on the Catch
 * path with what was sent and what came back, reads retried, and Probo
 * `cancel` sent once behind the repeat guard. (Planviewer's operations have
 * the same checks in test/planviewer/operations.spec.ts.)
 */
import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { SANDBOX_OPTION_TYPES as OT, SANDBOX_SAMPLE_JOB, SANDBOX_SERVICE as S } from '../../sandbox/providers/postgreen';
import { ProboClient } from '../../nodes/providers/probo/client';
import { ARRI_EXAMPLE_ORDER_HASH } from '../../nodes/providers/arri/operations';
import { proboOrder } from '../probo/fixtures';

type Msg = Record<string, unknown>;
type Cause = { field?: string; status?: number; providerCode?: string; providerMessage?: string; request?: { method: string; url: string; body?: unknown }; response?: unknown };
type ErrorMsg = { message: string; code: string; cause: Cause };

const CREDS: Record<string, Record<string, string>> = {
  probo: { apiKey: 'probo-op-key-123' },
  postgreen: { username: 'op-user', password: 'op-password-456' },
  arri: { accessToken: 'sandbox-token' },
};
const SECRETS = ['probo-op-key-123', 'op-password-456'];

describe('Probo, PostGreen and ARRI operations through the operation node (real runtime, sandbox)', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    sandbox.probo.idleStepMs = 0;
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

  async function load(provider: 'probo' | 'postgreen' | 'arri', operation: string, extra: Msg = {}): Promise<void> {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('acc', provider, sandbox.providerUrl(provider)),
      { id: 'op', type: 'fulfillment-operation', z: 'f1', account: 'acc', operation, dedupeWindow: 60, ...extra, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], { acc: CREDS[provider] });
  }

  /** Sends one message; resolves with what came out, or what reached the Catch node. */
  async function send(payload: unknown, msg: Msg = {}): Promise<{ out?: Msg; error?: ErrorMsg; errorMsg?: Msg }> {
    const out = collect('out');
    const errors = collect('errors');
    helper.getNode('op')?.receive({ payload, topic: 'kept', ...msg });
    await Promise.race([out.wait(1), errors.wait(1)]);
    const [errorMsg] = errors.messages;
    return { out: out.messages[0], error: errorMsg?.error as ErrorMsg | undefined, errorMsg };
  }

  async function ok(provider: 'probo' | 'postgreen' | 'arri', operation: string, payload: unknown, extra: Msg = {}): Promise<Msg> {
    await load(provider, operation, extra);
    const { out, error } = await send(payload);
    assert.strictEqual(error?.message, undefined, 'no error');
    assert.ok(out);
    assert.strictEqual(out.topic, 'kept', 'the rest of msg is kept');
    return out;
  }

  async function fails(provider: 'probo' | 'postgreen' | 'arri', operation: string, payload: unknown, extra: Msg = {}): Promise<{ error: ErrorMsg; msg: Msg }> {
    await load(provider, operation, extra);
    const { out, error, errorMsg } = await send(payload);
    assert.strictEqual(out, undefined, 'nothing on the output');
    assert.ok(error && errorMsg, 'an error on the Catch path');
    for (const secret of SECRETS) assert.ok(!JSON.stringify(errorMsg).includes(secret), 'no credential in the error');
    return { error, msg: errorMsg };
  }

  /** An operation refused before sending: the Catch node names the field, the sandbox saw nothing new. */
  async function refusedBeforeSending(provider: 'probo' | 'postgreen' | 'arri', operation: string, payload: unknown, field: string, message?: RegExp): Promise<void> {
    await load(provider, operation);
    const before = sandbox.requests.length;
    const { out, error } = await send(payload);
    assert.strictEqual(out, undefined);
    assert.strictEqual(error?.code, 'invalid_input', error?.message);
    assert.strictEqual(error?.cause.field, field, error?.message);
    if (message) assert.match(error.message, message);
    assert.strictEqual(sandbox.requests.length, before, `nothing sent: ${JSON.stringify(sandbox.requests.slice(before))}`);
  }

  describe('probo', () => {
    it('products: one page with msg.products and msg.meta; every page with {all: true}', async () => {
      const page = await ok('probo', 'products', { page: 2, per_page: 20, language: 'en' });
      assert.strictEqual((page.products as unknown[]).length, 20);
      assert.deepStrictEqual(page.meta, { page: 2, pages: 3, items: 45, per_page: 20 });
      assert.strictEqual(sandbox.requests[sandbox.requests.length - 1].query, '?page=2&per_page=20&language=en');
      await helper.unload();
      const all = await ok('probo', 'products', { all: true });
      assert.strictEqual((all.products as unknown[]).length, 45);
      assert.strictEqual((all.payload as { complete: boolean }).complete, true);
      assert.strictEqual(sandbox.count('/probo/products', 'GET'), 4, 'one page, then all three');
    });

    it('product: the code from msg.payload, or from the node\'s product code when the payload has none', async () => {
      const given = await ok('probo', 'product', 'banner-510', { choice: 'not-this-one' });
      assert.strictEqual((given.product as { code: string }).code, 'banner-510');
      await helper.unload();
      const fromSetting = await ok('probo', 'product', { language: 'en' }, { choice: 'banner-510' });
      assert.strictEqual((fromSetting.product as { code: string }).code, 'banner-510');
      assert.ok(((fromSetting.product as { options: Array<{ code: string }> }).options).some((o) => o.code === 'amount'));
      assert.strictEqual(sandbox.count('/probo/products/product/banner-510', 'GET'), 2);
    });

    it('configure and price: msg.can_order, msg.calculation_id, msg.prices', async () => {
      const product = { code: 'banner-510', options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }, { code: 'finishing-all-sides' }, { code: 'cut' }] };
      const configured = await ok('probo', 'configure', { products: [product] });
      assert.strictEqual(configured.can_order, true);
      assert.strictEqual(typeof configured.calculation_id, 'number');
      await helper.unload();
      const priced = await ok('probo', 'price', { products: [product], language: 'en' });
      assert.strictEqual(priced.calculation_id, (priced.payload as { calculation_id: number }).calculation_id);
      assert.ok((priced.prices as unknown[]).length > 0);
    });

    const bad: Array<[string, unknown, string]> = [
      ['products', { page: 0 }, 'msg.payload.page'],
      ['products', { all: true, page: 2 }, 'msg.payload.page'],
      ['product', '', 'msg.payload'],
      ['product', { code: 'banner-510', language: 'dutch' }, 'msg.payload.language'],
      ['configure', { products: [{ customer_code: 'saved-1' }] }, 'msg.payload.products[0].code'],
      ['price', { products: [] }, 'msg.payload.products'],
      ['cancel', { id: 'a', supplier_order_number: 1 }, 'msg.payload'],
      ['cancel', 12.5, 'msg.payload'],
    ];
    for (const [operation, payload, field] of bad) {
      it(`${operation}: refuses ${JSON.stringify(payload)} before sending, naming ${field}`, () => refusedBeforeSending('probo', operation, payload, field));
    }

    it('product: an unknown code is Probo\'s 404 on the Catch path, with what was sent and what came back', async () => {
      const { error } = await fails('probo', 'product', { code: 'no-such-product' });
      assert.strictEqual(error.code, 'http');
      assert.strictEqual(error.cause.status, 404);
      assert.match(error.message, /no-such-product not found/);
      assert.strictEqual(error.cause.request?.method, 'GET');
      assert.match(String(error.cause.request?.url), /\/probo\/products\/product\/no-such-product$/);
      assert.ok(error.cause.response && typeof error.cause.response === 'object', 'what came back');
    });

    for (const [operation, path, method, payload] of [
      ['products', '/probo/products', 'GET', {}],
      ['product', '/probo/products/product/banner-510', 'GET', 'banner-510'],
      ['configure', '/probo/products/configure', 'POST', { products: [{ code: 'banner-510', options: [] }] }],
    ] as const) {
      it(`${operation}: an answer of the wrong shape is malformed_response with the answer, never a success`, async () => {
        sandbox.fault({ method, path, fault: { type: 'malformed', body: '{"unexpected": true}' } });
        const { error } = await fails('probo', operation, payload);
        assert.strictEqual(error.code, 'malformed_response');
        assert.match(error.message, /does not have the documented shape/);
        assert.strictEqual(error.cause.request?.method, method);
        assert.deepStrictEqual(error.cause.response, { unexpected: true });
      });
    }

    it('product and price: a read is retried after a server error', async () => {
      sandbox.fault({ method: 'GET', path: '/probo/products/product/banner-510', fault: { type: 'status', status: 503, body: { message: 'busy' } }, times: 1 });
      const msg = await ok('probo', 'product', 'banner-510');
      assert.strictEqual((msg.product as { code: string }).code, 'banner-510');
      assert.strictEqual(sandbox.count('/probo/products/product/banner-510'), 2);
      await helper.unload();
      sandbox.fault({ method: 'POST', path: '/probo/price', fault: { type: 'reset' }, times: 1 });
      await ok('probo', 'price', { products: [{ code: 'banner-510', options: [] }] });
      assert.strictEqual(sandbox.count('/probo/price', 'POST'), 2);
    });

    describe('cancel (changes something: sent once, guarded)', () => {
      async function placed(id: string): Promise<void> {
        const client = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'k', testMode: false });
        try {
          await client.placeOrder(proboOrder(id));
        } finally {
          client.close();
        }
      }

      it('cancels once; the same cancel again is refused as duplicate without a request; another order goes through', async () => {
        await placed('op-n1');
        await placed('op-n2');
        await load('probo', 'cancel');
        const out = collect('out');
        const errors = collect('errors');
        helper.getNode('op')?.receive({ payload: { status: 'queued', order: { id: 'op-n1', reference: 'r' } } });
        const [first] = await out.wait(1);
        assert.deepStrictEqual(first.payload, { status: 'cancelled', message: 'Order cancelled', id: 'op-n1' });
        assert.deepStrictEqual(first.order, { id: 'op-n1', status: 'canceled' });
        assert.match(String(first.idempotencyKey), /^[0-9a-f]{64}$/);
        helper.getNode('op')?.receive({ payload: 'op-n1' });
        const [dup] = await errors.wait(1);
        assert.strictEqual((dup.error as ErrorMsg).code, 'duplicate');
        assert.strictEqual(sandbox.count('/probo/order/cancel'), 1, 'the repeat was not sent');
        helper.getNode('op')?.receive({ payload: 'op-n2' });
        await out.wait(2);
        assert.strictEqual(sandbox.count('/probo/order/cancel'), 2);
      });

      it('a refusal (in production) reaches Catch with Probo\'s message, the body sent and the answer', async () => {
        await placed('op-n3');
        const client = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'k', testMode: false });
        try {
          await client.orderStatus(['op-n3']);
          await client.orderStatus(['op-n3']);
        } finally {
          client.close();
        }
        const { error } = await fails('probo', 'cancel', 'op-n3');
        assert.strictEqual(error.cause.status, 400);
        assert.strictEqual(error.cause.providerCode, 'cancel_refused');
        assert.strictEqual(error.cause.providerMessage, 'Could not cancel order, because order status is: production');
        assert.deepStrictEqual(error.cause.request?.body, { id: 'op-n3' });
        assert.deepStrictEqual(error.cause.response, { status: 'error', message: 'Could not cancel order, because order status is: production', id: 'op-n3' });
      });

      it('a server error after sending is not retried', async () => {
        await placed('op-n4');
        sandbox.fault({ method: 'POST', path: '/probo/order/cancel', fault: { type: 'status', status: 503, body: { message: 'busy' } }, times: 1 });
        const { error } = await fails('probo', 'cancel', 'op-n4');
        assert.strictEqual(error.cause.status, 503);
        assert.strictEqual(sandbox.count('/probo/order/cancel'), 1);
      });

      it('a connection dropped after sending is outcome_unknown, and the same cancel stays refused', async () => {
        await placed('op-n5');
        sandbox.fault({ method: 'POST', path: '/probo/order/cancel', fault: { type: 'reset-after' }, times: 1 });
        await load('probo', 'cancel');
        const errors = collect('errors');
        helper.getNode('op')?.receive({ payload: 'op-n5' });
        const [first] = await errors.wait(1);
        assert.strictEqual((first.error as ErrorMsg).code, 'outcome_unknown');
        helper.getNode('op')?.receive({ payload: 'op-n5' });
        const [, again] = await errors.wait(2);
        assert.strictEqual((again.error as ErrorMsg).code, 'duplicate');
        assert.strictEqual(sandbox.count('/probo/order/cancel'), 1, 'never sent twice');
      });
    });
  });

  describe('postgreen', () => {
    it('optionTypes and options: the catalogue by name', async () => {
      const types = await ok('postgreen', 'optionTypes', null);
      assert.deepStrictEqual(types.optionTypesByName, OT);
      await helper.unload();
      const options = await ok('postgreen', 'options', 1732000000000);
      assert.deepStrictEqual((options.optionsByName as Record<string, { typeId: number }>).print_mode.typeId, OT.print_mode);
      assert.ok(Array.isArray(options.optionTypes));
    });

    it('checkOptions and packGroups of the sample job: msg.packGroupIds, msg.channels, msg.notEligible', async () => {
      const check = await ok('postgreen', 'checkOptions', { jobId: SANDBOX_SAMPLE_JOB });
      assert.deepStrictEqual(check.channels, [S.channelLabel]);
      assert.strictEqual((check.packGroupIds as string[]).length, 1);
      assert.strictEqual(check.jobId, SANDBOX_SAMPLE_JOB);
      await helper.unload();
      const groups = await ok('postgreen', 'packGroups', SANDBOX_SAMPLE_JOB);
      assert.deepStrictEqual((groups.packGroups as Array<{ eligible: boolean }>).map((g) => g.eligible), [true, false]);
      assert.strictEqual((groups.notEligible as unknown[]).length, 1);
    });

    const bad: Array<[string, unknown, string]> = [
      ['checkOptions', {}, 'msg.payload'],
      ['checkOptions', ['J1', 'J2'], 'msg.payload'],
      ['packGroups', 'a/b', 'msg.payload'],
      ['optionTypes', 'JOB_SAMPLE', 'msg.payload'],
      ['options', 'JOB_SAMPLE', 'msg.payload'],
    ];
    for (const [operation, payload, field] of bad) {
      it(`${operation}: refuses ${JSON.stringify(payload)} before sending anything (not even a login), naming ${field}`, () => refusedBeforeSending('postgreen', operation, payload, field));
    }

    it('packGroups of an unknown job: the platform\'s 404 on the Catch path, with what was sent and what came back', async () => {
      const { error } = await fails('postgreen', 'packGroups', 'JOB_NOBODY');
      assert.strictEqual(error.cause.status, 404);
      assert.strictEqual(error.cause.request?.method, 'GET');
      assert.match(String(error.cause.request?.url), /\/postgreen\/jobs\/JOB_NOBODY\/packGroups$/);
      assert.match(JSON.stringify(error.cause.response), /no job JOB_NOBODY/);
    });

    for (const [operation, path, method, payload] of [
      ['packGroups', '/postgreen/jobs/JOB_SAMPLE/packGroups', 'GET', SANDBOX_SAMPLE_JOB],
      ['checkOptions', '/postgreen/deliveries/CheckOptions', 'POST', SANDBOX_SAMPLE_JOB],
      ['optionTypes', '/postgreen/options/type', 'GET', null],
    ] as const) {
      it(`${operation}: an answer of the wrong shape is malformed_response with the answer`, async () => {
        sandbox.fault({ method, path, fault: { type: 'malformed', body: '{"result": {"unexpected": true}}' } });
        const { error } = await fails('postgreen', operation, payload);
        assert.strictEqual(error.code, 'malformed_response', error.message);
        assert.strictEqual(error.cause.request?.method, method);
        assert.deepStrictEqual(error.cause.response, { result: { unexpected: true } });
      });
    }

    it('checkOptions (a read sent as POST) and packGroups are retried after a server error', async () => {
      sandbox.fault({ method: 'POST', path: '/postgreen/deliveries/CheckOptions', fault: { type: 'status', status: 503, body: { message: 'busy' } }, times: 1 });
      await ok('postgreen', 'checkOptions', SANDBOX_SAMPLE_JOB);
      assert.strictEqual(sandbox.count('/postgreen/deliveries/CheckOptions', 'POST'), 2);
      await helper.unload();
      sandbox.fault({ method: 'GET', path: '/postgreen/jobs/JOB_SAMPLE/packGroups', fault: { type: 'reset' }, times: 1 });
      await ok('postgreen', 'packGroups', SANDBOX_SAMPLE_JOB);
      assert.strictEqual(sandbox.count('/postgreen/jobs/JOB_SAMPLE/packGroups', 'GET'), 2);
    });
  });

  describe('arri', () => {
    it('order: the order by its hash, msg.order_hash and msg.state; place order\'s output works as input', async () => {
      const msg = await ok('arri', 'order', ARRI_EXAMPLE_ORDER_HASH);
      assert.strictEqual(msg.order_hash, ARRI_EXAMPLE_ORDER_HASH);
      assert.strictEqual(msg.state, 'packed');
      assert.strictEqual((msg.payload as { client_name: string }).client_name, 'Constantin Film');
      await helper.unload();
      const again = await ok('arri', 'order', { order_hash: ARRI_EXAMPLE_ORDER_HASH });
      assert.strictEqual(again.state, 'packed');
    });

    for (const [payload, field] of [['not-hex!', 'msg.payload'], [[ARRI_EXAMPLE_ORDER_HASH, ARRI_EXAMPLE_ORDER_HASH.replace('7', '8')], 'msg.payload'], [{}, 'msg.payload']] as const) {
      it(`order: refuses ${JSON.stringify(payload)} before sending, naming ${field}`, () => refusedBeforeSending('arri', 'order', payload, field));
    }

    it('order: an unknown hash is ARRI\'s 404 on the Catch path, with what was sent and what came back', async () => {
      const { error } = await fails('arri', 'order', 'abcdef0123456789');
      assert.strictEqual(error.cause.status, 404);
      assert.strictEqual(error.cause.request?.method, 'GET');
      assert.match(String(error.cause.request?.url), /\/api\/orders\/abcdef0123456789$/);
      assert.match(JSON.stringify(error.cause.response), /Order not found/);
    });

    it('order: an answer of the wrong shape is malformed_response; a server error is retried', async () => {
      sandbox.fault({ method: 'GET', path: '/arri/api/orders/', fault: { type: 'malformed', body: '{"status": 200, "data": {"order": "packed"}}' }, times: 1 });
      const { error } = await fails('arri', 'order', ARRI_EXAMPLE_ORDER_HASH);
      assert.strictEqual(error.code, 'malformed_response', error.message);
      assert.deepStrictEqual(error.cause.response, { status: 200, data: { order: 'packed' } });
      await helper.unload();
      sandbox.fault({ method: 'GET', path: '/arri/api/orders/', fault: { type: 'status', status: 502, body: '<html>Bad Gateway</html>' }, times: 1 });
      const msg = await ok('arri', 'order', ARRI_EXAMPLE_ORDER_HASH);
      assert.strictEqual(msg.state, 'packed');
      assert.strictEqual(sandbox.count('/arri/api/orders/', 'GET'), 3);
    });
  });
});
