/**
 * The Redis coordination against a real redis-server: two connections with
 * their own instance ids stand for two Node-RED instances.
 */
import assert from 'assert';
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { RedisConnection } from '../../nodes/core/redis/connection';
import { RedisCoordination, RedisWatchStore } from '../../nodes/core/redis/coordination';
import { parseRedisUrl, redactRedisUrl } from '../../nodes/core/redis/url';
import { IdempotencyGuard, LedgerEntry } from '../../nodes/core/idempotency';
import { FulfillmentError } from '../../nodes/core/errors';
import { Poller, PollReport, WatchEntry } from '../../nodes/core/poller';
import { SCRIPTS } from '../../nodes/core/redis/scripts';
import { freePort, makeTestCertificate, redisInstalled, REDIS_SERVER, RedisServer, startRedis } from '../support/redis';

type Meta = { topic: string };

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

describe('shared state in Redis (a real redis-server)', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  const open: RedisCoordination[] = [];

  function instance(name: string, url = redis.url, password?: string): RedisCoordination {
    const connection = new RedisConnection({ target: parseRedisUrl(url), password, commandTimeoutMs: 2000, connectTimeoutMs: 2000 });
    const c = new RedisCoordination({ connection, prefix: 'test:', instance: name });
    open.push(c);
    return c;
  }

  before(async function () {
    if (!redisInstalled()) {
      console.log(`    (skipped: ${REDIS_SERVER} is not installed; .ci/run installs Debian's redis-server)`);
      this.skip();
    }
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    if (redis && !redis.running()) await redis.start();
    if (redis) await redis.command('FLUSHALL');
  });
  after(async () => {
    await redis?.stop();
  });

  describe('repeat guard', () => {
    it('lets exactly one of 100 simultaneous claims of the same order through, across two instances', async () => {
      const a = new IdempotencyGuard(instance('a').claims('node1'), 60_000);
      const b = new IdempotencyGuard(instance('b').claims('node1'), 60_000);
      const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).claim('order-1', 'p')));
      assert.strictEqual(results.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as FulfillmentError);
      assert.ok(refused.every((e) => e.kind === 'duplicate' && e.providerCode === 'sending'));
    });

    it('gives a later duplicate the first one\'s answer, frees the key after a definite failure, and lists what was placed', async () => {
      const a = new IdempotencyGuard(instance('a').claims('node1'), 60_000);
      const b = new IdempotencyGuard(instance('b').claims('node1'), 60_000);
      await a.claim('k', 'p');
      await a.settle('k', { state: 'placed', answer: { id: 7 } });
      await assert.rejects(b.claim('k', 'p'), (e: FulfillmentError) => e.kind === 'duplicate' && e.providerCode === 'placed' && (e.response as { id: number }).id === 7);
      await b.claim('other', 'p');
      await b.settle('other', { state: 'failed' });
      await a.claim('other', 'p');
      await a.settle('other', { state: 'unknown' });
      await assert.rejects(b.claim('other', 'p'), (e: FulfillmentError) => e.providerCode === 'unknown');
      const listed = await a.list();
      assert.deepStrictEqual(listed.map((l) => [l.key, l.entry.state]).sort(), [['k', 'placed'], ['other', 'unknown']]);
    });

    it('never lets one instance settle a claim another one holds', async () => {
      const store = instance('a').claims('node1');
      const mine: LedgerEntry = { at: Date.now(), state: 'sending', token: 'mine' };
      assert.strictEqual(await store.claim('k', mine, 60_000), undefined);
      await store.settle('k', { at: 0, state: 'sending', token: 'someone else' }, undefined, 60_000);
      const earlier = await store.claim('k', { at: Date.now(), state: 'sending', token: 'x' }, 60_000);
      assert.strictEqual(earlier?.token, 'mine', 'still claimed');
    });

    it('forgets an order after the window (Redis expires the key)', async () => {
      const store = instance('a').claims('node1');
      assert.strictEqual(await store.claim('k', { at: Date.now(), state: 'sending', token: 't' }, 50), undefined);
      await waitFor(async () => (await store.claim('k', { at: Date.now(), state: 'sending', token: 'u' }, 60_000)) === undefined, 5000, 'the key to expire');
    });
  });

  it('marks a callback event first-seen once, across two instances', async () => {
    const a = instance('a').seen('cb');
    const b = instance('b').seen('cb');
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).first('event-1', 60_000)));
    assert.strictEqual(results.filter(Boolean).length, 1);
    assert.strictEqual(await a.first('event-2', 60_000), true);
  });

  it('never lets a late callback move a subject backwards, across two instances', async () => {
    const a = instance('a').ranks('cb');
    const b = instance('b').ranks('cb');
    assert.strictEqual(await a.admit('order-1', 5, 60_000), true);
    assert.strictEqual(await b.admit('order-1', 3, 60_000), false, 'a lower rank seen by the other instance is late');
    assert.strictEqual(await b.admit('order-1', 5, 60_000), true, 'the same rank again is left to the repeat check');
    const racing = await Promise.all([a.admit('order-2', 2, 60_000), b.admit('order-2', 7, 60_000)]);
    assert.ok(racing[1], 'the higher of two racing ranks is always admitted');
    assert.strictEqual(await a.admit('order-2', 2, 60_000), false);
  });

  describe('watch list', () => {
    const report = (id: string, verdict: PollReport['verdict'], status: string): PollReport => ({ id, verdict, status, raw: { id } });

    async function add(store: RedisWatchStore<Meta>, n: number): Promise<void> {
      await store.add(Array.from({ length: n }, (_, i) => ({ id: `job-${i}`, kind: 'job', meta: { topic: `t${i}` } })), Date.now());
    }

    it('hands each due job to one instance, each a fair share, in one round trip per claim', async () => {
      const ca = instance('a');
      const a = ca.watchList<Meta>('poll1') as RedisWatchStore<Meta>;
      const b = instance('b').watchList<Meta>('poll1') as RedisWatchStore<Meta>;
      await b.claim(60_000); // b's heartbeat: two live instances
      await add(a, 1000);
      const before = ca.connection.roundTrips;
      const first = await a.claim(60_000);
      assert.strictEqual(ca.connection.roundTrips - before, 1, 'one round trip for a claim of 500 jobs');
      const second = await b.claim(60_000);
      assert.strictEqual(first.entries.length, 500);
      assert.strictEqual(second.entries.length, 500);
      const ids = new Set([...first.entries, ...second.entries].map((e) => e.id));
      assert.strictEqual(ids.size, 1000, 'no job handed out twice');
      assert.strictEqual((await a.claim(60_000)).entries.length, 0, 'not due again within the interval');
      assert.strictEqual((await b.claim(60_000)).entries.length, 0);
      assert.strictEqual(first.total, 1000);
    });

    it('reports a finished job and each progress step once, with its meta, whoever asked', async () => {
      const a = instance('a').watchList<Meta>('poll1');
      const b = instance('b').watchList<Meta>('poll1');
      await a.add([{ id: 'x', kind: 'job', meta: { topic: 'mine' } }], Date.now());
      const [entry] = (await a.claim(1)).entries;
      // The same claimed state reported by both instances (a slow one and the one that took over).
      const progressed = { entry, next: { ...entry, lastStatus: 'printing' }, report: report('x', 'pending', 'printing') };
      const [pa, pb] = await Promise.all([
        a.settle({ finished: [], expired: [], progressed: [progressed] }),
        b.settle({ finished: [], expired: [], progressed: [progressed] }),
      ]);
      assert.strictEqual(pa.progressed.length + pb.progressed.length, 1, 'progress reported once');
      assert.deepStrictEqual([...pa.progressed, ...pb.progressed][0].entry.meta, { topic: 'mine' });
      const finished = { entry, report: report('x', 'done', 'finished') };
      const [fa, fb] = await Promise.all([
        a.settle({ finished: [finished], expired: [], progressed: [] }),
        b.settle({ finished: [finished], expired: [], progressed: [] }),
      ]);
      assert.strictEqual(fa.finished.length + fb.finished.length, 1, 'done reported once');
      assert.deepStrictEqual([...fa.finished, ...fb.finished][0].entry.meta, { topic: 'mine' });
      assert.deepStrictEqual(await a.list(), []);
    });

    it('keeps a job watched twice once, with its first start time', async () => {
      const a = instance('a').watchList<Meta>('poll1');
      await a.add([{ id: 'x', kind: 'job', meta: { topic: '1' } }], 1000);
      await a.add([{ id: 'x', kind: 'job', meta: { topic: '2' } }], 2000);
      const listed = await a.list();
      assert.strictEqual(listed.length, 1);
      assert.strictEqual(listed[0].since, 1000);
      const removed = await a.remove('job', ['x']);
      assert.deepStrictEqual(removed.map((e) => e.meta), [{ topic: '2' }]);
      assert.deepStrictEqual(await a.remove('job', ['x']), [], 'removed once only');
    });

    /** An interval passing, without waiting for it: every job of the list comes due that much earlier. */
    async function passes(scope: string, ms: number): Promise<void> {
      await redis.command('EVAL', `local d = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #d, 2 do redis.call('ZADD', KEYS[1], tonumber(d[i + 1]) - tonumber(ARGV[1]), d[i]) end`, '1', `test:watch:${scope}:due`, String(ms));
    }
    const idsOf = (entries: WatchEntry[]): Set<string> => new Set(entries.map((e) => e.id));

    it("takes over a stopped instance's jobs by its own second round, before the stopped one's heartbeat expires", async () => {
      // Long enough that no job comes due by itself during the test: rounds are one interval apart because `passes` says so.
      const interval = 60_000;
      const a = instance('a').watchList<Meta>('poll1');
      const b = instance('b').watchList<Meta>('poll1');
      await b.claim(interval);
      await add(a, 100);
      const ofA = idsOf((await a.claim(interval)).entries);
      const ofB = idsOf((await b.claim(interval)).entries);
      assert.deepStrictEqual([ofA.size, ofB.size], [50, 50]);
      assert.ok([...ofB].every((id) => !ofA.has(id)));
      // b is killed right after its round: no more rounds, and its heartbeat still counts it for two intervals.
      await passes('poll1', interval);
      const first = idsOf((await a.claim(interval)).entries);
      await passes('poll1', interval);
      const second = idsOf((await a.claim(interval)).entries);
      const left = [...ofB].filter((id) => !first.has(id) && !second.has(id));
      assert.deepStrictEqual(left, [], "every one of b's jobs asked about again by a within two of its intervals");
      assert.ok([...ofA].every((id) => first.has(id) || second.has(id)), 'and its own as well');
    });

    it('gives an instance that joins its share from its first round on', async () => {
      const interval = 60_000;
      const a = instance('a').watchList<Meta>('poll3');
      await add(a, 100);
      assert.strictEqual((await a.claim(interval)).entries.length, 100, 'alone, a asks about every job');
      const c = instance('c').watchList<Meta>('poll3');
      assert.strictEqual((await c.claim(interval)).entries.length, 0, 'nothing due yet when c starts');
      await passes('poll3', interval);
      const ofC = idsOf((await c.claim(interval)).entries);
      const ofA = idsOf((await a.claim(interval)).entries);
      assert.deepStrictEqual([ofC.size, ofA.size], [50, 50], 'c takes half, a the other half');
      assert.ok([...ofC].every((id) => !ofA.has(id)));
    });

    it('costs two round trips per poll tick (claim, record), whether the list holds 10 jobs or 2,000', async () => {
      for (const s of SCRIPTS) await redis.command('SCRIPT', 'LOAD', s.source);
      const trips: Record<number, number> = {};
      for (const n of [10, 2000]) {
        const c = instance(`rt${n}`);
        const store = c.watchList<Meta>(`rt${n}`);
        const poller = new Poller<Meta>({ store, intervalMs: 60_000, maxWaitMs: 0, fetch: async (_kind, ids) => ids.map((id) => ({ ...report(id, 'pending', 'printing'), progress: { current: 1, total: 4 } })) });
        await add(store as RedisWatchStore<Meta>, n);
        const before = c.connection.roundTrips;
        await poller.tick();
        trips[n] = c.connection.roundTrips - before;
        assert.strictEqual((await store.list()).filter((e) => e.lastStatus === 'printing').length, n, 'every job asked about and recorded');
        poller.close();
      }
      assert.deepStrictEqual(trips, { 10: 2, 2000: 2 });
    });

    it('keeps rows needing attention where every instance reads them; any instance removes them', async () => {
      const valid = (x: unknown): x is { id: string } => typeof (x as { id?: unknown } | null)?.id === 'string';
      const a = instance('a').records('poll1', 'attention', valid);
      const b = instance('b').records('poll1', 'attention', valid);
      await a.put('k1', { id: '1' }, 3);
      await a.put('k2', { id: '2' }, 3);
      assert.deepStrictEqual(await b.all(), [{ id: '1' }, { id: '2' }]);
      assert.strictEqual(await b.remove('k1'), true);
      assert.strictEqual(await a.remove('k1'), false, 'removed once');
      for (const k of ['k3', 'k4', 'k5']) {
        await a.put(k, { id: k }, 3);
        await delay(2);
      }
      assert.strictEqual(await b.count(), 3, 'the oldest beyond the cap are dropped');
      assert.deepStrictEqual((await b.all()).map((r) => r.id), ['k3', 'k4', 'k5']);
      assert.strictEqual(await b.clear(), 3);
      assert.deepStrictEqual(await a.all(), []);
    });

    it('two pollers on one shared list (two instances): each step and the end reported once; check now asks at once', async () => {
      const steps = new Map<string, number>();
      const events: string[] = [];
      const fetched: string[][] = [];
      const make = (name: string): Poller<Meta> =>
        new Poller<Meta>({
          store: instance(name).watchList<Meta>('poll2'),
          // Long enough that a round's read and record finish before the job is due again, even on a busy machine.
          intervalMs: 1000,
          maxWaitMs: 0,
          fetch: async (_kind, ids) => {
            fetched.push(ids);
            return ids.map((id): PollReport => {
              const n = (steps.get(id) ?? 0) + 1;
              steps.set(id, n);
              return n >= 4 ? report(id, 'done', 'finished') : { ...report(id, 'pending', `step ${n}`), progress: { current: n, total: 4 } };
            });
          },
          onProgress: (e, r) => events.push(`${name} ${e.id} ${r.status} ${e.meta?.topic}`),
          onTerminal: (e, r) => events.push(`${name} ${e.id} ${r.verdict} ${e.meta?.topic}`),
        });
      const a = make('a');
      const b = make('b');
      // Given to both (as in high availability) before either polls: one job all the same.
      await a.store.add([{ id: 'j', kind: 'job', meta: { topic: 't' } }], Date.now());
      await b.store.add([{ id: 'j', kind: 'job', meta: { topic: 't' } }], Date.now());
      // Check now on b asks at once and claims the job like a round: the rounds then ask about it one interval later.
      // (Before the rounds start: a check now that crosses a round's read of the same job may skip one progress step.)
      assert.strictEqual(await b.checkNow('job', 'j'), true);
      assert.deepStrictEqual(events, ['b j step 1 t']);
      a.start();
      b.start();
      await waitFor(() => events.some((e) => / done /.test(e)), 10_000, 'the end');
      await delay(1200);
      assert.strictEqual(await a.checkNow('job', 'j'), false, 'not watched any more');
      a.close();
      b.close();
      const what = events.map((e) => e.slice(2));
      assert.deepStrictEqual(what, ['j step 1 t', 'j step 2 t', 'j step 3 t', 'j done t'], events.join(' | '));
      assert.strictEqual(fetched.length, 4, 'asked four times in all, each step by one instance');
    });

    it('defers jobs the provider could not answer for, without losing them', async () => {
      const a = instance('a').watchList<Meta>('poll1');
      await a.add([{ id: 'x', kind: 'job' }], Date.now());
      const [entry] = (await a.claim(1)).entries;
      await a.settle({ finished: [], expired: [], progressed: [], deferred: { entries: [entry], delayMs: 60_000 } });
      await delay(20);
      assert.strictEqual((await a.claim(1)).entries.length, 0, 'not asked about before the delay');
      const [listed] = await a.list();
      assert.ok((listed.nextCheck ?? 0) > Date.now() + 30_000);
    });
  });

  describe('when Redis is unreachable', () => {
    it('refuses a claim at once with a shared_state error that shows no credentials, and connects when Redis appears', async () => {
      const port = await freePort();
      const url = `redis://operator:s3cret-in-url@127.0.0.1:${port}/0`;
      const guard = new IdempotencyGuard(instance('a', url, 'pw-credential').claims('n'), 60_000);
      const err = await guard.claim('k', 'p').then(() => undefined, (e: FulfillmentError) => e);
      assert.ok(err instanceof FulfillmentError);
      assert.strictEqual(err.kind, 'shared_state');
      assert.match(err.message, /unreachable.*nothing was sent/);
      const shown = JSON.stringify({ message: err.message, json: err.toJSON() });
      assert.ok(!shown.includes('s3cret-in-url') && !shown.includes('pw-credential') && !shown.includes('operator'), shown);
      assert.strictEqual(redactRedisUrl(url), `redis://127.0.0.1:${port}/0`);
    });

    it('refuses while Redis is down, records an answer that could not be written once it is back, and reloads its scripts', async () => {
      const c = instance('a');
      const guard = new IdempotencyGuard(c.claims('n'), 60_000);
      const watch = c.watchList<Meta>('poll1') as RedisWatchStore<Meta>;
      await watch.add([{ id: 'kept', kind: 'job' }], Date.now());
      await guard.claim('k', 'p');
      await redis.stop(true);
      await waitFor(() => !c.connection.ready, 5000, 'the client to notice');
      // The order was sent before Redis went away: its answer waits, the claim keeps refusing repeats.
      await guard.settle('k', { state: 'placed', answer: { id: 1 } });
      await assert.rejects(guard.claim('k2', 'p'), (e: FulfillmentError) => e.kind === 'shared_state');
      await assert.rejects(watch.claim(1000), (e: FulfillmentError) => e.kind === 'shared_state');
      await watch.add([{ id: 'while-down', kind: 'job' }], Date.now());
      assert.strictEqual(watch.waiting, 1, 'a job watched while Redis is down waits in memory');
      await redis.start();
      await waitFor(() => c.connection.ready, 10_000, 'the reconnect');
      await waitFor(() => c.connection.waiting === 0, 10_000, 'the answer to be written');
      await assert.rejects(guard.claim('k', 'p'), (e: FulfillmentError) => e.providerCode === 'placed' && (e.response as { id: number }).id === 1);
      const claimed = await watch.claim(1000);
      assert.deepStrictEqual(claimed.entries.map((e: WatchEntry) => e.id).sort(), ['kept', 'while-down']);
    });
  });

  describe('rediss:// (TLS, a real redis-server with a certificate of its own)', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-tls-'));
    const password = 'tls-redis-pw-3391';
    let tlsRedis: RedisServer | undefined;
    let ca: string;

    before(async function () {
      const cert = makeTestCertificate(dir);
      if (!cert) {
        console.log('      (skipped: the openssl command is not installed; .ci/run installs it)');
        this.skip();
      }
      ca = cert.cert;
      try {
        tlsRedis = await startRedis({ password, tls: cert });
      } catch (e) {
        console.log(`      (skipped: this redis-server cannot serve TLS: ${(e as Error).message.split('\n')[0]})`);
        this.skip();
      }
    });
    after(async () => {
      await tlsRedis?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /**
     * One command through the package's connection in a process of its own, which trusts the test
     * certificate only when told to (NODE_EXTRA_CA_CERTS is read once, at start): as a user whose
     * Redis has a private CA runs Node-RED.
     */
    function ping(url: string, trust: boolean): Promise<{ out: { ok?: string; error?: string; kind?: string }; stderr: string }> {
      const dist = path.resolve(__dirname, '..', '..', 'nodes', 'core', 'redis');
      const code = `
const { RedisConnection } = require(${JSON.stringify(path.join(dist, 'connection.js'))});
const { parseRedisUrl } = require(${JSON.stringify(path.join(dist, 'url.js'))});
const c = new RedisConnection({ target: parseRedisUrl(process.argv[1]), password: process.argv[2], connectTimeoutMs: 3000, commandTimeoutMs: 3000 });
c.command(['PING'], 'nothing was sent')
  .then((ok) => ({ ok }), (e) => ({ error: e.message, kind: e.kind }))
  .then((out) => { process.stdout.write(JSON.stringify(out)); return c.close(); })
  .then(() => process.exit(0));`;
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (trust) env.NODE_EXTRA_CA_CERTS = ca;
      else delete env.NODE_EXTRA_CA_CERTS;
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', code, url, password], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', () => {
          try {
            resolve({ out: JSON.parse(stdout) as { ok?: string; error?: string; kind?: string }, stderr });
          } catch {
            reject(new Error(`no answer from the child: ${stdout} ${stderr}`));
          }
        });
      });
    }

    it('connects over TLS, checks the certificate against the host name or address, and sends the password', async () => {
      const port = tlsRedis?.port as number;
      for (const host of ['127.0.0.1', 'localhost']) {
        const { out, stderr } = await ping(`rediss://${host}:${port}`, true);
        assert.deepStrictEqual(out, { ok: 'PONG' }, host);
        assert.strictEqual(stderr, '', `nothing on stderr (no warning about the server name) for ${host}`);
      }
    });

    it('refuses a certificate it does not trust, and a plain redis:// address on a TLS port, with a shared_state error', async () => {
      const port = tlsRedis?.port as number;
      const untrusted = await ping(`rediss://127.0.0.1:${port}`, false);
      assert.strictEqual(untrusted.out.kind, 'shared_state');
      assert.match(untrusted.out.error ?? '', /unreachable.*(certificate|self.signed)/i);
      const plain = await ping(`redis://127.0.0.1:${port}`, true);
      assert.strictEqual(plain.out.kind, 'shared_state');
      for (const r of [untrusted, plain]) assert.ok(!JSON.stringify(r).includes(password), 'no password in the error');
    });
  });

  it('parses redis:// and rediss:// addresses and names the field of a bad one', () => {
    assert.deepStrictEqual(parseRedisUrl('redis://cache.local'), { host: 'cache.local', port: 6379, tls: false, username: undefined, password: undefined, database: 0, label: 'redis://cache.local:6379/0' });
    const t = parseRedisUrl('rediss://app:p%40ss@[::1]:6380/3');
    assert.deepStrictEqual([t.tls, t.host, t.port, t.database, t.username, t.password, t.label], [true, '::1', 6380, 3, 'app', 'p@ss', 'rediss://[::1]:6380/3']);
    for (const bad of ['', 'http://x', 'redis://x/abc', 'not a url :secret@']) {
      assert.throws(() => parseRedisUrl(bad), (e: FulfillmentError) => e.kind === 'config' && e.field === 'url' && !e.message.includes('secret'));
    }
  });
});
