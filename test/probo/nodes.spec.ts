import assert from 'assert';
import http from 'http';
import { AddressInfo } from 'net';
import { helper, allNodes, collect, accountNode, catchTo, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { uploaderCallbackBody } from '../../sandbox/providers/probo';
import { PROBO_DELIVERY, PROBO_PRODUCT as PRODUCT, proboOrder } from './fixtures';

const CREDS = { acc: { apiKey: 'probo-key-123' }, cb: { secret: 's3cret-callback-value' } };
const SECRET = CREDS.cb.secret;

type Layer = { route?: { path?: string } };
type App = http.RequestListener & { _router?: { stack: Layer[] } };

interface Answer {
  status: number;
  body: string;
}

/** Plain HTTP to a local server; resolves with what came back. */
/** A POST; a content type of null sends none. */
function post(url: string, body: string | Buffer, contentType: string | null = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(body) };
    if (contentType !== null) headers['Content-Type'] = contentType;
    const req = http.request(url, { method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Probo nodes in a real runtime against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let base: string;
  let httpNode: App | undefined;
  let server: http.Server;
  let publicUrl: string;

  /** A "node module" that only hands the test the router the nodes register their routes on. */
  const grab = (RED: { httpNode: App }): void => {
    httpNode = RED.httpNode;
  };
  const nodes = (): unknown[] => [...allNodes(), grab];

  async function serveHttpNode(): Promise<void> {
    server = http.createServer((req, res) => (httpNode ? httpNode(req, res) : res.end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const ourRoutes = (): string[] => (httpNode?._router?.stack ?? []).map((l) => l.route?.path).filter((p): p is string => !!p && p.startsWith('/fulfillment/callback'));

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    base = sandbox.providerUrl('probo');
    httpNode = undefined;
    await serveHttpNode();
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => server.close(() => r()));
    await sandbox.stop();
  });

  function flow(opts: { account?: Record<string, unknown>; callback?: Record<string, unknown>; poll?: boolean } = {}): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'probo', base, opts.account ?? {}),
      { id: 'session', type: 'fulfillment-uploader-session', z: 'f1', account: 'acc', language: 'nl', languageType: 'str', wires: [['sessions']] },
      { id: 'cb', type: 'fulfillment-callback', z: 'f1', account: 'acc', kind: 'uploader', path: 'probo-test', publicUrl, maxBytes: 1, dedupeWindow: 3600, wires: [['events']], ...(opts.callback ?? {}) },
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, wires: [opts.poll ? ['placed', 'poll'] : ['placed']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'order', interval: 1, maxWait: 60, wires: [['done'], ['failed'], ['progress']] },
      { id: 'sessions', type: 'helper', z: 'f1' },
      { id: 'events', type: 'helper', z: 'f1' },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'done', type: 'helper', z: 'f1' },
      { id: 'failed', type: 'helper', z: 'f1' },
      { id: 'progress', type: 'helper', z: 'f1' },
      ...catchTo(),
    ];
  }

  const cbUrl = (secret = SECRET, path = 'probo-test'): string => `${publicUrl}/fulfillment/callback/${path}/${encodeURIComponent(secret)}`;

  it('prices, opens an uploader session, receives the confirmation and orders with the uploader ids', async () => {
    await helper.load(nodes(), flow(), CREDS);
    const sessions = collect('sessions');
    const events = collect('events');
    const placed = collect('placed');
    helper.getNode('session')?.receive({ payload: { products: [PRODUCT] }, topic: 'job 42' });
    const [s] = await sessions.wait(1);
    const uploader = s.uploader as { id: number; external_id: number; url: string };
    assert.ok(uploader.id && uploader.external_id);
    assert.strictEqual(uploader.url, `${base}/uploader/${uploader.id}`);
    assert.strictEqual((s.price as { calculation_id: number }).calculation_id, sandbox.probo.sessions.get(uploader.id)?.calculation_id);
    assert.strictEqual(s.topic, 'job 42');
    assert.ok(!JSON.stringify(s).includes(SECRET), 'the callback secret is not in the message');
    const session = sandbox.probo.sessions.get(uploader.id);
    assert.strictEqual(session?.callback_url, cbUrl(), 'the callback node of the flow gave its URL');
    assert.strictEqual(session?.language, 'nl');

    // The end user uploads: the sandbox's uploader page confirms and calls back.
    const page = await new Promise<string>((resolve, reject) => http.get(uploader.url, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    }).on('error', reject));
    assert.match(page, /<form method="post"/);
    const confirmed = await post(`${uploader.url}/confirm`, JSON.stringify({ status: 'confirmed', warning: 'wrong_size' }));
    assert.strictEqual(JSON.parse(confirmed.body).callback.httpStatus, 200);
    const [event] = await events.wait(1);
    assert.strictEqual(event.eventType, 'uploader');
    assert.strictEqual(event.status, 'confirmed');
    assert.deepStrictEqual(event.warnings, ['wrong_size']);
    assert.deepStrictEqual(event.uploader, { id: uploader.id, external_id: uploader.external_id });
    assert.deepStrictEqual(event.payload, sandbox.probo.callbacks[0].body);
    assert.strictEqual((event.payload as { Standard_tiling: string }).Standard_tiling, 'optimal');
    assert.strictEqual((event.files as Array<{ dpi: number }>)[0].dpi, 72);

    // Probo repeats a callback it thinks was not received: output once only.
    await post(`${uploader.url}/confirm`, JSON.stringify({ status: 'confirmed', warning: 'wrong_size' }));
    assert.strictEqual(sandbox.probo.callbacks.length, 2);
    assert.strictEqual(sandbox.probo.callbacks[1].httpStatus, 200);

    helper.getNode('order')?.receive({
      payload: { id: 'web-1001', reference: 'job 42', products: [{ ...PRODUCT, uploaders: [event.uploader] }], deliveries: [{ address: { first_name: 'A', last_name: 'B', city: 'Utrecht', country: 'NL' } }] },
    });
    const [o] = await placed.wait(1);
    assert.strictEqual((o.payload as { status: string }).status, 'queued');
    assert.deepStrictEqual(o.order, { id: 'web-1001', reference: 'job 42', order_type: 'test', status: 'queued' });
    const atProbo = sandbox.probo.orders.get('web-1001');
    assert.strictEqual(atProbo?.order_type, 'test');
    assert.deepStrictEqual((atProbo?.body.products as Array<{ uploaders: unknown }>)[0].uploaders, [{ id: uploader.id, external_id: uploader.external_id }]);
    // A processed callback is a new event.
    await post(`${uploader.url}/confirm`, JSON.stringify({ status: 'processed' }));
    const all = await events.wait(2);
    assert.strictEqual(all.length, 2);
    assert.strictEqual(all[1].status, 'processed');
    assert.deepStrictEqual(all[1].warnings, []);
  });

  it('refuses a wrong or missing secret (401), other content types (415), bad JSON (400), big bodies (413) and other bodies (400); outputs nothing for them', async () => {
    await helper.load(nodes(), flow(), CREDS);
    const events = collect('events');
    const good = JSON.stringify(uploaderCallbackBody({ id: 77, external_id: 7, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    assert.strictEqual((await post(cbUrl('wrong-secret'), good)).status, 401);
    assert.strictEqual((await post(cbUrl(`${SECRET}x`), good)).status, 401);
    assert.strictEqual((await post(`${publicUrl}/fulfillment/callback/probo-test`, good)).status, 401);
    assert.strictEqual((await post(`${publicUrl}/fulfillment/callback/probo-test?secret=${SECRET}`, good)).status, 401);
    assert.strictEqual((await post(cbUrl(), good, 'application/x-www-form-urlencoded')).status, 415);
    assert.strictEqual((await post(cbUrl(), good, 'application/xml')).status, 415);
    assert.strictEqual((await post(cbUrl(), 'id=77&status=confirmed', 'text/plain')).status, 400, 'text/plain that is not JSON');
    assert.strictEqual((await post(cbUrl(), '{"status": "confirmed",')).status, 400);
    assert.strictEqual((await post(cbUrl(), JSON.stringify({ hello: 'x'.repeat(2000) }))).status, 413);
    const notACallback = await post(cbUrl(), JSON.stringify({ status: 'confirmed' }));
    assert.strictEqual(notACallback.status, 400);
    assert.match(JSON.parse(notACallback.body).message, /body\.id/);
    assert.strictEqual((await post(cbUrl(), JSON.stringify({ __proto__: null, constructor: { prototype: { polluted: 1 } }, id: 1, status: 'confirmed' }))).status, 400);
    assert.strictEqual((await post(cbUrl(), good, 'application/json; charset=utf-8')).status, 200);
    const [only] = await events.wait(1);
    assert.strictEqual((only.uploader as { id: number }).id, 77, 'the first output is the first valid call');
    const cbStatus: string[] = [];
    helper.getNode('cb')?.on('call:status', (call: unknown) => cbStatus.push(String((((call as { args: Array<{ text?: string }> }).args[0]) ?? {}).text ?? '')));
    assert.strictEqual((await post(cbUrl(), good)).status, 200, 'a repeat is still answered 200');
    // When the last repeat came (not a count a reader takes for the number of repeats).
    assert.match(cbStatus[cbStatus.length - 1] ?? '', /^repeat dropped · \d\d:\d\d$/);
    const other = JSON.stringify(uploaderCallbackBody({ id: 78, external_id: 8, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    assert.strictEqual((await post(cbUrl(), other)).status, 200);
    const msgs = await events.wait(2);
    assert.deepStrictEqual(msgs.map((m) => (m.uploader as { id: number }).id), [77, 78], 'the repeat was dropped');
    assert.ok(!JSON.stringify(msgs).includes(SECRET), 'the secret is not in any output');
    const log = JSON.stringify(helper.log().args);
    assert.ok(!log.includes(SECRET) && !log.includes(CREDS.acc.apiKey), 'no secret in the log');
  });

  it('reads a callback whose JSON comes as text/plain or without a content type (no provider documents the header)', async () => {
    await helper.load(nodes(), flow(), CREDS);
    const events = collect('events');
    const body = (id: number) => JSON.stringify(uploaderCallbackBody({ id, external_id: 7, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    assert.strictEqual((await post(cbUrl(), body(81), 'text/plain; charset=utf-8')).status, 200);
    assert.strictEqual((await post(cbUrl(), body(82), null)).status, 200);
    const msgs = await events.wait(2);
    assert.deepStrictEqual(msgs.map((m) => (m.uploader as { id: number }).id), [81, 82]);
  });

  it('outputs an event once when the provider sends it several times at the same moment', async () => {
    await helper.load(nodes(), flow(), CREDS);
    const events = collect('events');
    const body = JSON.stringify(uploaderCallbackBody({ id: 95, external_id: 9, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(cbUrl(), body)));
    assert.ok(answers.every((a) => a.status === 200));
    const last = JSON.stringify(uploaderCallbackBody({ id: 96, external_id: 9, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    await post(cbUrl(), last);
    const msgs = await events.wait(2);
    assert.deepStrictEqual(msgs.map((m) => (m.uploader as { id: number }).id), [95, 96]);
  });

  it('removes its route on close and on redeploy, leaving no duplicate behind', async () => {
    await helper.load(nodes(), flow(), CREDS);
    assert.deepStrictEqual(ourRoutes().sort(), ['/fulfillment/callback/probo-test', '/fulfillment/callback/probo-test/:secret']);
    const body = JSON.stringify(uploaderCallbackBody({ id: 90, external_id: 9, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    for (let i = 0; i < 5; i++) {
      await (helper as unknown as { setFlows(f: unknown[], t: string, c: unknown): Promise<void> }).setFlows(flow(), 'full', CREDS);
    }
    assert.deepStrictEqual(ourRoutes().sort(), ['/fulfillment/callback/probo-test', '/fulfillment/callback/probo-test/:secret']);
    await (helper as unknown as { setFlows(f: unknown[], t: string, c: unknown): Promise<void> }).setFlows(flow({ callback: { path: 'moved' } }), 'full', CREDS);
    assert.deepStrictEqual(ourRoutes().sort(), ['/fulfillment/callback/moved', '/fulfillment/callback/moved/:secret']);
    assert.strictEqual((await post(cbUrl(), body)).status, 404, 'the old path is gone');
    const events = collect('events');
    assert.strictEqual((await post(cbUrl(SECRET, 'moved'), body)).status, 200);
    await events.wait(1);
    await helper.unload();
    assert.deepStrictEqual(ourRoutes(), []);
    assert.strictEqual((await post(cbUrl(SECRET, 'moved'), body)).status, 404);
  });

  it('refuses a callback node without a secret, and a second node on the same path', async () => {
    const f = flow();
    f.push({ id: 'cb2', type: 'fulfillment-callback', z: 'f1', account: 'acc', path: 'probo-test', publicUrl, wires: [['events']] });
    await helper.load(nodes(), f, { acc: CREDS.acc });
    const events = collect('events');
    const body = JSON.stringify(uploaderCallbackBody({ id: 91, external_id: 9, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    assert.strictEqual((await post(`${publicUrl}/fulfillment/callback/probo-test/`, body)).status, 401);
    assert.strictEqual((await post(cbUrl('undefined'), body)).status, 401);
    assert.strictEqual((await post(cbUrl(''), body)).status, 401);
    assert.deepStrictEqual(ourRoutes().sort(), ['/fulfillment/callback/probo-test', '/fulfillment/callback/probo-test/:secret'], 'the second node did not add routes');
    await delay(50);
    assert.strictEqual(events.messages.length, 0);
  });

  it('validates the uploader input and the order before sending anything', async () => {
    await helper.load(nodes(), flow(), CREDS);
    const errors = collect('errors');
    helper.getNode('session')?.receive({ payload: { calculation_id: 68937, language: 'dutch' } });
    helper.getNode('order')?.receive({ payload: proboOrder('x1', { products: [{ options: [] }] }) });
    helper.getNode('order')?.receive({ payload: proboOrder('x2', { products: [{ code: 'banner-510', options: [], uploaders: [{ id: 1, external_id: 2 }, { id: 3 } as never] }] }) });
    helper.getNode('session')?.receive({ payload: { calculation_id: 'nope' } });
    helper.getNode('order')?.receive({ payload: { id: 'x3', products: [PRODUCT], deliveries: [PROBO_DELIVERY] } });
    helper.getNode('order')?.receive({ payload: proboOrder('x4', { deliveries: undefined }) });
    helper.getNode('order')?.receive({ payload: proboOrder('x5', { callback_url: 'not a url' }) });
    const msgs = await errors.wait(7);
    const fields = msgs.map((m) => (m.error as { code: string; cause: { field: string } }).cause.field).sort();
    assert.deepStrictEqual(fields, ['msg.payload.calculation_id', 'msg.payload.callback_url', 'msg.payload.deliveries', 'msg.payload.language', 'msg.payload.products[0].code', 'msg.payload.products[0].uploaders[1].external_id', 'msg.payload.reference']);
    assert.ok(msgs.every((m) => (m.error as { code: string }).code === 'invalid_input'));
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('reports a repeated order id that Probo refuses on the spot (older behaviour) as duplicate, not a crash', async () => {
    sandbox.probo.duplicates = 'sync';
    await helper.load(nodes(), flow(), CREDS);
    const placed = collect('placed');
    const errors = collect('errors');
    const body = proboOrder('web-9', { reference: 'first' });
    helper.getNode('order')?.receive({ payload: body });
    await placed.wait(1);
    // Another message for the same Probo order id (a different body, so the node's own guard lets it through).
    helper.getNode('order')?.receive({ payload: { ...body, reference: 'second try' } });
    const [msg] = await errors.wait(1);
    const error = msg.error as { code: string; message: string; cause: { providerCode: string; response: { existing: { id: string; reference: string } } } };
    assert.strictEqual(error.code, 'duplicate');
    assert.strictEqual(error.cause.providerCode, 'order_exists');
    assert.match(error.message, /already exists; it was not placed again/);
    assert.deepStrictEqual(error.cause.response.existing, { id: 'web-9', reference: 'second try' });
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 2);
  });

  it('marks an order whose connection dropped after it arrived as outcome unknown, sent once', async () => {
    sandbox.fault({ method: 'POST', path: '/probo/order', fault: { type: 'reset-after' }, times: 1 });
    await helper.load(nodes(), flow(), CREDS);
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: proboOrder('web-reset') });
    const [msg] = await errors.wait(1);
    const error = msg.error as { code: string; message: string; cause: { request: { body: { id: string; order_type: string } } } };
    assert.strictEqual(error.code, 'outcome_unknown');
    assert.match(error.message, /outcome unknown/);
    assert.strictEqual(error.cause.request.body.id, 'web-reset');
    assert.strictEqual(sandbox.count('/probo/order', 'POST'), 1);
    assert.strictEqual(sandbox.probo.submissions.length, 1, 'exactly one order reached the sandbox');
  });

  it('waits out the quota and carries on', async () => {
    await helper.load(nodes(), flow(), CREDS);
    const sessions = collect('sessions');
    sandbox.probo.throttle = 2;
    helper.getNode('session')?.receive({ payload: { language: 'en', products: [PRODUCT] } });
    const [s] = await sessions.wait(1);
    assert.ok((s.uploader as { id: number }).id);
    assert.strictEqual(sandbox.count('/probo/price'), 3);
    assert.strictEqual(sandbox.count('/probo/products/uploader/create'), 1);
    assert.strictEqual(sandbox.probo.sessions.get((s.uploader as { id: number }).id)?.language, 'en', 'msg.payload.language wins over the node setting');
  });
});
