/**
 * The sidebar's runtime parts that need no provider: the admin routes and
 * their permissions, the batching of live updates, the CSV and the reading
 * of provider ids.
 */
import assert from 'assert';
import sinon from 'sinon';
import { ActivityRegistry, providerIdOf, referenceOf } from '../../nodes/runtime/activity';
import { registerActivityAdmin, COMMS_TOPIC, READ, WRITE } from '../../nodes/runtime/activity/admin';
import { csvCell, placedCsv } from '../../nodes/runtime/activity/csv';
import { parseProgress, PollTrack, WatchedJob } from '../../nodes/runtime/activity/poll-track';
import { Handler, Node, NodeAPI } from '../../nodes/runtime/red';
import type { RecordStore } from '../../nodes/core/coordination';

interface Route {
  method: string;
  path: string;
  permission: string | undefined;
}

function fakeRed(): { RED: NodeAPI; routes: Route[]; published: Array<{ topic: string; data: unknown }> } {
  const routes: Route[] = [];
  const published: Array<{ topic: string; data: unknown }> = [];
  const permissionOf = new Map<Handler, string>();
  const add = (method: string) => (path: string, ...handlers: Handler[]) => {
    routes.push({ method, path, permission: handlers.map((h) => permissionOf.get(h)).find((p) => p !== undefined) });
  };
  const RED = {
    httpAdmin: { get: add('GET'), post: add('POST') },
    auth: {
      needsPermission: (p: string): Handler => {
        const h: Handler = (_req, _res, next) => next?.();
        permissionOf.set(h, p);
        return h;
      },
    },
    comms: { publish: (topic: string, data: unknown) => published.push({ topic, data }) },
  } as unknown as NodeAPI;
  return { RED, routes, published };
}

describe('operations sidebar: admin routes, live updates, CSV', () => {
  it('puts a permission check on every route: reading needs read, the buttons need write', () => {
    const { RED, routes } = fakeRed();
    registerActivityAdmin(RED, new ActivityRegistry());
    assert.ok(routes.length >= 8, routes.map((r) => r.path).join(', '));
    for (const r of routes) {
      assert.ok(r.path.startsWith('/fulfillment/activity/'), r.path);
      assert.strictEqual(r.permission, r.method === 'GET' ? READ : WRITE, `${r.method} ${r.path}`);
    }
    assert.deepStrictEqual(routes.filter((r) => r.method === 'POST').map((r) => r.path).sort(), ['/fulfillment/activity/check', '/fulfillment/activity/dismiss', '/fulfillment/activity/unwatch']);
    assert.strictEqual(READ, 'fulfillment-sidebar.read');
    assert.strictEqual(WRITE, 'fulfillment-sidebar.write');
  });

  describe('live updates', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => clock.restore());

    it('batches a burst of changes into at most two comms messages a second, the last one up to date', async () => {
      const { RED, published } = fakeRed();
      const registry = new ActivityRegistry();
      registerActivityAdmin(RED, registry);
      for (let i = 0; i < 300; i++) {
        registry.bump(i % 2 ? 'inflight' : 'placed');
        await clock.tickAsync(10);
      }
      await clock.tickAsync(1000);
      // 3 s of changes: one message at the start, then one per half second at most.
      assert.ok(published.length >= 3 && published.length <= 8, `${published.length} messages`);
      assert.ok(published.every((p) => p.topic === COMMS_TOPIC));
      const last = published[published.length - 1].data as { version: number; inflight: number };
      assert.strictEqual(last.version, registry.version, 'the last message tells the latest version');
      assert.strictEqual(last.inflight, 0);
      const before = published.length;
      await clock.tickAsync(5000);
      assert.strictEqual(published.length, before, 'nothing is sent while nothing changes');
    });
  });

  it('writes the CSV oldest first, with what to do for an unknown outcome, and defuses spreadsheet formulas', () => {
    const csv = placedCsv([
      { key: 'b', at: Date.UTC(2025, 0, 2), provider: 'probo', node: 'n1', nodeName: 'order, "rush"', operation: 'place order', state: 'unknown', idempotencyKey: 'k1', message: 'outcome unknown' },
      { key: 'a', at: Date.UTC(2025, 0, 1), provider: 'planviewer', node: 'n2', operation: 'place order', state: 'placed', providerId: '=HYPERLINK("x")' },
    ]);
    const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.strictEqual(lines.length, 3);
    assert.match(lines[1], /^2025-01-01T00:00:00\.000Z,planviewer,place order,placed,"'=HYPERLINK\(""x""\)"/);
    assert.match(lines[2], /^2025-01-02T00:00:00\.000Z,probo,place order,outcome unknown,,,k1,n1,"order, ""rush""",outcome unknown,"outcome unknown: look it up with the provider \(their portal or API\)/);
    assert.strictEqual(csvCell('-1'), "'-1");
    assert.strictEqual(csvCell('plain'), 'plain');
    assert.strictEqual(csvCell(undefined), '');
  });

  describe('rows needing attention with a shared state', () => {
    function fakeNode(): Node {
      const context = new Map<string, unknown>();
      return {
        id: 'poll1',
        context: () => ({
          get: (key: string, _store: string | undefined, cb: (err: unknown, v: unknown) => void) => cb(null, context.get(key)),
          set: (key: string, value: unknown, _store: string | undefined, cb: (err: unknown) => void) => {
            context.set(key, value);
            cb(null);
          },
        }),
        warn: () => undefined,
        on: () => undefined,
      } as unknown as Node;
    }
    /** A shared store in memory, or one whose Redis is away. */
    function records(reachable: () => boolean): RecordStore<unknown> & { rows: Map<string, unknown> } {
      const rows = new Map<string, unknown>();
      const check = async (): Promise<void> => {
        if (!reachable()) throw new Error('shared state (redis://127.0.0.1:6379/0) is unreachable');
      };
      return {
        rows,
        put: async (k, r) => { await check(); rows.set(k, r); },
        remove: async (k) => { await check(); return rows.delete(k); },
        clear: async () => { await check(); const n = rows.size; rows.clear(); return n; },
        all: async () => { await check(); return [...rows.values()]; },
        count: async () => { await check(); return rows.size; },
      };
    }
    const job: WatchedJob = { id: 'j1', kind: 'job', since: 1000, lastStatus: 'printing', lastProgress: '1/4' };
    const source = { list: () => [], nextCheckAt: () => undefined, checkNow: async () => false, unwatch: () => false };

    it('keeps them in the shared store, where another instance reads and dismisses them', async () => {
      const shared = records(() => true);
      const make = (): PollTrack => new PollTrack(fakeNode(), source, () => 'planviewer', undefined, () => undefined, Date.now, <T>() => shared as unknown as RecordStore<T>);
      const a = make();
      const b = make();
      await a.needsAttention(job, { verdict: 'failed', status: 'error', reason: 'the job ended in error' });
      assert.strictEqual(shared.rows.size, 1);
      assert.deepStrictEqual((await b.rows()).map((r) => [r.id, r.attention?.reason]), [['j1', 'the job ended in error']]);
      assert.deepStrictEqual(await b.counts(), { watched: 0, attention: 1 });
      assert.strictEqual(await b.dismiss('job', 'j1'), true);
      assert.deepStrictEqual(await a.rows(), [], 'gone for every instance');
      assert.strictEqual(await a.dismiss('job', 'j1'), false);
    });

    it('counts a shared list as changed every 2 s (other instances change it without telling), a list of its own not', () => {
      const clock = sinon.useFakeTimers();
      try {
        const registry = new ActivityRegistry();
        let shared = false;
        registry.pollNode(fakeNode(), { source: { ...source, shared: () => shared }, provider: () => 'planviewer' });
        const before = registry.version;
        clock.tick(4100);
        assert.strictEqual(registry.version, before, 'a list of its own changes only with an event');
        shared = true;
        clock.tick(4100);
        assert.strictEqual(registry.version, before + 2, 'a shared one is read again every 2 s');
      } finally {
        clock.restore();
      }
    });

    it('keeps a row in the node\'s context while Redis is away, and lists it from there', async () => {
      let up = false;
      const shared = records(() => up);
      const track = new PollTrack(fakeNode(), source, () => 'planviewer', undefined, () => undefined, Date.now, <T>() => shared as unknown as RecordStore<T>);
      await track.needsAttention(job, { verdict: 'attention', status: 'waiting for user', reason: 'waits for a choice' });
      assert.strictEqual(shared.rows.size, 0);
      assert.deepStrictEqual((await track.rows()).map((r) => r.id), ['j1'], 'not lost');
      up = true;
      assert.strictEqual(await track.dismiss('job', 'j1'), true);
      assert.deepStrictEqual(await track.rows(), []);
    });
  });

  it('reads the provider\'s id from the named fields of any provider\'s answer', () => {
    assert.strictEqual(providerIdOf({ jobs: ['u1', 'u2'] }), 'u1 u2');
    assert.strictEqual(providerIdOf({ order_hash: 'abc123' }), 'abc123');
    assert.strictEqual(providerIdOf({ order: { id: 'web-1', reference: 'r' }, eventType: 'order', status: 'x' }), 'web-1');
    assert.strictEqual(providerIdOf({ eventType: 'SHIPMENT_STATUS', shipmentId: 'S-9', name: 'DELIVERED' }), 'S-9');
    assert.strictEqual(providerIdOf({ jobId: 42 }), '42');
    assert.strictEqual(providerIdOf({ status: 'ok' }), undefined);
    assert.strictEqual(referenceOf({ order: { id: 'web-1', reference: 'shop 1' } }), 'shop 1');
    assert.deepStrictEqual(parseProgress('3/4'), { current: 3, total: 4 });
    assert.strictEqual(parseProgress('3/0'), undefined);
    assert.strictEqual(parseProgress(undefined), undefined);
  });
});
