/**
 * The operations sidebar's runtime side in a real Node-RED runtime (the test
 * helper) against the sandbox: what the poll status, place order and callback
 * nodes report to the activity registry, and the admin endpoints the sidebar
 * reads and acts through (the plugin's runtime file registers them).
 */
import assert from 'assert';
import http from 'http';
import path from 'path';
import { AddressInfo } from 'net';
import { request as send, Answer } from '../support/process';
import { helper, allNodes, collect, accountNode, catchTo, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { DELIVERGO_SANDBOX as DELIVERGO } from '../../sandbox/providers/delivergo';
import { samplePdf } from '../../sandbox/pdf';
import { PostgreenClient } from '../../nodes/providers/postgreen/client';
import { CallbackRow, CallRow, InFlightRow, ListPage, Summary } from '../../nodes/runtime/activity';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const plugin = require(path.join(root, 'dist', 'nodes', 'sidebar', 'fulfillment-sidebar.js')) as (RED: unknown) => void;

const CREDS = { acc: { apiKey: 'pv-key-activity', apiSecret: 'pv-secret-activity' }, pb: { apiKey: 'probo-key-activity' }, cb: { secret: 'cb-secret-activity-42' } };
const PRODUCT = { code: 'banner-510', options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }] };


function request(url: string, method = 'GET', body?: string, contentType = 'application/json'): Promise<Answer> {
  return send(url, method, body === undefined ? {} : { 'Content-Type': contentType }, body);
}

/** A uuid the sandbox knows as a job (as if it had been ordered), for lists of many jobs. */
function sandboxJob(sandbox: Sandbox, n: number): string {
  const id = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
  sandbox.planviewer.jobs.set(id, { uuid: id, intention: T.normal, reads: 0, owner: CREDS.acc.apiKey });
  return id;
}

describe('operations sidebar: activity registry and admin endpoints', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let server: http.Server;
  let admin: string;
  let publicUrl: string;
  let httpAdmin: http.RequestListener | undefined;
  let httpNode: http.RequestListener | undefined;

  /** Hands the test the routers, the way Node-RED's own server would mount them. */
  const grab = (RED: { httpAdmin: http.RequestListener; httpNode: http.RequestListener }): void => {
    httpAdmin = RED.httpAdmin;
    httpNode = RED.httpNode;
  };
  const nodes = (): unknown[] => [...allNodes(), plugin, grab];

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/admin/') && httpAdmin) {
        req.url = url.slice('/admin'.length);
        return httpAdmin(req, res);
      }
      return httpNode ? httpNode(req, res) : res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = `${publicUrl}/admin/fulfillment/activity`;
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => server.close(() => r()));
    await sandbox.stop();
  });

  async function list<R>(section: string, query = ''): Promise<ListPage<R>> {
    const res = await request(`${admin}/${section}${query}`);
    assert.strictEqual(res.status, 200, res.body);
    return JSON.parse(res.body) as ListPage<R>;
  }

  const act = (action: string, body: Record<string, string>): Promise<Answer> => request(`${admin}/${action}`, 'POST', JSON.stringify(body));

  async function until<R>(what: string, read: () => Promise<R>, ok: (r: R) => boolean, ms = 10_000): Promise<R> {
    const end = Date.now() + ms;
    for (;;) {
      const r = await read();
      if (ok(r)) return r;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(r).slice(0, 800)}`);
      await delay(100);
    }
  }

  function planviewerFlow(poll: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'planviewer', sandbox.providerUrl('planviewer')),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', name: 'order products', account: 'acc', dedupeWindow: 60, wires: [['poll', 'placed']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', name: 'follow jobs', account: 'acc', interval: 1, maxWait: 600, wires: [['done'], ['attention'], []], ...poll },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'done', type: 'helper', z: 'f1' },
      { id: 'attention', type: 'helper', z: 'f1' },
      ...catchTo(),
    ];
  }

  it('lists every watched job with provider, node, state and progress; a job waiting for the user stays, with the reason, until dismissed', async () => {
    await helper.load(nodes(), planviewerFlow(), CREDS);
    const placed = collect('placed');
    const attention = collect('attention');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal, T.waitsForUser] } });
    const [order] = await placed.wait(1);
    const [normalJob, userJob] = order.jobs as string[];

    const moving = await until('both jobs with progress', () => list<InFlightRow>('inflight'), (p) => p.rows.filter((r) => r.progress && r.state === 'in_progress').length === 2);
    for (const row of moving.rows) {
      assert.strictEqual(row.provider, 'planviewer');
      assert.strictEqual(row.node, 'poll');
      assert.strictEqual(row.nodeName, 'follow jobs');
      assert.strictEqual(row.kind, 'job');
      assert.strictEqual(row.progress?.total, 4);
      assert.ok(typeof row.lastChange === 'number' && typeof row.nextCheck === 'number' && row.since <= Date.now());
    }
    assert.deepStrictEqual(moving.facets.providers, ['planviewer']);
    assert.deepStrictEqual(moving.facets.nodes, [{ id: 'poll', name: 'follow jobs' }]);

    await attention.wait(1, 15_000);
    const marked = await list<InFlightRow>('inflight', '?state=%40attention');
    assert.strictEqual(marked.total, 1);
    const row = marked.rows[0];
    assert.strictEqual(row.id, userJob);
    assert.strictEqual(row.state, 'waiting for user');
    assert.deepStrictEqual(row.attention && { verdict: row.attention.verdict, reason: row.attention.reason }, { verdict: 'attention', reason: 'an action by the end user is needed to complete the order' });
    assert.deepStrictEqual(row.progress, { current: 2, total: 4 });

    // It stays listed: the normal job finishes and leaves, the one needing the user does not.
    await collect('done').wait(1, 15_000);
    const after = await list<InFlightRow>('inflight');
    assert.deepStrictEqual(after.rows.map((r) => r.id), [userJob]);
    assert.ok(!after.rows.some((r) => r.id === normalJob));
    const summary = JSON.parse((await request(`${admin}/summary`)).body) as Summary;
    assert.strictEqual(summary.attention, 1);
    assert.strictEqual(summary.inflight, 1);

    assert.strictEqual((await act('dismiss', { node: 'poll', kind: 'job', id: 'no-such-job' })).status, 404);
    assert.strictEqual((await act('dismiss', { node: 'poll', kind: 'job', id: userJob })).status, 200);
    assert.strictEqual((await list<InFlightRow>('inflight')).total, 0);
    assert.strictEqual((await act('dismiss', { node: 'poll', kind: 'job' })).status, 400, 'a request that names no job is refused');
  });

  it('"check now" asks the provider about that job at once; "stop watching" ends the requests for it', async () => {
    const a = sandboxJob(sandbox, 1);
    const b = sandboxJob(sandbox, 2);
    await helper.load(nodes(), planviewerFlow({ interval: 3600 }), CREDS);
    helper.getNode('poll')?.receive({ payload: [a, b] });
    const first = await until('the first round', () => list<InFlightRow>('inflight'), (p) => p.rows.length === 2 && p.rows.every((r) => r.state === 'initial'));
    assert.ok(first.rows.every((r) => r.nextCheck !== undefined && r.nextCheck > Date.now() + 3_000_000), 'the next round is an hour away');
    const reads = sandbox.count('/planviewer/product_api/v1/jobs/status');

    assert.strictEqual((await act('check', { node: 'poll', kind: 'job', id: a })).status, 200);
    const asked = sandbox.requests.filter((r) => r.path.endsWith('/jobs/status')).slice(reads);
    assert.strictEqual(asked.length, 1, 'one request, at once');
    assert.ok(asked[0].query.includes(a) && !asked[0].query.includes(b), 'about that job only');
    const checked = (await list<InFlightRow>('inflight', `?q=${a.slice(-6)}`)).rows;
    assert.deepStrictEqual(checked.map((r) => [r.id, r.state, r.progress?.current]), [[a, 'in_progress', 1]]);
    assert.strictEqual((await act('check', { node: 'poll', kind: 'job', id: 'not-watched' })).status, 404);
    assert.strictEqual((await act('check', { node: 'nope', kind: 'job', id: a })).status, 404);

    // Rounds every second from here: stopping one job leaves only the other in the requests.
    await helper.unload();
    await helper.load(nodes(), planviewerFlow({ interval: 1 }), CREDS);
    helper.getNode('poll')?.receive({ payload: [a, b] });
    await until('both watched', () => list<InFlightRow>('inflight'), (p) => p.total === 2);
    assert.strictEqual((await act('unwatch', { node: 'poll', kind: 'job', id: a })).status, 200);
    const stoppedAt = sandbox.requests.length;
    assert.deepStrictEqual((await list<InFlightRow>('inflight')).rows.map((r) => r.id), [b]);
    await until('two more rounds', async () => sandbox.requests.slice(stoppedAt).filter((r) => r.path.endsWith('/jobs/status')).length, (n) => n >= 2);
    const later = sandbox.requests.slice(stoppedAt).filter((r) => r.path.endsWith('/jobs/status'));
    assert.ok(later.every((r) => !r.query.includes(a)), 'no request names the stopped job');
    assert.ok(later.every((r) => r.query.includes(b)), 'the other job is still asked about');
    assert.strictEqual((await act('unwatch', { node: 'poll', kind: 'job', id: a })).status, 404, 'already stopped');
  });

  it('lists the creating calls as placed, failed or outcome unknown with the provider\'s ids, and exports them as CSV', async () => {
    await helper.load(nodes(), planviewerFlow({ interval: 3600 }), CREDS);
    const placed = collect('placed');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
    const [ok] = await placed.wait(1);
    helper.getNode('order')?.receive({ payload: { uuids: [T.paymentRequired] } });
    await errors.wait(1);
    sandbox.fault({ path: '/planviewer/product_api/v1/jobs/order', fault: { type: 'reset-after' }, times: 1 });
    helper.getNode('order')?.receive({ payload: { uuids: ['11111111-2222-4333-8444-555555555555'] }, idempotencyKey: 'shop-order-77' });
    await errors.wait(2);

    const calls = await until('three calls', () => list<CallRow>('placed'), (p) => p.total === 3);
    assert.deepStrictEqual(calls.rows.map((r) => r.state), ['unknown', 'failed', 'placed'], 'newest first');
    const [unknown, failed, good] = calls.rows;
    assert.strictEqual(good.providerId, (ok.jobs as string[])[0]);
    assert.strictEqual(good.operation, 'place order');
    assert.strictEqual(good.provider, 'planviewer');
    assert.strictEqual(good.node, 'order');
    assert.strictEqual(good.nodeName, 'order products');
    assert.match(String(failed.message), /402|payment/i);
    assert.strictEqual(unknown.idempotencyKey, 'shop-order-77');
    assert.match(String(unknown.message), /outcome unknown/);
    assert.strictEqual((await list<CallRow>('placed', '?state=unknown')).total, 1);
    assert.strictEqual((await list<CallRow>('placed', '?q=shop-order')).total, 1);
    assert.strictEqual((await list<CallRow>('placed', '?provider=probo')).total, 0);

    const csv = await request(`${admin}/placed.csv`);
    assert.strictEqual(csv.status, 200);
    assert.match(String(csv.type), /^text\/csv/);
    const lines = csv.body.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.strictEqual(lines.length, 4);
    assert.match(lines[0], /^time \(UTC\),provider,operation,state,provider id/);
    assert.ok(lines[1].includes((ok.jobs as string[])[0]) && lines[1].includes(',placed,'), 'oldest first: the placed order');
    assert.match(lines[2], /,failed,/);
    assert.match(lines[3], /,outcome unknown,.*shop-order-77.*look it up with the provider/);
    for (const text of [csv.body, JSON.stringify(calls)]) {
      assert.ok(!text.includes(CREDS.acc.apiSecret) && !text.includes(CREDS.acc.apiKey), 'no credential in the export');
    }
  });

  it('lists a changing operation (a Probo cancel) beside the order it changes', async () => {
    await helper.load(nodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('pb', 'probo', sandbox.providerUrl('probo'), { testMode: false }),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'pb', dedupeWindow: 60, wires: [['placed']] },
      { id: 'canceller', type: 'fulfillment-operation', z: 'f1', name: 'cancel orders', account: 'pb', operation: 'cancel', dedupeWindow: 60, wires: [['done']] },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'done', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], CREDS);
    helper.getNode('order')?.receive({ payload: { id: 'web-77', reference: 'shop 77', products: [PRODUCT], deliveries: [{ address: { first_name: 'A', last_name: 'B', city: 'Utrecht', country: 'NL' } }] } });
    await collect('placed').wait(1);
    helper.getNode('canceller')?.receive({ payload: { id: 'web-77' } });
    await collect('done').wait(1);
    const calls = await until('the order and its cancel', () => list<CallRow>('placed'), (p) => p.total === 2);
    assert.deepStrictEqual(calls.rows.map((r) => [r.operation, r.state, r.providerId, r.node]), [['cancel', 'placed', 'web-77', 'canceller'], ['place order', 'placed', 'web-77', 'order']]);
    assert.strictEqual(calls.rows[1].reference, 'shop 77');
  });

  it('lists delivery commands and resale unit changes as placed calls; a refused repeat is not listed', async () => {
    const customer = DELIVERGO.customerGuid;
    await helper.load(nodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('pg', 'postgreen', sandbox.providerUrl('postgreen')),
      accountNode('dg', 'delivergo', sandbox.providerUrl('delivergo'), { portalNamespace: DELIVERGO.portalNamespace, customerGuid: customer, format: 'json' }),
      { id: 'delivery', type: 'fulfillment-create-delivery', z: 'f1', name: 'post letters', account: 'pg', channel: '', channelType: 'str', outputFile: 'MAIN', options: '{}', optionsType: 'json', wires: [['done']] },
      { id: 'units', type: 'fulfillment-resale-unit', z: 'f1', account: 'dg', operation: 'msg', wires: [['done']] },
      { id: 'done', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], { pg: { username: 'pg-activity', password: 'pg-secret-activity' }, dg: { apiKey: 'dg-activity', apiSecret: 'dg-secret-activity' } });
    const done = collect('done');
    const errors = collect('errors');
    const client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'setup', password: 'setup-password' });
    const job = await client.createJob({ jobName: 'activity', serviceId: 'SRV_LETTER', autocreateDeliveryCommand: false, files: [{ box: 'BX101', filename: 'a.pdf', data: samplePdf(['activity']) }] }).finally(() => client.close());
    helper.getNode('delivery')?.receive({ payload: job.jobId });
    await done.wait(1);
    helper.getNode('delivery')?.receive({ payload: job.jobId });
    const unit = { Active: true, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Poster shop' }] };
    helper.getNode('units')?.receive({ operation: 'add', payload: unit });
    const [, added] = await done.wait(2);
    const id = (added.payload as { Id: number }).Id;
    helper.getNode('units')?.receive({ operation: 'add', payload: unit });
    helper.getNode('units')?.receive({ operation: 'update', payload: { ...unit, Id: id, Active: false } });
    await done.wait(3);
    helper.getNode('units')?.receive({ operation: 'delete', payload: id });
    helper.getNode('units')?.receive({ operation: 'list' });
    await done.wait(5);
    assert.deepStrictEqual((await errors.wait(2)).map((m) => (m.error as { code: string }).code), ['duplicate', 'duplicate']);
    const calls = await until('the delivery and the three changes', () => list<CallRow>('placed'), (p) => p.total >= 4);
    assert.deepStrictEqual(
      calls.rows.map((r) => [r.provider, r.operation, r.state, r.providerId, r.reference, r.node]).reverse(),
      [
        ['postgreen', 'create delivery', 'placed', job.jobId, undefined, 'delivery'],
        ['delivergo', 'add resale unit', 'placed', String(id), 'Poster shop', 'units'],
        ['delivergo', 'update resale unit', 'placed', String(id), 'Poster shop', 'units'],
        ['delivergo', 'delete resale unit', 'placed', String(id), 'Poster shop', 'units'],
      ],
    );
    assert.strictEqual(calls.total, 4, 'the refused repeats and the list are not calls');
    assert.ok(calls.rows.every((r) => typeof r.idempotencyKey === 'string'), 'each with the key it was recorded under');
  });

  it('lists each callback event once with its repeats counted, and every refusal; never the secret', async () => {
    await helper.load(nodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('pb', 'probo', sandbox.providerUrl('probo')),
      { id: 'cb', type: 'fulfillment-callback', z: 'f1', name: 'probo orders', account: 'pb', kind: 'order', path: 'activity-test', publicUrl, maxBytes: 1, dedupeWindow: 3600, wires: [['events']] },
      { id: 'events', type: 'helper', z: 'f1' },
    ], CREDS);
    const events = collect('events');
    const url = `${publicUrl}/fulfillment/callback/activity-test`;
    const event = JSON.stringify({ id: 'web-7', reference: 'shop 7', status: 'in_production', shipments: [] });
    assert.strictEqual((await request(`${url}/${CREDS.cb.secret}`, 'POST', event)).status, 200);
    assert.strictEqual((await request(`${url}/${CREDS.cb.secret}`, 'POST', event)).status, 200);
    await events.wait(1);
    assert.strictEqual((await request(`${url}/not-the-secret`, 'POST', event)).status, 401);
    assert.strictEqual((await request(`${url}/${CREDS.cb.secret}`, 'POST', 'status=shipped', 'application/x-www-form-urlencoded')).status, 415);
    assert.strictEqual((await request(`${url}/${CREDS.cb.secret}`, 'POST', '{"id": ')).status, 400);
    assert.strictEqual((await request(`${url}/${CREDS.cb.secret}`, 'POST', 'x'.repeat(2000))).status, 413);

    const rows = await until('the event and four refusals', () => list<CallbackRow>('callbacks'), (p) => p.total === 5);
    const ev = rows.rows.filter((r) => r.type === 'event');
    assert.deepStrictEqual(ev.map((r) => [r.provider, r.kind, r.id, r.status, r.repeats, r.node, r.nodeName]), [['probo', 'order', 'web-7', 'in_production', 1, 'cb', 'probo orders']]);
    const refused = rows.rows.filter((r) => r.type === 'refusal').map((r) => [r.httpStatus, r.reason]);
    assert.deepStrictEqual(refused.map((r) => r[0]).sort(), [400, 401, 413, 415]);
    assert.deepStrictEqual(refused.find((r) => r[0] === 401), [401, 'wrong secret in the URL']);
    assert.match(String(refused.find((r) => r[0] === 415)?.[1]), /not JSON.*x-www-form-urlencoded/);
    assert.strictEqual((await list<CallbackRow>('callbacks', '?state=refusal')).total, 4);
    assert.strictEqual((await list<CallbackRow>('callbacks', '?q=web-7')).total, 1);
    const summary = JSON.parse((await request(`${admin}/summary`)).body) as Summary;
    assert.deepStrictEqual([summary.callbacks, summary.refusals], [1, 4]);
    for (const text of [JSON.stringify(rows), JSON.stringify(summary)]) assert.ok(!text.includes(CREDS.cb.secret), 'the callback secret is never listed');
  });

  it('filters by provider, state, node and id, and pages through many jobs', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => sandboxJob(sandbox, 100 + i));
    await helper.load(nodes(), [
      ...planviewerFlow({ interval: 3600 }),
      accountNode('pb', 'probo', sandbox.providerUrl('probo')),
      { id: 'pbpoll', type: 'fulfillment-poll-status', z: 'f1', account: 'pb', kind: 'order', interval: 3600, maxWait: 600, wires: [[], [], []] },
    ], CREDS);
    helper.getNode('poll')?.receive({ payload: ids });
    const all = await until('50 jobs after the first round', () => list<InFlightRow>('inflight'), (p) => p.total === 50 && p.rows.every((r) => r.state === 'initial'));
    assert.strictEqual(all.rows.length, 50);
    const page = await list<InFlightRow>('inflight', '?offset=20&limit=10');
    assert.deepStrictEqual([page.total, page.offset, page.rows.length], [50, 20, 10]);
    assert.deepStrictEqual(page.rows.map((r) => r.id), all.rows.slice(20, 30).map((r) => r.id), 'pages follow one order');
    assert.deepStrictEqual((await list<InFlightRow>('inflight', `?q=${ids[7].slice(-12).toUpperCase()}`)).rows.map((r) => r.id), [ids[7]]);
    assert.strictEqual((await list<InFlightRow>('inflight', '?provider=probo')).total, 0);
    assert.strictEqual((await list<InFlightRow>('inflight', '?provider=planviewer&state=initial&node=poll')).total, 50);
    assert.strictEqual((await list<InFlightRow>('inflight', '?node=pbpoll')).total, 0);
    assert.strictEqual((await list<InFlightRow>('inflight', '?state=%40attention')).total, 0);
    assert.strictEqual((await list<InFlightRow>('inflight', '?limit=100000')).rows.length, 50);
    assert.strictEqual((await list<InFlightRow>('inflight', '?offset=abc&limit=-1')).offset, 0, 'odd paging values fall back to the defaults');
  });
});
