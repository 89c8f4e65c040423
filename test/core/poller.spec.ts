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

  it('reports a status that lasts longer than the provider allows as attention, measured from when it began', async () => {
    let status = 'processing';
    const terminal: Array<[string, string, string | undefined]> = [];
    const saved: Array<Array<{ statusSince?: number }>> = [];
    const poller = new Poller({
      intervalMs: 1000,
      maxWaitMs: 0,
      fetch: async (_k, ids) => ids.map((id): PollReport => ({ id, status, verdict: 'pending', raw: {}, ...(status === 'waiting' ? { attentionAfterMs: 2500, overdueReason: 'waited too long' } : {}) })),
      onTerminal: (e, r) => terminal.push([e.id, r.verdict, r.reason]),
      onChange: (entries) => saved.push(entries.map((e) => ({ statusSince: e.statusSince }))),
    });
    poller.watch({ id: 'j', kind: 'job' });
    await clock.tickAsync(0);
    await clock.tickAsync(5000);
    status = 'waiting';
    const began = Date.now() + 1000;
    await clock.tickAsync(3000);
    assert.deepStrictEqual(terminal, [], 'the limit counts from when the status began, not from when watching began');
    assert.strictEqual(saved[saved.length - 1][0].statusSince, began, 'when the status began is saved with the watch list');
    await clock.tickAsync(1000);
    assert.deepStrictEqual(terminal, [['j', 'attention', 'waited too long']]);
    assert.strictEqual(poller.size, 0);
    poller.close();
  });

  it('keeps when a status began across a restart (the entry carries it)', async () => {
    const terminal: string[] = [];
    const poller = new Poller({
      intervalMs: 1000,
      maxWaitMs: 0,
      fetch: async (_k, ids) => ids.map((id): PollReport => ({ id, status: 'waiting', verdict: 'pending', raw: {}, attentionAfterMs: 10_000 })),
      onTerminal: (e, r) => terminal.push(`${e.id}:${r.verdict}:${r.reason}`),
    });
    poller.watch({ id: 'old', kind: 'job', lastStatus: 'waiting', statusSince: Date.now() - 60_000 });
    await clock.tickAsync(0);
    assert.deepStrictEqual(terminal, ['old:attention:still waiting after 60 s (more than 10 s)']);
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
