import assert from 'assert';
import { Sandbox } from '../../sandbox/server';
import { createProvider, descriptorOf } from '../../nodes/providers';
import { ProviderHandle } from '../../nodes/core/descriptor';
import { OperationCapability } from '../../nodes/core/capabilities';
import { LANGUAGES } from '../../nodes/core/descriptor';
import { FulfillmentError } from '../../nodes/core/errors';
import { ProboClient } from '../../nodes/providers/probo/client';
import { PROBO_PRODUCT, proboOrder } from './fixtures';

type Msg = Record<string, unknown>;

describe('Probo operations through createProvider(...).capabilities.operations, against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let handle: ProviderHandle;
  let ops: Record<string, OperationCapability>;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    sandbox.probo.idleStepMs = 0;
    handle = createProvider({ provider: 'probo', baseUrl: sandbox.providerUrl('probo'), credentials: { apiKey: 'probo-key-123' }, options: {} });
    ops = handle.capabilities.operations ?? {};
  });
  afterEach(async () => {
    await handle.close();
    await sandbox.stop();
  });

  const run = async (name: string, input: unknown): Promise<{ payload: unknown; fields: Msg }> => {
    const op = ops[name];
    return op.run(op.prepare(input));
  };
  const failure = (p: Promise<unknown>): Promise<FulfillmentError> => p.then(() => assert.fail('expected an error'), (e: FulfillmentError) => e);

  it('documents products, product, configure, price and cancel in four languages, each with a call and an example', () => {
    const infos = descriptorOf('probo')?.capabilities.operations ?? [];
    assert.deepStrictEqual(infos.map((o) => o.name), ['products', 'product', 'configure', 'price', 'cancel']);
    assert.deepStrictEqual(Object.keys(ops), ['products', 'product', 'configure', 'price', 'cancel']);
    assert.deepStrictEqual(infos.map((o) => o.call), ['GET /products', 'GET /products/product/{code}', 'POST /products/configure', 'POST /price', 'POST /order/cancel']);
    assert.deepStrictEqual(infos.map((o) => o.changes), [false, false, false, false, true]);
    for (const info of infos) {
      for (const field of ['label', 'description', 'input', 'output'] as const) {
        for (const lang of LANGUAGES) assert.ok(info[field][lang]?.trim(), `${info.name}.${field}.${lang}`);
      }
      assert.ok(info.example !== undefined, `${info.name} has an example`);
    }
  });

  it('runs every documented example against the sandbox (twice: the cancel example too)', async () => {
    const infos = descriptorOf('probo')?.capabilities.operations ?? [];
    assert.strictEqual(infos.length, 5);
    for (let round = 0; round < 2; round++) {
      for (const info of infos) {
        const out = await run(info.name, info.example);
        assert.ok(out.payload && typeof out.payload === 'object', `${info.name} answered`);
        assert.ok(Object.keys(out.fields).length > 0, `${info.name} names its convenience fields`);
      }
    }
  });

  it('products: one page, read from data or products, with the paging', async () => {
    const first = await run('products', undefined);
    assert.strictEqual((first.fields.products as unknown[]).length, 20);
    assert.deepStrictEqual(first.fields.meta, { page: 1, pages: 3, items: 45, per_page: 20 });
    assert.ok(Array.isArray((first.payload as Msg).data), 'msg.payload is the answer as it came');
    sandbox.probo.catalogueKey = 'products';
    const third = await run('products', { page: 3, per_page: 20, language: 'nl' });
    const list = third.fields.products as Array<{ code: string; translations: Record<string, { title: string }> }>;
    assert.strictEqual(list.length, 5);
    assert.deepStrictEqual(Object.keys(list[0].translations), ['nl']);
    assert.strictEqual(sandbox.requests[sandbox.requests.length - 1].query, '?page=3&per_page=20&language=nl');
  });

  it('products: every page when asked, and stops at max_pages', async () => {
    const all = await run('products', { all: true });
    assert.strictEqual((all.fields.products as unknown[]).length, 45);
    assert.deepStrictEqual({ pages: (all.payload as Msg).pages, complete: (all.payload as Msg).complete }, { pages: 3, complete: true });
    assert.strictEqual(sandbox.count('/probo/products', 'GET'), 3);
    const some = await run('products', { all: true, per_page: 10, max_pages: 2 });
    assert.strictEqual((some.fields.products as unknown[]).length, 20);
    assert.strictEqual((some.payload as Msg).complete, false);
  });

  it('product: one product with its option tree; an unknown code is Probo\'s error', async () => {
    const out = await run('product', 'banner-510');
    const product = out.fields.product as { code: string; options: Array<{ code: string }> };
    assert.strictEqual(product.code, 'banner-510');
    assert.ok(product.options.some((o) => o.code === 'amount'));
    const err = await failure(run('product', { code: 'no-such-product' }));
    assert.strictEqual(err.status, 404);
    assert.match(err.message, /Product no-such-product not found/);
  });

  it('configure: a complete configuration has a calculation_id; an incomplete one lists what is open, without an error', async () => {
    const complete = await run('configure', { products: [PROBO_PRODUCT] });
    assert.strictEqual(complete.fields.can_order, true);
    assert.strictEqual(typeof complete.fields.calculation_id, 'number');
    const open = await run('configure', { products: [{ code: 'banner-510', options: [{ code: 'width', value: 100 }] }] });
    assert.strictEqual(open.fields.can_order, false);
    assert.strictEqual(open.fields.calculation_id, undefined);
    assert.strictEqual((open.payload as Msg).status, 'error');
    assert.deepStrictEqual(((open.payload as { products: Array<{ available_options: Array<{ code: string }> }> }).products[0].available_options).map((o) => o.code), ['amount']);
  });

  it('price: the prices and the calculation_id for the uploader', async () => {
    const out = await run('price', { products: [PROBO_PRODUCT], language: 'en' });
    assert.strictEqual(out.fields.calculation_id, (out.payload as Msg).calculation_id);
    assert.ok(sandbox.probo.calculations.has(out.fields.calculation_id as number));
    assert.strictEqual((out.fields.prices as unknown[]).length, 2);
  });

  it('cancel: by id or supplier_order_number; Probo\'s refusal once in production comes with its message', async () => {
    const client = new ProboClient({ baseUrl: sandbox.providerUrl('probo'), apiKey: 'k', testMode: false });
    try {
      await client.placeOrder(proboOrder('op-c1'));
      await client.placeOrder(proboOrder('op-c2'));
      await client.orderStatus(['op-c2']);
      const byNumber = await run('cancel', { supplier_order_number: sandbox.probo.orders.get('op-c2')?.supplier_order_number });
      assert.strictEqual((byNumber.payload as Msg).status, 'cancelled');
      const out = await run('cancel', { status: 'queued', order: { id: 'op-c1', reference: 'r' } });
      assert.deepStrictEqual(out.fields.order, { id: 'op-c1', status: 'canceled' });
      assert.deepStrictEqual(out.payload, { status: 'cancelled', message: 'Order cancelled', id: 'op-c1' });
      await client.placeOrder(proboOrder('op-c3'));
      await client.orderStatus(['op-c3']);
      await client.orderStatus(['op-c3']);
      const refused = await failure(run('cancel', 'op-c3'));
      assert.strictEqual(refused.providerCode, 'cancel_refused');
      assert.strictEqual(refused.providerMessage, 'Could not cancel order, because order status is: production');
      assert.deepStrictEqual(refused.response, { status: 'error', message: 'Could not cancel order, because order status is: production', id: 'op-c3' });
      assert.deepStrictEqual(refused.request?.body, { id: 'op-c3' });
      const missing = await failure(run('cancel', 'nobody'));
      assert.strictEqual(missing.providerMessage, 'Order does not exist');
    } finally {
      client.close();
    }
  });

  it('cancel is sent once: a dropped connection or an unreadable answer is outcome unknown, never retried', async () => {
    sandbox.fault({ method: 'POST', path: '/probo/order/cancel', fault: { type: 'reset-after' }, times: 1 });
    const dropped = await failure(run('cancel', 'sandbox-example-1'));
    assert.strictEqual(dropped.kind, 'outcome_unknown');
    assert.strictEqual(sandbox.count('/probo/order/cancel'), 1);
    sandbox.fault({ method: 'POST', path: '/probo/order/cancel', fault: { type: 'malformed', body: '{"unexpected": true}' }, times: 1 });
    const odd = await failure(run('cancel', 'sandbox-example-1'));
    assert.strictEqual(odd.kind, 'outcome_unknown');
    assert.strictEqual(odd.providerCode, 'answer_unreadable');
    assert.strictEqual(sandbox.count('/probo/order/cancel'), 2);
    sandbox.fault({ method: 'POST', path: '/probo/order/cancel', fault: { type: 'status', status: 503, body: { message: 'busy' } }, times: 1 });
    const busy = await failure(run('cancel', 'sandbox-example-1'));
    assert.strictEqual(busy.status, 503);
    assert.strictEqual(sandbox.count('/probo/order/cancel'), 3, 'a 5xx after it may have been handled is not retried');
  });

  it('checks every input before any request, naming the field', () => {
    const cases: Array<[string, unknown, string]> = [
      ['products', { page: 0 }, 'msg.payload.page'],
      ['products', { all: 'yes' }, 'msg.payload.all'],
      ['products', { all: true, page: 2 }, 'msg.payload.page'],
      ['products', { sort: 'name' }, 'msg.payload.sort'],
      ['products', { updated_at_from: '01-02-2024' }, 'msg.payload.updated_at_from'],
      ['products', 'all', 'msg.payload'],
      ['product', '', 'msg.payload'],
      ['product', { code: 'banner-510', language: 'dutch' }, 'msg.payload.language'],
      ['configure', { products: [{ customer_code: 'saved-1' }] }, 'msg.payload.products[0].code'],
      ['price', { products: [] }, 'msg.payload.products'],
      ['price', { products: [PROBO_PRODUCT], deliveries: {} }, 'msg.payload.deliveries'],
      ['cancel', {}, 'msg.payload'],
      ['cancel', { id: 'a', supplier_order_number: 1 }, 'msg.payload'],
      ['cancel', { id: -1 }, 'msg.payload.id'],
    ];
    for (const [name, input, field] of cases) {
      assert.throws(() => ops[name].prepare(input), (e: FulfillmentError) => e.kind === 'invalid_input' && e.field === field, `${name} ${JSON.stringify(input)} names ${field}`);
    }
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('refuses reads whose answer has the wrong shape (malformed_response), retrying nothing twice on purpose', async () => {
    for (const [path, name, input] of [['/probo/products', 'products', {}], ['/probo/products/product/banner-510', 'product', 'banner-510'], ['/probo/price', 'price', { products: [PROBO_PRODUCT] }]] as const) {
      sandbox.fault({ method: path === '/probo/price' ? 'POST' : 'GET', path, fault: { type: 'malformed', body: '{"unexpected": true}' }, times: 1 });
      const err = await failure(run(name, input));
      assert.strictEqual(err.kind, 'malformed_response', name);
      assert.match(err.message, /does not have the documented shape/);
    }
  });

  it('offers the product codes as a live list for the editor', async () => {
    const choices = await handle.capabilities.choices!.products();
    assert.strictEqual(choices.length, 45);
    assert.deepStrictEqual(choices[0], { value: 'banner-510', label: 'banner-510 — Banner 510 (sandbox)' });
  });
});
