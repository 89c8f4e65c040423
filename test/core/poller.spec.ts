import assert from 'assert';
import sinon from 'sinon';
import { Poller, PollReport } from '../../nodes/core/poller';

describe('core/poller with fake timers', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  it('asks about every watched id in one fetch per tick and reports each change once', async () => {
    const calls: string[][] = [];
    let step = 0;
    const events: string[] = [];
    const poller = new Poller({
      intervalMs: 1000,
      maxWaitMs: 0,
      fetch: async (_kind, ids) => {
        calls.push(ids);
        step++;
        return ids.map((id): PollReport => ({ id, status: step >= 3 ? 'finished' : 'running', verdict: step >= 3 ? 'done' : 'pending', progress: { current: step, total: 3 }, raw: {} }));
      },
      onProgress: (e, r) => events.push(`${e.id}:${r.status}:${r.progress?.current}`),
      onTerminal: (e, r) => events.push(`${e.id}:${r.verdict}`),
    });
    poller.watch({ id: 'a', kind: 'job' });
    poller.watch({ id: 'b', kind: 'job' });
    await clock.tickAsync(0);
    await clock.tickAsync(1000);
    await clock.tickAsync(1000);
    await clock.tickAsync(5000);
    assert.deepStrictEqual(calls, [['a', 'b'], ['a', 'b'], ['a', 'b']]);
    assert.deepStrictEqual(events, ['a:running:1', 'b:running:1', 'a:running:2', 'b:running:2', 'a:done', 'b:done']);
    assert.strictEqual(poller.size, 0);
    poller.close();
  });

  it('gives up on a job after the maximum wait, counted from when watching began', async () => {
    const timeouts: string[] = [];
    const poller = new Poller({
      intervalMs: 1000,
      maxWaitMs: 2500,
      fetch: async (_k, ids) => ids.map((id) => ({ id, status: 'running', verdict: 'pending' as const, raw: {} })),
      onTimeout: (e) => timeouts.push(e.id),
    });
    poller.watch({ id: 'slow', kind: 'job' });
    await clock.tickAsync(2000);
    assert.deepStrictEqual(timeouts, []);
    await clock.tickAsync(1000);
    assert.deepStrictEqual(timeouts, ['slow']);
    poller.close();
  });

  it('backs off after failed ticks, keeps the jobs, and never throws from its timer', async () => {
    let fail = true;
    let calls = 0;
    const errors: unknown[] = [];
    const poller = new Poller({
      intervalMs: 1000,
      maxWaitMs: 0,
      fetch: async (_k, ids) => {
        calls++;
        if (fail) throw new Error('down');
        return ids.map((id) => ({ id, status: 'ok', verdict: 'done' as const, raw: {} }));
      },
      onError: (e) => errors.push(e),
      onTerminal: () => {
        throw new Error('a listener bug must not stop the poller');
      },
    });
    poller.watch({ id: 'x', kind: 'job' });
    await clock.tickAsync(0);
    assert.strictEqual(calls, 1);
    await clock.tickAsync(1000);
    assert.strictEqual(poller.size, 1);
    fail = false;
    await clock.tickAsync(60_000);
    assert.strictEqual(poller.size, 0);
    assert.ok(errors.length >= 1);
    poller.close();
  });

  it('stops all timers on close', async () => {
    let calls = 0;
    const poller = new Poller({ intervalMs: 1000, maxWaitMs: 0, fetch: async () => { calls++; return []; } });
    poller.watch({ id: 'x', kind: 'job' });
    await clock.tickAsync(0);
    poller.close();
    await clock.tickAsync(10_000);
    assert.strictEqual(calls, 1);
    assert.strictEqual(clock.countTimers(), 0);
  });
});
