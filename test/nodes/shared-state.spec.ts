/**
 * Nodes whose account names a shared state, in a real runtime, against the
 * sandbox and a real redis-server with a password. Two instances at once are
 * in test/e2e/instances.spec.ts; here: one instance's behaviour with Redis,
 * when Redis goes away and comes back, and that nothing about Redis leaks.
 */
import assert from 'assert';
import { spawnSync } from 'child_process';
import http from 'http';
import path from 'path';
import { AddressInfo } from 'net';
import { helper, allNodes, collect, accountNode, catchTo, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { uploaderCallbackBody } from '../../sandbox/providers/probo';
import { DELIVERGO_SANDBOX as D } from '../../sandbox/providers/delivergo';
import { redisInstalled, REDIS_SERVER, RedisServer, startRedis } from '../support/redis';

const REDIS_PASSWORD = 'redis-pw-7731';
const CALLBACK_SECRET = 'cb-secret-4410';
const ENV = 'FULFILLMENT_TEST_REDIS_URL';

type App = http.RequestListener;

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

describe('nodes with a shared state (Redis) in a real runtime', function () {
  this.timeout(40_000);
  let redis: RedisServer;
  let sandbox: Sandbox;
  let httpNode: App | undefined;
  let server: http.Server;
  let publicUrl: string;
  const grab = (RED: { httpNode: App }): void => {
    httpNode = RED.httpNode;
  };

  before(async function () {
    if (!redisInstalled()) {
      console.log(`    (skipped: ${REDIS_SERVER} is not installed; .ci/run installs Debian's redis-server)`);
      this.skip();
    }
    redis = await startRedis({ password: REDIS_PASSWORD });
    // The address comes from an environment variable, as a deployment would set it (${…} in the field).
    process.env[ENV] = `redis://default@127.0.0.1:${redis.port}/1`;
  });
  after(async () => {
    delete process.env[ENV];
    await redis?.stop();
  });
  beforeEach(async () => {
    sandbox = new Sandbox({ planviewerDailyCap: 1000 });
    await sandbox.start();
    server = http.createServer((req, res) => (httpNode ? httpNode(req, res) : res.end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => server.close(() => r()));
    await sandbox.stop();
    if (!redis.running()) await redis.start();
    await redis.command('FLUSHALL');
  });

  function flow(sharedState = 'shared', url = `\${${ENV}}`): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      { id: 'shared', type: 'fulfillment-shared-state', url, prefix: 'nr-test:' },
      accountNode('pv', 'planviewer', sandbox.providerUrl('planviewer'), { sharedState }),
      accountNode('pb', 'probo', sandbox.providerUrl('probo'), { sharedState }),
      accountNode('dg', 'delivergo', sandbox.providerUrl('delivergo'), { sharedState, portalNamespace: D.portalNamespace, customerGuid: D.customerGuid, format: 'json' }),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'pv', dedupeWindow: 600, wires: [['placed', 'poll']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'pv', interval: 1, maxWait: 120, wires: [['done'], ['attention'], ['progress']] },
      { id: 'cb', type: 'fulfillment-callback', z: 'f1', account: 'pb', kind: 'uploader', path: 'shared-test', publicUrl, dedupeWindow: 600, wires: [['events']] },
      { id: 'ru', type: 'fulfillment-resale-unit', z: 'f1', account: 'dg', operation: 'add', wires: [['units']] },
      ...['placed', 'done', 'attention', 'progress', 'events', 'units'].map((id) => ({ id, type: 'helper', z: 'f1' })),
      ...catchTo(),
    ];
  }
  const CREDS = { shared: { password: REDIS_PASSWORD }, pv: { apiKey: 'pv-key', apiSecret: 'pv-secret' }, pb: { apiKey: 'pb-key' }, dg: { apiKey: 'dg-key', apiSecret: 'dg-secret' }, cb: { secret: CALLBACK_SECRET } };
  const load = (sharedState = 'shared', url?: string): Promise<void> => helper.load([...allNodes(), grab], flow(sharedState, url), CREDS);
  const ORDERS = '/planviewer/product_api/v1/jobs/order';

  /** Everything the runtime showed: log lines, node statuses, messages. */
  function everythingShown(): string {
    const log = helper.log().args.map((a) => JSON.stringify(a)).join('\n');
    const statuses = ['order', 'poll', 'cb', 'ru'].flatMap((id) => ((helper.getNode(id)?.status.getCalls?.() ?? []) as Array<{ args: unknown[] }>).map((c) => JSON.stringify(c.args)));
    return `${log}\n${statuses.join('\n')}`;
  }

  it('claims orders in Redis (address from ${ENV}, password from the credential): the same order once, then duplicate with the first answer', async () => {
    await load();
    const placed = collect('placed');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
    const [first] = await placed.wait(1);
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
    const [dup] = await errors.wait(1);
    const error = dup.error as { code?: string; cause?: { kind: string; providerCode: string; response: unknown } };
    assert.strictEqual(error.cause?.kind, 'duplicate');
    assert.strictEqual(error.cause?.providerCode, 'placed');
    assert.deepStrictEqual(error.cause?.response, first.payload);
    assert.strictEqual(sandbox.count(ORDERS), 1);
    const keys = (await redis.command('EVAL', "redis.call('SELECT', 1) return redis.call('KEYS', 'nr-test:claim:order:*')", '0')) as string[];
    assert.strictEqual(keys.length, 1, 'the claim is in Redis, database 1, under the prefix');
    assert.ok(!everythingShown().includes(REDIS_PASSWORD));
  });

  it('refuses creating calls while Redis is away (nothing sent), pauses polling and says so, and resumes by itself without losing the job', async () => {
    await load();
    const placed = collect('placed');
    const done = collect('done');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
    await placed.wait(1);
    await until(() => sandbox.count('/planviewer/product_api/v1/jobs/status') >= 1, 10_000, 'the first status read');
    await redis.stop(true);

    helper.getNode('order')?.receive({ payload: { uuids: ['11111111-2222-4333-8444-555555555555'] } });
    const [refused] = await errors.wait(1);
    const error = refused.error as { message: string; code?: string; cause?: { kind: string } };
    assert.strictEqual(error.cause?.kind, 'shared_state');
    assert.match(error.message, /shared state \(redis:\/\/127\.0\.0\.1:\d+\/1\) is unreachable.*nothing was sent/);
    assert.strictEqual(sandbox.count(ORDERS), 1, 'the refused order was not sent');

    assert.ok(!JSON.stringify(refused).includes(REDIS_PASSWORD), 'no password in the message');

    const pollStatus = (): string[] => ((helper.getNode('poll')?.status.getCalls?.() ?? []) as Array<{ args: Array<{ text?: string }> }>).map((c) => c.args[0]?.text ?? '');
    await until(() => pollStatus().some((t) => /^paused · shared state down$/.test(t)), 10_000, 'the paused status, saying why');
    // A job given to the node while Redis is away waits in memory (and the node's context), and the status counts it.
    const late = '7e57aaaa-0000-4000-8000-000000000001';
    sandbox.planviewer.jobs.set(late, { uuid: late, intention: T.normal, reads: 0, owner: 'pv-key' });
    helper.getNode('poll')?.receive({ payload: late });
    await until(() => pollStatus().some((t) => t === 'paused (Redis) · 1 waiting'), 10_000, 'the paused status with the job waiting').catch((e: Error) => {
      throw new Error(`${e.message}: ${pollStatus().join(' | ')}`);
    });
    const readsWhileDown = sandbox.count('/planviewer/product_api/v1/jobs/status');
    await delay(1500);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/status'), readsWhileDown, 'no status read while paused');
    assert.strictEqual(done.messages.length, 0);
    // Polling retries every interval (1 s here) while Redis is away; the status changes only when its text does.
    const shown = pollStatus().slice(pollStatus().findIndex((t) => t.startsWith('paused')));
    assert.ok(shown.every((t, i) => i === 0 || t !== shown[i - 1]), `no status repeated on each retry: ${shown.join(' | ')}`);

    await redis.start();
    await done.wait(2, 30_000);
    assert.deepStrictEqual(done.messages.map((m) => m.status), ['finished', 'finished']);
    assert.ok(done.messages.some((m) => m.jobId === late), 'the job received while Redis was away is not lost');
    helper.getNode('order')?.receive({ payload: { uuids: ['11111111-2222-4333-8444-555555555555'] } });
    await placed.wait(2, 10_000);
    assert.strictEqual(sandbox.count(ORDERS), 2, 'ordering works again');
    await delay(1500);
    assert.strictEqual(new Set(done.messages.map((m) => m.jobId)).size, 2, 'each done once');
    assert.strictEqual(done.messages.length, 2);
    assert.ok(!everythingShown().includes(REDIS_PASSWORD));
  });

  it("poll status: the shared count in the node's status follows jobs another instance took off the list", async () => {
    await load();
    const placed = collect('placed');
    helper.getNode('order')?.receive({ payload: { uuids: [T.waitsForUser] } });
    await placed.wait(1);
    const pollStatus = (): string[] => ((helper.getNode('poll')?.status.getCalls?.() ?? []) as Array<{ args: Array<{ text?: string }> }>).map((c) => c.args[0]?.text ?? '');
    await until(() => pollStatus().some((t) => t.startsWith('watching 1 · shared')), 10_000, 'the job watched in Redis');
    // What another instance does when the job is done there, or when its sidebar's "stop watching" is clicked.
    const removed = await redis.command(
      'EVAL',
      "redis.call('SELECT', 1) local m = redis.call('ZRANGE', KEYS[1], 0, -1) for _, x in ipairs(m) do redis.call('ZREM', KEYS[1], x) redis.call('HDEL', KEYS[2], x) redis.call('HDEL', KEYS[3], x) end return #m",
      '3', 'nr-test:watch:poll:due', 'nr-test:watch:poll:jobs', 'nr-test:watch:poll:meta',
    );
    assert.strictEqual(removed, 1);
    await until(() => pollStatus()[pollStatus().length - 1] === 'idle', 10_000, `the idle status (shown: ${pollStatus().join(' | ')})`);
  });

  it('takes the address from variables inside the field (a password in it too) and never shows the password', async () => {
    process.env.FULFILLMENT_TEST_REDIS_AUTH = `default:${REDIS_PASSWORD}`;
    process.env.FULFILLMENT_TEST_REDIS_PORT = String(redis.port);
    try {
      // No password credential: the one inside the address is used.
      await helper.load([...allNodes(), grab], flow('shared', 'redis://${FULFILLMENT_TEST_REDIS_AUTH}@127.0.0.1:${FULFILLMENT_TEST_REDIS_PORT}/1'), { ...CREDS, shared: {} });
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
      await placed.wait(1);
      assert.strictEqual(sandbox.count(ORDERS), 1);
      const keys = (await redis.command('EVAL', "redis.call('SELECT', 1) return redis.call('KEYS', 'nr-test:claim:order:*')", '0')) as string[];
      assert.strictEqual(keys.length, 1, 'claimed in database 1 of the Redis the variables name');
      const shown = everythingShown();
      assert.match(shown, new RegExp(`connected to redis://127\\.0\\.0\\.1:${redis.port}/1`), 'the log names Redis without user or password');
      assert.ok(!shown.includes(REDIS_PASSWORD) && !shown.includes('default:'), shown.slice(0, 500));
    } finally {
      delete process.env.FULFILLMENT_TEST_REDIS_AUTH;
      delete process.env.FULFILLMENT_TEST_REDIS_PORT;
    }
  });

  it('outputs a callback event once, and answers 503 while Redis is away so the provider sends it again', async () => {
    await load();
    const events = collect('events');
    const url = `${publicUrl}/fulfillment/callback/shared-test/${CALLBACK_SECRET}`;
    const body = (id: number): string => JSON.stringify(uploaderCallbackBody({ id, external_id: 1, calculation_id: 1, callback_url: '', status: 'confirmed' }, 'confirmed', []));
    assert.strictEqual((await post(url, body(1))).status, 200);
    assert.strictEqual((await post(url, body(1))).status, 200);
    await events.wait(1);
    await redis.stop(true);
    assert.strictEqual((await post(url, body(2))).status, 503);
    await redis.start();
    let status = 0;
    const end = Date.now() + 10_000;
    while (status !== 200 && Date.now() < end) {
      status = (await post(url, body(2))).status;
      if (status !== 200) await delay(200);
    }
    assert.strictEqual(status, 200);
    await events.wait(2);
    assert.strictEqual((await post(url, body(1))).status, 200);
    await delay(300);
    assert.deepStrictEqual(events.messages.map((m) => (m.uploader as { id: number }).id), [1, 2], 'each event once');
  });

  it('sends the same resale unit once with a shared state (the guard lives in Redis)', async () => {
    await load();
    const units = collect('units');
    const errors = collect('errors');
    const unit = { Active: true, CurrencyToken: 'EUR', ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Poster', Description: 'A2' }] };
    helper.getNode('ru')?.receive({ payload: unit });
    helper.getNode('ru')?.receive({ payload: unit });
    await units.wait(1);
    const [dup] = await errors.wait(1);
    assert.strictEqual((dup.error as { cause?: { kind: string } }).cause?.kind, 'duplicate');
    assert.strictEqual(sandbox.count(`/delivergo/portal/${D.portalNamespace}/api/Customer/${D.customerGuid}/ResaleUnits`, 'PUT'), 1);
  });

  it('loads the Redis client only once a shared state connects, not with the package', () => {
    // A process of its own: this one (a mocha worker) may have loaded the client for another suite.
    const root = path.resolve(__dirname, '..', '..', '..');
    const code = `
const path = require('path');
const pkg = require(path.join(${JSON.stringify(root)}, 'package.json'));
const files = [...Object.values(pkg['node-red'].nodes), ...Object.values(pkg['node-red'].plugins), pkg.main];
for (const f of files) require(path.join(${JSON.stringify(root)}, f));
const loaded = () => Object.keys(require.cache).some((k) => k.includes(path.join('node_modules', '@redis')));
const withPackage = loaded();
const { RedisConnection } = require(path.join(${JSON.stringify(root)}, 'dist/nodes/core/redis/connection.js'));
const c = new RedisConnection({ target: { host: '127.0.0.1', port: 1, tls: false, database: 0, label: 'redis://127.0.0.1:1/0' } });
c.open();
process.stdout.write(JSON.stringify({ withPackage, connecting: loaded() }));
c.close().then(() => process.exit(0));`;
    const run = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 20_000 });
    assert.deepStrictEqual(JSON.parse(run.stdout), { withPackage: false, connecting: true }, run.stderr);
  });

  it('refuses to send when the account names a shared state that is missing, or whose address is an unset variable', async () => {
    await load('missing-node');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
    const [err] = await errors.wait(1);
    assert.strictEqual((err.error as { cause?: { field: string } }).cause?.field, 'sharedState');
    await helper.unload();
    await load('shared', '${FULFILLMENT_NOT_SET_ANYWHERE}');
    const errors2 = collect('errors');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] } });
    const [err2] = await errors2.wait(1);
    const e2 = err2.error as { message: string; cause?: { field: string } };
    assert.strictEqual(e2.cause?.field, 'url');
    assert.match(e2.message, /FULFILLMENT_NOT_SET_ANYWHERE is not set/);
    assert.strictEqual(sandbox.count(ORDERS), 0);
  });
});
