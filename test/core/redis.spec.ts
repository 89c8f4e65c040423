/**
 * The Redis coordination against a real redis-server: two connections with
 * their own instance ids stand for two Node-RED instances.
 */
import assert from 'assert';
import { RedisConnection } from '../../nodes/core/redis/connection';
import { RedisCoordination, RedisWatchStore } from '../../nodes/core/redis/coordination';
import { parseRedisUrl, redactRedisUrl } from '../../nodes/core/redis/url';
import { IdempotencyGuard, LedgerEntry } from '../../nodes/core/idempotency';
import { FulfillmentError } from '../../nodes/core/errors';
import { Poller, PollReport, WatchEntry } from '../../nodes/core/poller';
import { freePort, redisInstalled, REDIS_SERVER, RedisServer, startRedis } from '../support/redis';

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

    it('takes over the jobs of an instance that stopped, and gives a joining instance its share', async () => {
      const interval = 300;
      const a = instance('a').watchList<Meta>('poll1');
      const b = instance('b').watchList<Meta>('poll1');
      await b.claim(interval);
      await add(a, 100);
      const ofA = new Set((await a.claim(interval)).entries.map((e) => e.id));
      const ofB = new Set((await b.claim(interval)).entries.map((e) => e.id));
      assert.strictEqual(ofA.size + ofB.size, 100);
      // b stops (no more ticks, heartbeat left to expire): a must end up asking about b's jobs too.
      const takenOver = new Set<string>();
      await waitFor(async () => {
        for (const e of (await a.claim(interval)).entries) if (ofB.has(e.id)) takenOver.add(e.id);
        return takenOver.size === ofB.size;
      }, 10_000, "a to take over all of b's jobs");
      // c joins: within a few ticks it is handed jobs, and never more than its share.
      const c = instance('c').watchList<Meta>('poll1');
      let cGot = 0;
      await waitFor(async () => {
        await a.claim(interval);
        const got = (await c.claim(interval)).entries.length;
        assert.ok(got <= 50 + 1, `c claimed ${got}, more than a fair share`);
        cGot += got;
        return cGot > 0;
      }, 10_000, 'a joining instance to get a share');
    });

    it('two pollers on one shared list (two instances): each step and the end reported once; check now asks at once', async () => {
      const steps = new Map<string, number>();
      const events: string[] = [];
      const fetched: string[][] = [];
      const make = (name: string): Poller<Meta> =>
        new Poller<Meta>({
          store: instance(name).watchList<Meta>('poll2'),
          intervalMs: 400,
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
      a.start();
      b.start();
      await a.watch({ id: 'j', kind: 'job', meta: { topic: 't' } });
      await b.watch({ id: 'j', kind: 'job', meta: { topic: 't' } });
      assert.strictEqual(await b.checkNow('job', 'j'), true);
      await waitFor(() => events.some((e) => / done /.test(e)), 10_000, 'the end');
      await delay(900);
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

  it('parses redis:// and rediss:// addresses and names the field of a bad one', () => {
    assert.deepStrictEqual(parseRedisUrl('redis://cache.local'), { host: 'cache.local', port: 6379, tls: false, username: undefined, password: undefined, database: 0, label: 'redis://cache.local:6379/0' });
    const t = parseRedisUrl('rediss://app:p%40ss@[::1]:6380/3');
    assert.deepStrictEqual([t.tls, t.host, t.port, t.database, t.username, t.password, t.label], [true, '::1', 6380, 3, 'app', 'p@ss', 'rediss://[::1]:6380/3']);
    for (const bad of ['', 'http://x', 'redis://x/abc', 'not a url :secret@']) {
      assert.throws(() => parseRedisUrl(bad), (e: FulfillmentError) => e.kind === 'config' && e.field === 'url' && !e.message.includes('secret'));
    }
  });
});
