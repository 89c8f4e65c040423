/**
 * Two real Node-RED processes with the same flows and one real Redis, against
 * the sandbox: what users get when they run several instances (FlowFuse high
 * availability, two processes behind a load balancer). Every output reaches a
 * collector in this process, with the instance that produced it.
 *
 * `SHARED_STATE=off` runs the same suite with the accounts' shared state
 * removed (each instance alone, today's context): it must fail, which shows
 * the tests can.
 */
import assert from 'assert';
import http from 'http';
import { AddressInfo } from 'net';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { uploaderCallbackBody } from '../../sandbox/providers/probo';
import { makeUserDir, startNodeRed, NodeRedProcess, post, request, waitUntil } from '../support/process';
import { redisInstalled, REDIS_SERVER, RedisServer, startRedis } from '../support/redis';

const REDIS_PASSWORD = 'e2e-redis-pw-5521';
const CALLBACK_SECRET = 'e2e-cb-secret-8830';
const SLOW_INTERVAL_S = 2;
const STATUS = '/planviewer/product_api/v1/jobs/status';
const ORDERS = '/planviewer/product_api/v1/jobs/order';
const shared = process.env.SHARED_STATE !== 'off';

interface Output {
  kind: 'done' | 'attention' | 'event' | 'status' | 'progress';
  instance: string;
  /** When the collector received it (epoch ms). */
  at: number;
  jobId?: string;
  status?: string;
  id?: number;
  text?: string;
}



/**
 * Waits as long as the work moves on: fails only when `progress` has not
 * changed for `stallMs` (or after `maxMs` in all), so a machine slowed down by
 * other suites running beside this one is not taken for a stalled one.
 */
async function whileMoving(check: () => boolean, progress: () => number, stallMs: number, maxMs: number, what: string): Promise<void> {
  const end = Date.now() + maxMs;
  let last = progress();
  let movedAt = Date.now();
  while (!check()) {
    const now = Date.now();
    const p = progress();
    if (p !== last) {
      last = p;
      movedAt = now;
    }
    if (now - movedAt > stallMs) throw new Error(`nothing moved for ${Math.round(stallMs / 1000)} s while waiting for ${what}`);
    if (now > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A uuid of its own for each test job. */
function uuid(n: number, salt: number): string {
  const hex = (n + salt * 1_000_000).toString(16).padStart(12, '0');
  return `7e57${salt.toString(16).padStart(4, '0')}-0000-4000-8000-${hex}`;
}

describe('two Node-RED instances sharing one Redis', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let sandbox: Sandbox;
  let collector: http.Server;
  let collectorUrl: string;
  const outputs: Output[] = [];
  const red: Record<'a' | 'b', NodeRedProcess | undefined> = { a: undefined, b: undefined };

  function flows(): unknown[] {
    const report = (id: string, kind: Output['kind'], fields: string, wires: string): unknown[] => [
      { id, type: 'function', z: 't', func: `msg.payload = { kind: '${kind}', instance: env.get('INSTANCE'), ${fields} };\nmsg.headers = { 'content-type': 'application/json' };\nreturn msg;`, outputs: 1, wires: [[wires]] },
    ];
    return [
      { id: 't', type: 'tab', label: 'instances' },
      { id: 'shared', type: 'fulfillment-shared-state', url: '${FULFILLMENT_REDIS_URL}' },
      { id: 'pv', type: 'fulfillment-account', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 10000, sharedState: shared ? 'shared' : '' },
      { id: 'pb', type: 'fulfillment-account', provider: 'probo', baseUrl: sandbox.providerUrl('probo'), sharedState: shared ? 'shared' : '' },
      // POST /order: the answer, or the error (duplicate, shared_state) as 409.
      { id: 'in-order', type: 'http in', z: 't', url: '/order', method: 'post', wires: [['order']] },
      { id: 'order', type: 'fulfillment-place-order', z: 't', account: 'pv', dedupeWindow: 3600, wires: [['respond']] },
      { id: 'catcher', type: 'catch', z: 't', scope: ['order'], uncaught: false, wires: [['refused']] },
      { id: 'refused', type: 'function', z: 't', func: 'msg.statusCode = 409;\nmsg.payload = { error: msg.error };\nreturn msg;', outputs: 1, wires: [['respond']] },
      { id: 'respond', type: 'http response', z: 't', statusCode: '', headers: {} },
      // POST /watch and /watch-fast: jobs to follow (interval 2 s and 1 s).
      { id: 'in-watch', type: 'http in', z: 't', url: '/watch', method: 'post', wires: [['poll', 'ack']] },
      { id: 'in-watch-fast', type: 'http in', z: 't', url: '/watch-fast', method: 'post', wires: [['poll-fast', 'ack']] },
      { id: 'ack', type: 'http response', z: 't', statusCode: '200', headers: {} },
      { id: 'poll', type: 'fulfillment-poll-status', z: 't', account: 'pv', interval: SLOW_INTERVAL_S, maxWait: 600, wires: [['done'], ['attention'], []] },
      { id: 'poll-fast', type: 'fulfillment-poll-status', z: 't', account: 'pv', interval: 1, maxWait: 600, wires: [['done'], ['attention'], []] },
      // POST /watch-slow: asked about once, then only when someone clicks "check now" in the sidebar.
      { id: 'in-watch-slow', type: 'http in', z: 't', url: '/watch-slow', method: 'post', wires: [['poll-slow', 'ack']] },
      { id: 'poll-slow', type: 'fulfillment-poll-status', z: 't', account: 'pv', interval: 3600, maxWait: 0, wires: [['done'], ['attention'], ['progress']] },
      ...report('progress', 'progress', 'jobId: msg.jobId, status: msg.status', 'collect'),
      ...report('done', 'done', 'jobId: msg.jobId, status: msg.status', 'collect'),
      ...report('attention', 'attention', 'jobId: msg.jobId, status: msg.status', 'collect'),
      { id: 'poll-status', type: 'status', z: 't', scope: ['poll-fast'], wires: [['status-out']] },
      ...report('status-out', 'status', 'text: msg.status.text', 'collect'),
      // The provider's callbacks, posted to both instances.
      { id: 'cb', type: 'fulfillment-callback', z: 't', account: 'pb', kind: 'uploader', path: 'e2e', dedupeWindow: 3600, wires: [['event']] },
      ...report('event', 'event', 'id: msg.uploader && msg.uploader.id', 'collect'),
      { id: 'collect', type: 'http request', z: 't', method: 'POST', ret: 'txt', url: `${collectorUrl}/out`, wires: [[]] },
    ];
  }

  async function start(name: 'a' | 'b'): Promise<NodeRedProcess> {
    const userDir = makeUserDir(flows(), { shared: { password: REDIS_PASSWORD }, pv: { apiKey: 'e2e-key', apiSecret: 'e2e-secret' }, pb: { apiKey: 'e2e-probo' }, cb: { secret: CALLBACK_SECRET } });
    const p = await startNodeRed(userDir, undefined, undefined, { INSTANCE: name, FULFILLMENT_REDIS_URL: `redis://127.0.0.1:${redis.port}` });
    red[name] = p;
    return p;
  }

  const done = (jobs: Set<string>): Output[] => outputs.filter((o) => o.kind === 'done' && o.jobId !== undefined && jobs.has(o.jobId));

  /** Jobs known to the sandbox without an order (the daily cap would stop 1,000 orders). */
  function jobs(n: number, salt: number, intention: string = T.normal): string[] {
    const ids = Array.from({ length: n }, (_, i) => uuid(i, salt));
    for (const id of ids) sandbox.planviewer.jobs.set(id, { uuid: id, intention, reads: 0, owner: 'e2e-key' });
    return ids;
  }

  /** The operations sidebar's admin API of one instance (no adminAuth here: open, as in a default Node-RED). */
  function sidebar(p: NodeRedProcess | undefined, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    if (body !== undefined) return post(`${p?.url}/fulfillment/activity/${path}`, body);
    return request(`${p?.url}/fulfillment/activity/${path}`);
  }

  interface Row {
    id: string;
    kind: string;
    node: string;
    state: string;
    attention?: { reason: string };
  }
  const sidebarAnswers: string[] = [];
  async function inflight(p: NodeRedProcess | undefined, node: string): Promise<Row[]> {
    const answer = await sidebar(p, `inflight?node=${node}&limit=500`);
    sidebarAnswers.push(answer.body);
    assert.strictEqual(answer.status, 200, answer.body);
    return (JSON.parse(answer.body) as { rows: Row[] }).rows.filter((r) => r.node === node);
  }
  async function untilListed(p: NodeRedProcess | undefined, node: string, check: (rows: Row[]) => boolean, what: string): Promise<Row[]> {
    let rows: Row[] = [];
    const end = Date.now() + 30_000;
    for (;;) {
      rows = await inflight(p, node);
      if (check(rows)) return rows;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** When the sandbox was asked about each of these jobs. */
  function readsOf(ids: Set<string>): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of sandbox.requests) {
      if (r.path !== STATUS) continue;
      for (const id of new URLSearchParams(r.query).getAll('uuids[]')) {
        if (!ids.has(id)) continue;
        const list = out.get(id) ?? [];
        list.push(r.at);
        out.set(id, list);
      }
    }
    return out;
  }

  before(async function () {
    if (!redisInstalled()) {
      console.log(`    (skipped: ${REDIS_SERVER} is not installed; .ci/run installs Debian's redis-server)`);
      this.skip();
    }
    redis = await startRedis({ password: REDIS_PASSWORD });
    sandbox = new Sandbox({ planviewerDailyCap: 100_000 });
    await sandbox.start();
    collector = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        try {
          outputs.push({ ...(JSON.parse(text) as Output), at: Date.now() });
        } catch {
          // not ours
        }
        res.end('ok');
      });
    });
    // The instances' http request nodes keep their connections open between bursts of outputs. A server
    // that closes an idle one after 5 s races a busy client reusing it (ECONNRESET: that output lost, a
    // test waiting for it until it times out). Without a server-side idle timeout only the client closes.
    collector.keepAliveTimeout = 0;
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
    collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    await Promise.all([start('a'), start('b')]);
  });

  after(async () => {
    const logs = [red.a?.output() ?? '', red.b?.output() ?? ''].join('\n');
    await Promise.all([red.a?.stop(), red.b?.stop()]);
    await new Promise<void>((r) => (collector ? collector.close(() => r()) : r()));
    await sandbox?.stop();
    await redis?.stop();
    assert.ok(!logs.includes(REDIS_PASSWORD), 'the Redis password is never in a log');
    assert.ok(!logs.includes(CALLBACK_SECRET), 'the callback secret is never in a log');
  });

  it('the same order sent to both at once reaches the provider once (50 times); the other gets duplicate', async () => {
    const before = sandbox.count(ORDERS);
    for (let i = 0; i < 50; i++) {
      const body = { uuids: [uuid(i, 1)] };
      const answers = await Promise.all([post(`${red.a?.url}/order`, body), post(`${red.b?.url}/order`, body)]);
      const ok = answers.filter((x) => x.status === 200);
      const refused = answers.filter((x) => x.status === 409).map((x) => JSON.parse(x.body) as { error: { code: string; cause: { providerCode: string } } });
      assert.strictEqual(ok.length, 1, `order ${i}: ${answers.map((x) => `${x.status} ${x.body.slice(0, 200)}`).join(' | ')}`);
      assert.strictEqual(refused.length, 1);
      assert.strictEqual(refused[0].error.code, 'duplicate');
      assert.match(refused[0].error.cause.providerCode, /^(sending|placed)$/);
    }
    assert.strictEqual(sandbox.count(ORDERS) - before, 50);
  });

  it('a callback posted to both instances is output once', async () => {
    for (let id = 1; id <= 10; id++) {
      const body = uploaderCallbackBody({ id, external_id: id, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []);
      const answers = await Promise.all([red.a, red.b].map((p) => post(`${p?.url}/fulfillment/callback/e2e/${CALLBACK_SECRET}`, body)));
      assert.deepStrictEqual(answers.map((x) => x.status), [200, 200]);
    }
    await waitUntil(() => outputs.filter((o) => o.kind === 'event').length >= 10, 30_000, 'ten events');
    await new Promise((r) => setTimeout(r, 1000));
    const ids = outputs.filter((o) => o.kind === 'event').map((o) => o.id).sort((x, y) => Number(x) - Number(y));
    assert.deepStrictEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('1,000 watched jobs: each asked about at most once per interval across both, each output once on output 1, both instances take a share', async function () {
    this.timeout(240_000);
    const ids = jobs(1000, 2);
    const set = new Set(ids);
    const intervalMs = SLOW_INTERVAL_S * 1000;
    const started = Date.now();
    // Every job reaches both instances (a trigger both receive, as in high availability): watched once all the same.
    await Promise.all([post(`${red.a?.url}/watch`, ids), post(`${red.b?.url}/watch`, ids)]);
    const statusReads = (): number => sandbox.requests.filter((r) => r.path === STATUS).length;
    await whileMoving(() => done(set).length >= 1000, () => done(set).length + statusReads(), 30_000, 200_000, 'all 1,000 jobs done').catch(async (e: Error) => {
      // What was left, to tell a slow machine from a lost job.
      const left = await redis.command('ZCARD', 'fulfillment:watch:poll:due');
      const reads = [...readsOf(set).values()].reduce((n, t) => n + t.length, 0);
      throw new Error(`${e.message}: ${done(set).length} done, ${String(left)} still watched, ${reads} status reads\n${[red.a?.output() ?? '', red.b?.output() ?? ''].join('\n').slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, intervalMs + 500));
    const outs = done(set);
    const perJob = new Map<string, number>();
    for (const o of outs) perJob.set(o.jobId as string, (perJob.get(o.jobId as string) ?? 0) + 1);
    assert.strictEqual(perJob.size, 1000);
    assert.deepStrictEqual([...new Set(perJob.values())], [1], 'each job on output 1 exactly once');
    assert.ok(outs.every((o) => o.status === 'finished'));
    assert.ok(outputs.filter((o) => o.kind === 'attention' && set.has(o.jobId ?? '')).length === 0);
    const byInstance = { a: outs.filter((o) => o.instance === 'a').length, b: outs.filter((o) => o.instance === 'b').length };
    assert.ok(byInstance.a > 0 && byInstance.b > 0, `both instances share the work: ${JSON.stringify(byInstance)}`);
    // At most once per interval, counted rather than timed: a job is claimed only when due, and a claim
    // makes it due one interval later (Redis's clock), so the n claims of a job span at least n - 1
    // intervals, all between the moment the jobs were sent and the job's last read. A job asked about
    // by both instances in the same interval gets more reads than that span holds intervals. A slow
    // machine only widens the span, so it never fails this check.
    const reads = readsOf(set);
    const tooMany: string[] = [];
    for (const [id, times] of reads) {
      assert.ok(times.length >= 6, 'a job needs six reads to finish');
      const intervals = Math.floor((Math.max(...times) - started) / intervalMs);
      if (times.length > intervals + 1) tooMany.push(`${id}: ${times.length} reads within ${intervals} interval(s)`);
    }
    assert.strictEqual(reads.size, 1000);
    assert.ok(tooMany.length === 0, `${tooMany.length} job(s) asked about more than once in an interval, e.g. ${tooMany.slice(0, 5).join('; ')}`);
  });

  it('Redis stopped and started again: creates refused meanwhile (nothing sent), polling paused, then everything resumes with no job lost', async () => {
    const ids = jobs(20, 3);
    const set = new Set(ids);
    await post(`${red.a?.url}/watch-fast`, ids);
    await whileMoving(() => readsOf(set).size === 20, () => sandbox.requests.length, 30_000, 90_000, 'every job read once');
    await redis.stop(true);
    const ordersBefore = sandbox.count(ORDERS);
    const answer = await post(`${red.a?.url}/order`, { uuids: [uuid(1, 4)] });
    assert.strictEqual(answer.status, 409);
    const error = (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
    assert.strictEqual(error.code, 'shared_state');
    assert.match(error.message, /unreachable.*nothing was sent/);
    assert.ok(!error.message.includes(REDIS_PASSWORD));
    await waitUntil(() => outputs.some((o) => o.kind === 'status' && /^paused/.test(o.text ?? '')), 30_000, 'a paused status');
    assert.strictEqual(sandbox.count(ORDERS), ordersBefore, 'the refused order was not sent');
    assert.ok(done(set).length < 20, 'not finished while Redis was away');

    await redis.start();
    await whileMoving(() => done(set).length >= 20, () => done(set).length + sandbox.requests.length, 30_000, 120_000, 'all 20 jobs done after Redis came back');
    // Polling resumed, so the client is connected again: the order goes through.
    const again = await post(`${red.a?.url}/order`, { uuids: [uuid(1, 4)] });
    assert.strictEqual(again.status, 200, again.body.slice(0, 300));
    assert.strictEqual(sandbox.count(ORDERS), ordersBefore + 1);
    await new Promise((r) => setTimeout(r, 1500));
    const perJob = new Map<string, number>();
    for (const o of done(set)) perJob.set(o.jobId as string, (perJob.get(o.jobId as string) ?? 0) + 1);
    assert.deepStrictEqual([perJob.size, [...new Set(perJob.values())]], [20, [1]], 'each job done exactly once');
  });

  it("the operations sidebar: either instance lists the shared watch list; check now, stop watching and dismiss act across instances", async function () {
    this.timeout(180_000);
    const [one, two] = jobs(2, 6);
    const [failing] = jobs(1, 7, T.endsInError);

    const progressOf = (id: string): Output[] => outputs.filter((o) => o.kind === 'progress' && o.jobId === id);
    const readsOfJob = (id: string): number => readsOf(new Set([id])).get(id)?.length ?? 0;
    // Both instances have had their first round of this node (their heartbeats are in): the next is an hour away.
    for (const end = Date.now() + 30_000; Number(await redis.command('ZCARD', 'fulfillment:watch:poll-slow:live')) < 2; ) {
      if (Date.now() > end) throw new Error('timed out waiting for both instances polling poll-slow');
      await new Promise((r) => setTimeout(r, 200));
    }
    await post(`${red.a?.url}/watch-slow`, [one, two]);

    // b's sidebar lists the jobs a was given: one shared list.
    const listed = await untilListed(red.b, 'poll-slow', (rows) => [one, two].every((id) => rows.some((r) => r.id === id)), "a's jobs in b's sidebar");
    const kind = listed[0].kind;
    assert.deepStrictEqual([readsOfJob(one), readsOfJob(two)], [0, 0], 'not asked about before the next round');

    // Check now on b, then on a: each asks once, and each step is output once, by the instance that asked.
    for (const [p, name, status] of [[red.b, 'b', 'initial'], [red.a, 'a', 'in_progress']] as const) {
      const reads = readsOfJob(one);
      const outs = progressOf(one).length;
      const checked = await sidebar(p, 'check', { node: 'poll-slow', kind, id: one });
      assert.strictEqual(checked.status, 200, checked.body);
      await waitUntil(() => progressOf(one).length > outs, 30_000, `the output of check now on ${name}`);
      await new Promise((r) => setTimeout(r, 1500));
      assert.strictEqual(readsOfJob(one), reads + 1, `check now on ${name} asked once`);
      assert.deepStrictEqual(progressOf(one).slice(outs).map((o) => [o.instance, o.status]), [[name, status]], `output once, on ${name}`);
    }
    await untilListed(red.b, 'poll-slow', (rows) => rows.some((r) => r.id === one && r.state === 'in_progress'), "the new state in b's sidebar");

    // Stop watching on b a job a was given: gone from the shared list, for a as well.
    const stopped = await sidebar(red.b, 'unwatch', { node: 'poll-slow', kind, id: two });
    assert.strictEqual(stopped.status, 200, stopped.body);
    await untilListed(red.a, 'poll-slow', (rows) => !rows.some((r) => r.id === two), "the job gone from a's sidebar");
    assert.strictEqual((await sidebar(red.a, 'check', { node: 'poll-slow', kind, id: two })).status, 404, 'a does not watch it any more');
    assert.strictEqual(await redis.command('ZSCORE', 'fulfillment:watch:poll-slow:due', JSON.stringify([kind, two])), null);
    assert.strictEqual(readsOfJob(two), 0, 'never asked about');

    // A job needing attention, reported by whichever instance asked: listed on both, dismissed from the other.
    await post(`${red.a?.url}/watch-fast`, [failing]);
    await waitUntil(() => outputs.some((o) => o.kind === 'attention' && o.jobId === failing), 30_000, 'the failed job on output 2');
    const reporter = outputs.find((o) => o.kind === 'attention' && o.jobId === failing)?.instance === 'a' ? red.a : red.b;
    const other = reporter === red.a ? red.b : red.a;
    const needsAttention = (rows: Row[]): boolean => rows.some((r) => r.id === failing && !!r.attention);
    await untilListed(other, 'poll-fast', needsAttention, 'the row needing attention on the instance that did not report it');
    const dismissed = await sidebar(other, 'dismiss', { node: 'poll-fast', kind, id: failing });
    assert.strictEqual(dismissed.status, 200, dismissed.body);
    await untilListed(reporter, 'poll-fast', (rows) => !needsAttention(rows), 'the row gone on the instance that reported it');
    assert.strictEqual((await sidebar(reporter, 'dismiss', { node: 'poll-fast', kind, id: failing })).status, 404, 'dismissed once');

    for (const p of [red.a, red.b]) sidebarAnswers.push((await sidebar(p, 'summary')).body);
    assert.ok(sidebarAnswers.every((text) => !text.includes(REDIS_PASSWORD)), 'no Redis password in a sidebar answer');
  });

  it('kill -9 of one instance mid-poll: the other finishes all its jobs, each once', async () => {
    const ids = jobs(200, 5);
    const set = new Set(ids);
    await Promise.all([post(`${red.a?.url}/watch-fast`, ids.slice(0, 100)), post(`${red.b?.url}/watch-fast`, ids.slice(100))]);
    // Every job read twice (of the six it needs): b holds claims when it dies, none has finished.
    await whileMoving(() => [...readsOf(set).values()].filter((t) => t.length >= 2).length === 200, () => sandbox.requests.length, 30_000, 90_000, 'two reads of every job');
    assert.strictEqual(done(set).length, 0);
    await red.b?.stop('SIGKILL');
    red.b = undefined;
    await whileMoving(() => done(set).length >= 200, () => done(set).length + sandbox.requests.length, 30_000, 120_000, 'all 200 jobs done by the survivor');
    await new Promise((r) => setTimeout(r, 1500));
    const outs = done(set);
    assert.strictEqual(outs.length, 200, 'each once');
    assert.strictEqual(new Set(outs.map((o) => o.jobId)).size, 200);
    assert.ok(outs.every((o) => o.instance === 'a'));
  });
});
