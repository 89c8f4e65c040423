/**
 * The operation node and the live-choices endpoint, provider-neutral: a
 * provider added at run time brings its own operations and lists, and they
 * work through the node and the endpoint without a change to either.
 */
import assert from 'assert';
import { helper, allNodes, collect, catchTo } from '../support/red';
import { OperationSpec, operationInfos, bindOperations } from '../../nodes/core/capabilities';
import { ProviderDescriptor, same } from '../../nodes/core/descriptor';
import { invalidInput } from '../../nodes/core/errors';
import { providerInfos, registerProvider } from '../../nodes/providers';

interface Counter {
  calls: Array<{ op: string; input: unknown }>;
}

const text = (t: string) => same(t);

/** A made-up provider: one read, one operation that changes something, and a live list. */
function dummyOperations(): Array<OperationSpec<Counter>> {
  const echo: OperationSpec<Counter, { word: string; colors?: string[] }> = {
    name: 'echo',
    call: 'GET /echo',
    changes: false,
    label: text('Echo'),
    description: text('Says it back.'),
    input: text('{word}'),
    output: text('msg.payload: {word}. msg.words: [word]'),
    example: { word: 'hello' },
    choice: { field: 'colors', list: 'colors', many: true },
    prepare(input) {
      const o = input as { word?: unknown; colors?: unknown } | null;
      if (!o || typeof o.word !== 'string') throw invalidInput('msg.payload.word', 'a word is needed', 'dummyops');
      return { word: o.word, colors: o.colors as string[] | undefined };
    },
    async run(counter, prepared) {
      counter.calls.push({ op: 'echo', input: prepared });
      return { payload: prepared, fields: { words: [prepared.word] } };
    },
  };
  const cancel: OperationSpec<Counter, string> = {
    name: 'cancel',
    call: 'POST /cancel',
    changes: true,
    label: text('Cancel'),
    description: text('Cancels something.'),
    input: text('an id'),
    output: text('msg.payload: {cancelled}'),
    example: 'A-1',
    prepare(input) {
      if (typeof input !== 'string' || input === '') throw invalidInput('msg.payload', 'an id is needed', 'dummyops');
      return input;
    },
    async run(counter, id) {
      counter.calls.push({ op: 'cancel', input: id });
      return { payload: { cancelled: id }, fields: {} };
    },
  };
  return [echo, cancel] as Array<OperationSpec<Counter>>;
}

const counter: Counter = { calls: [] };
const specs = dummyOperations();

function descriptor(name: string, withOperations: boolean): ProviderDescriptor<Counter> {
  return {
    name,
    label: name,
    sandboxPath: `/${name}`,
    guide: `docs/${name}.md`,
    credentials: [{ key: 'apiKey', secret: true, label: text('Key') }],
    credentialSets: [['apiKey']],
    settings: [],
    capabilities: { order: false, result: false, status: [], callback: [], operations: withOperations ? operationInfos(specs) : [], nodes: [] },
    create: () => ({
      provider: name,
      client: counter,
      capabilities: withOperations
        ? {
            operations: bindOperations(specs, counter),
            choices: {
              colors: async () => [{ value: 'red', label: 'Red' }, { value: 'blue', label: 'Blue' }],
              broken: async () => {
                throw new Error('the catalogue is down');
              },
            },
          }
        : {},
      close: async () => undefined,
    }),
  };
}

describe('operation node with any provider', function () {
  this.timeout(20_000);
  before(() => {
    registerProvider(descriptor('dummyops', true));
    registerProvider(descriptor('dummyplain', false));
  });
  beforeEach(() => {
    counter.calls = [];
  });
  afterEach(() => helper.unload());

  async function load(node: Record<string, unknown>, provider = 'dummyops'): Promise<void> {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      { id: 'acc', type: 'fulfillment-account', provider },
      { id: 'op', type: 'fulfillment-operation', z: 'f1', account: 'acc', dedupeWindow: 60, ...node, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], { acc: { apiKey: 'dummy-secret-key' } });
  }

  async function errorOf(msg: Record<string, unknown>): Promise<{ message: string; code: string; cause: Record<string, unknown> }> {
    const errors = collect('errors');
    helper.getNode('op')?.receive(msg);
    const [m] = await errors.wait(1);
    return m.error as { message: string; code: string; cause: Record<string, unknown> };
  }

  it('lists a provider\'s operations for the editor as plain data, from its descriptor', () => {
    const info = providerInfos().find((p) => p.name === 'dummyops');
    assert.deepStrictEqual(info?.capabilities.operations.map((o) => [o.name, o.call, o.changes]), [['echo', 'GET /echo', false], ['cancel', 'POST /cancel', true]]);
    assert.deepStrictEqual(info?.capabilities.operations[0].choice, { field: 'colors', list: 'colors', many: true });
    assert.deepStrictEqual(JSON.parse(JSON.stringify(info)).capabilities.operations[0].example, { word: 'hello' });
  });

  it('runs the chosen operation: the answer in msg.payload, its named fields beside it, the rest of msg kept', async () => {
    await load({ operation: 'echo' });
    const out = collect('out');
    helper.getNode('op')?.receive({ payload: { word: 'hi' }, topic: 't' });
    const [msg] = await out.wait(1);
    assert.deepStrictEqual(msg.payload, { word: 'hi', colors: undefined });
    assert.deepStrictEqual(msg.words, ['hi']);
    assert.strictEqual(msg.topic, 't');
  });

  it('fills the operation\'s choice field from the node setting only when msg.payload has none', async () => {
    await load({ operation: 'echo', choice: 'red, blue' });
    const out = collect('out');
    helper.getNode('op')?.receive({ payload: { word: 'a' } });
    helper.getNode('op')?.receive({ payload: { word: 'b', colors: ['green'] } });
    const msgs = await out.wait(2);
    assert.deepStrictEqual(msgs.map((m) => (m.payload as { colors: string[] }).colors), [['red', 'blue'], ['green']]);
  });

  it('msg.operation overrides the setting and is consumed (the next operation node runs its own)', async () => {
    await load({ operation: 'cancel' });
    const out = collect('out');
    helper.getNode('op')?.receive({ payload: { word: 'x' }, operation: 'echo' });
    const [msg] = await out.wait(1);
    assert.deepStrictEqual(counter.calls.map((c) => c.op), ['echo']);
    assert.ok(!('operation' in msg), 'msg.operation is not passed on');
  });

  it('refuses an unknown operation name, naming the ones there are, before anything runs', async () => {
    await load({ operation: 'refund' });
    const e = await errorOf({ payload: 'A-1' });
    assert.strictEqual(e.code, 'config');
    assert.match(e.message, /dummyops has no operation "refund"; it has echo, cancel/);
    const e2 = await errorOf({ payload: 'A-1', operation: '__proto__' });
    assert.strictEqual(e2.code, 'invalid_input');
    assert.strictEqual(e2.cause.field, 'msg.operation');
    assert.deepStrictEqual(counter.calls, []);
  });

  it('refuses a node without an operation and without msg.operation', async () => {
    await load({ operation: '' });
    const e = await errorOf({ payload: 'A-1' });
    assert.strictEqual(e.code, 'config');
    assert.match(e.message, /no operation chosen/);
  });

  it('refuses an account whose provider has no operations, naming providers that have some', async () => {
    await load({ operation: 'echo' }, 'dummyplain');
    const e = await errorOf({ payload: { word: 'x' } });
    assert.strictEqual(e.code, 'unsupported');
    assert.match(e.message, /dummyplain: this provider has no operations; choose an account of .*planviewer.*dummyops/);
  });

  it('checks the input with the operation\'s own prepare before it runs', async () => {
    await load({ operation: 'echo' });
    const e = await errorOf({ payload: { word: 42 } });
    assert.strictEqual(e.code, 'invalid_input');
    assert.strictEqual(e.cause.field, 'msg.payload.word');
    assert.deepStrictEqual(counter.calls, []);
  });

  it('guards an operation that changes something like an order: the same input twice is refused', async () => {
    await load({ operation: 'cancel' });
    const out = collect('out');
    const errors = collect('errors');
    helper.getNode('op')?.receive({ payload: 'A-1' });
    const [first] = await out.wait(1);
    helper.getNode('op')?.receive({ payload: 'A-1' });
    const [dup] = await errors.wait(1);
    assert.strictEqual((dup.error as { code: string }).code, 'duplicate');
    helper.getNode('op')?.receive({ payload: 'A-2' });
    await out.wait(2);
    assert.deepStrictEqual(counter.calls.map((c) => c.input), ['A-1', 'A-2']);
    assert.match(String(first.idempotencyKey), /^[0-9a-f]{64}$/);
  });

  it('adds msg.idempotencyKey to the request\'s identity: a key left by place order never makes another change a repeat', async () => {
    await load({ operation: 'cancel' });
    const out = collect('out');
    const errors = collect('errors');
    // Both messages carry the key an earlier place order left on them, as in a flow place order -> … -> cancel.
    helper.getNode('op')?.receive({ payload: 'A-1', idempotencyKey: 'key-of-the-order' });
    helper.getNode('op')?.receive({ payload: 'A-2', idempotencyKey: 'key-of-the-order' });
    await out.wait(2);
    helper.getNode('op')?.receive({ payload: 'A-1', idempotencyKey: 'key-of-the-order' });
    const [dup] = await errors.wait(1);
    assert.strictEqual((dup.error as { code: string }).code, 'duplicate');
    assert.match((dup.error as { message: string }).message, /dummyops: this cancel was already sent \(.*\); not sent again\. Use a new msg\.idempotencyKey to send it once more/);
    helper.getNode('op')?.receive({ payload: 'A-1', idempotencyKey: 'check done, send again' });
    await out.wait(3);
    assert.deepStrictEqual(counter.calls.map((c) => c.input), ['A-1', 'A-2', 'A-1']);
    assert.notStrictEqual(out.messages[0].idempotencyKey, out.messages[1].idempotencyKey);
  });

  it('never guards a read: the same echo twice runs twice', async () => {
    await load({ operation: 'echo' });
    const out = collect('out');
    helper.getNode('op')?.receive({ payload: { word: 'same' } });
    helper.getNode('op')?.receive({ payload: { word: 'same' } });
    const msgs = await out.wait(2);
    assert.strictEqual(counter.calls.length, 2);
    assert.ok(msgs.every((m) => m.idempotencyKey === undefined));
  });

  describe('live choices endpoint', () => {
    type Agent = { get(p: string): { expect(code: number): Promise<{ body: Record<string, unknown> }> } };
    const agent = () => helper.request() as unknown as Agent;

    it('serves any provider\'s lists by name, values and labels only', async () => {
      await load({ operation: 'echo' });
      const names = await agent().get('/fulfillment/account/acc/choices').expect(200);
      assert.deepStrictEqual(names.body.lists, ['colors', 'broken']);
      const res = await agent().get('/fulfillment/account/acc/choices/colors').expect(200);
      assert.deepStrictEqual(res.body, { ok: true, provider: 'dummyops', list: 'colors', truncated: false, choices: [{ value: 'red', label: 'Red' }, { value: 'blue', label: 'Blue' }] });
      assert.ok(!JSON.stringify(res.body).includes('dummy-secret-key'));
    });

    it('says clearly when the account is not deployed, the list is unknown, or the provider fails', async () => {
      await load({ operation: 'echo' });
      const missing = await agent().get('/fulfillment/account/not-deployed/choices/colors').expect(404);
      assert.strictEqual(missing.body.reason, 'not_deployed');
      assert.match(String(missing.body.message), /not deployed yet/);
      const unknown = await agent().get('/fulfillment/account/acc/choices/__proto__').expect(404);
      assert.match(String(unknown.body.message), /dummyops has no list "__proto__"; it has colors, broken/);
      const broken = await agent().get('/fulfillment/account/acc/choices/broken').expect(502);
      assert.match(String(broken.body.message), /the catalogue is down/);
    });

    it('is registered once, behind the read permission, the check first', async () => {
      const { registerChoicesRoute } = await import('../../nodes/runtime/choices-route');
      const routes: Array<{ path: string; handlers: unknown[] }> = [];
      const permissions: string[] = [];
      const guard = (): void => undefined;
      const fakeRed = {
        httpAdmin: { get: (path: string, ...handlers: unknown[]) => routes.push({ path, handlers }), post: () => undefined },
        auth: { needsPermission: (p: string) => { permissions.push(p); return guard; } },
        nodes: { getNode: () => null },
      };
      registerChoicesRoute(fakeRed as never);
      registerChoicesRoute(fakeRed as never);
      assert.deepStrictEqual(routes.map((r) => r.path), ['/fulfillment/account/:id/choices', '/fulfillment/account/:id/choices/:list']);
      assert.deepStrictEqual(permissions, ['fulfillment-account.read', 'fulfillment-account.read']);
      for (const r of routes) assert.strictEqual(r.handlers[0], guard);
    });
  });
});
