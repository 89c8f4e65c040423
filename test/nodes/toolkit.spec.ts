/**
 * What the editor's settings mean at run time: where a node's request comes
 * from, numeric settings given as environment variables, the short statuses
 * (sandbox / live, needs attention), errors as flows and the debug sidebar
 * see them, and the account's Test connection with the dialog's values.
 */
import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { reportable } from '../../nodes/runtime/input';
import { FulfillmentError } from '../../nodes/core/errors';
import { isSandboxUrl } from '../../nodes/account/sandbox';

const CREDS = { acc: { apiKey: 'tk-key-123', apiSecret: 'tk-secret-456' } };

interface StatusCall {
  fill?: string;
  shape?: string;
  text?: string;
}

function statuses(id: string): StatusCall[] {
  const out: StatusCall[] = [];
  helper.getNode(id)?.on('call:status', (call: unknown) => out.push(((call as { args: unknown[] }).args[0] ?? {}) as StatusCall));
  return out;
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Agent {
  post(p: string): { send(body: unknown): Promise<{ status: number; body: { ok: boolean; message: string } }> };
  get(p: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

describe('runtime toolkit: request source, number settings, statuses, errors, Test connection', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let base: string;
  const saved = { ...process.env };

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    base = sandbox.providerUrl('planviewer');
  });
  afterEach(async () => {
    process.env = { ...saved };
    await helper.unload();
    await sandbox.stop();
  });

  const flow = (order: Record<string, unknown> = {}, poll: Record<string, unknown> = {}, account: Record<string, unknown> = {}) => [
    { id: 'f1', type: 'tab' },
    accountNode('acc', 'planviewer', base, account),
    { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, ...order, wires: [['poll', 'placed']] },
    { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 60, ...poll, wires: [['done'], ['attention'], []] },
    { id: 'placed', type: 'helper', z: 'f1' },
    { id: 'done', type: 'helper', z: 'f1' },
    { id: 'attention', type: 'helper', z: 'f1' },
    ...catchTo(),
  ];

  it('reads the order from the property the node names (flow context here), not msg.payload', async () => {
    await helper.load(allNodes(), flow({ source: 'pending', sourceType: 'flow' }), CREDS);
    const placed = collect('placed');
    const order = helper.getNode('order') as unknown as { context(): { flow: { set(k: string, v: unknown): void } }; receive(m: unknown): void };
    order.context().flow.set('pending', { uuids: [T.normal] });
    order.receive({ payload: 'not an order' });
    const [msg] = await placed.wait(1);
    assert.strictEqual((msg.payload as Array<{ uuid: string }>)[0].uuid, T.normal);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1);
  });

  it('takes a numeric setting from an environment variable, and names a bad or missing one in a warning', async () => {
    process.env.TK_REPEAT = 'abc';
    delete process.env.TK_MISSING;
    await helper.load(allNodes(), flow({ dedupeWindow: 'TK_REPEAT', dedupeWindowType: 'env' }, { maxWait: 'TK_MISSING', maxWaitType: 'env' }), CREDS);
    const warnings = helper.log().args.map((a) => JSON.stringify(a)).filter((t) => t.includes('"level":30'));
    assert.ok(warnings.some((w) => w.includes('dedupeWindow (environment variable TK_REPEAT): \\"abc\\" is not a number; using 86400')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('maxWait (environment variable TK_MISSING): not set; using 3600')), warnings.join('\n'));
  });

  it('an environment variable holding a number sets the repeat guard: 0 turns it off', async () => {
    process.env.TK_REPEAT = '0';
    await helper.load(allNodes(), flow({ dedupeWindow: 'TK_REPEAT', dedupeWindowType: 'env' }), CREDS);
    const placed = collect('placed');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    await placed.wait(1);
    helper.getNode('order')?.receive({ payload: [T.normal] });
    await placed.wait(2);
    assert.strictEqual(errors.messages.length, 0, 'no duplicate refused: the guard is off');
    const warnings = helper.log().args.map((a) => JSON.stringify(a)).filter((t) => t.includes('TK_REPEAT'));
    assert.deepStrictEqual(warnings, []);
  });

  it('shows "sandbox" at deploy for an account on the sandbox, "live" otherwise', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    assert.deepStrictEqual((helper.getNode('order') as unknown as { status: { lastCall?: { args: StatusCall[] } } }).status.lastCall?.args[0]?.text, 'sandbox');
    await helper.unload();
    await helper.load(allNodes(), flow({}, {}, { baseUrl: 'https://www.planviewer.nl' }), CREDS);
    assert.deepStrictEqual((helper.getNode('order') as unknown as { status: { lastCall?: { args: StatusCall[] } } }).status.lastCall?.args[0]?.text, 'live');
  });

  it('short statuses: "ordered hh:mm", then poll status counts the jobs that need attention instead of showing idle', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const orderStatus = statuses('order');
    const pollStatus = statuses('poll');
    const attention = collect('attention');
    helper.getNode('order')?.receive({ payload: [T.waitsForUser] });
    await attention.wait(1, 20_000);
    await until(() => pollStatus.some((s) => s.text === 'needs attention (1)'), 'needs attention (1)');
    assert.match(orderStatus[orderStatus.length - 1].text ?? '', /^ordered \d\d:\d\d$/);
    const last = pollStatus[pollStatus.length - 1];
    assert.deepStrictEqual(last, { fill: 'yellow', shape: 'ring', text: 'needs attention (1)' });
    for (const s of [...orderStatus, ...pollStatus]) assert.ok((s.text ?? '').length <= 28, `short: ${s.text}`);
  });

  it('an HTTP error: status "HTTP 402"; msg.error keeps message, code = the kind and cause = the details', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const orderStatus = statuses('order');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.paymentRequired] });
    const [msg] = await errors.wait(1);
    const error = msg.error as { message: string; code: string; cause: Record<string, unknown> };
    assert.strictEqual(error.code, 'http');
    assert.match(error.message, /402/);
    assert.strictEqual(error.cause.status, 402);
    assert.strictEqual(error.cause.provider, 'planviewer');
    assert.strictEqual(orderStatus[orderStatus.length - 1].text, 'HTTP 402');
  });

  it('reportable(): a plain object the debug sidebar can unfold; its text carries the HTTP status and the provider\'s message', () => {
    const fe = new FulfillmentError({ provider: 'x', kind: 'http', status: 422, providerMessage: 'quantity must be positive', message: 'x: the provider refused the order' });
    const report = reportable(fe);
    assert.ok(!(report instanceof Error), 'not an Error: Node-RED would flatten cause to "[object Object]"');
    assert.strictEqual(String(report), 'x: HTTP 422: the provider refused the order: quantity must be positive');
    assert.strictEqual(report.code, 'http');
    assert.deepStrictEqual(Object.keys(report).sort(), ['cause', 'code', 'message']);
    assert.strictEqual(report.cause.providerMessage, 'quantity must be positive');
    assert.strictEqual(Object.getPrototypeOf(report).constructor, Object, 'shown as a plain object');
  });

  it('a refused connection to this machine says the sandbox is not running and where it comes from; one elsewhere does not', () => {
    const refused = (url: string) =>
      new FulfillmentError({ provider: 'planviewer', kind: 'network', providerCode: 'ECONNREFUSED', message: 'planviewer: POST /product_api/v1/jobs/order failed: ECONNREFUSED', request: { method: 'POST', url } });
    const here = String(reportable(refused('http://127.0.0.1:1881/planviewer/product_api/v1/jobs/order')));
    assert.match(here, /^planviewer: POST \/product_api\/v1\/jobs\/order failed: ECONNREFUSED \(nothing listens at http:\/\/127\.0\.0\.1:1881: .*npm run sandbox/);
    assert.strictEqual(String(reportable(refused('https://www.planviewer.nl/product_api/v1/jobs/order'))), 'planviewer: POST /product_api/v1/jobs/order failed: ECONNREFUSED');
  });

  it('recognises the sandbox by its address: a loopback host, a path in the provider\'s part of the sandbox', () => {
    const yes = ['http://127.0.0.1:1881/planviewer', 'http://localhost:40123/planviewer/', 'http://[::1]:1881/planviewer'];
    const no = ['https://www.planviewer.nl', 'http://127.0.0.1:1881/planviewerx', 'http://127.0.0.1.example.com/planviewer', 'http://10.0.0.5:1881/planviewer', '', 'not a url'];
    for (const u of yes) assert.strictEqual(isSandboxUrl('/planviewer', u), true, u);
    for (const u of no) assert.strictEqual(isSandboxUrl('/planviewer', u), false, u);
    // Every customer the sandbox emulates is the sandbox, not only the descriptor's example one.
    assert.strictEqual(isSandboxUrl('/arri/example-studio', 'http://127.0.0.1:1881/arri/another-studio'), true);
    assert.strictEqual(isSandboxUrl(undefined, 'http://127.0.0.1:1881/planviewer'), false);
  });

  describe('Test connection (POST /fulfillment/account/:id/test)', () => {
    const agent = () => helper.request() as unknown as Agent;

    it('tests the dialog\'s values before any deploy: a new account with typed credentials', async () => {
      await helper.load(allNodes(), [{ id: 'f1', type: 'tab' }], {});
      const ok = await agent().post('/fulfillment/account/new1/test').send({ provider: 'planviewer', baseUrl: base, timeout: '5000', credentials: { apiKey: 'typed-key', apiSecret: 'typed-secret' } });
      assert.strictEqual(ok.status, 200);
      assert.strictEqual(ok.body.ok, true, ok.body.message);
      assert.ok(sandbox.count('/planviewer') >= 1, 'the sandbox was asked');
      const missing = await agent().post('/fulfillment/account/new1/test').send({ provider: 'planviewer', baseUrl: base, credentials: {} });
      assert.strictEqual(missing.body.ok, false);
      assert.match(missing.body.message, /access key id/);
      const log = JSON.stringify(helper.log().args);
      assert.ok(!log.includes('typed-secret') && !log.includes('typed-key'), 'the typed credentials are not logged');
    });

    it('takes a secret the editor only knows as stored from the deployed account', async () => {
      await helper.load(allNodes(), flow(), CREDS);
      const body = (apiSecret: unknown) => ({ provider: 'planviewer', baseUrl: base, credentials: { apiKey: { stored: true }, apiSecret } });
      const stored = await agent().post('/fulfillment/account/acc/test').send(body({ stored: true }));
      assert.strictEqual(stored.body.ok, true, stored.body.message);
      assert.ok(!JSON.stringify(stored.body).includes('tk-secret-456'), 'the stored secret does not travel back');
      // Another base URL typed in the dialog is what gets tested, not the deployed one.
      const elsewhere = await agent().post('/fulfillment/account/acc/test').send({ ...body({ stored: true }), baseUrl: 'http://127.0.0.1:9/planviewer', timeout: 1000 });
      assert.strictEqual(elsewhere.body.ok, false);
    });

    it('without a body tests the deployed account; an unknown account is refused', async () => {
      await helper.load(allNodes(), flow(), CREDS);
      assert.strictEqual((await agent().post('/fulfillment/account/acc/test').send(undefined)).body.ok, true);
      const unknown = await agent().post('/fulfillment/account/nope/test').send(undefined);
      assert.strictEqual(unknown.body.ok, false);
      assert.match(unknown.body.message, /deploy the account first/);
    });
  });
});
