import assert from 'assert';
import sinon from 'sinon';
import { Poller, PollReport } from '../../nodes/core/poller';

/** The sidebar's "check now" and "next check" on the poller. */
describe('core/poller: check one job now, and when the next round is', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  it('asks about one watched job at once, outside the rounds, and reports like a round', async () => {
    const calls: string[][] = [];
    const reads = new Map<string, number>();
    const events: string[] = [];
    const poller = new Poller({
      intervalMs: 60_000,
      maxWaitMs: 0,
      fetch: async (_kind, ids) => {
        calls.push(ids);
        return ids.map((id): PollReport => {
          const n = (reads.get(id) ?? 0) + 1;
          reads.set(id, n);
          return { id, status: n >= 3 ? 'finished' : `step ${n}`, verdict: n >= 3 ? 'done' : 'pending', raw: {} };
        });
      },
      onProgress: (e, r) => events.push(`${e.id}:${r.status}`),
      onTerminal: (e, r) => events.push(`${e.id}:${r.verdict}`),
    });
    poller.watch({ id: 'a', kind: 'job' });
    poller.watch({ id: 'b', kind: 'job' });
    await clock.tickAsync(0);
    assert.deepStrictEqual(calls, [['a', 'b']]);
    assert.strictEqual(poller.nextTickAt, Date.now() + 60_000, 'the next round is an interval away');

    assert.strictEqual(await poller.checkNow('job', 'a'), true);
    assert.deepStrictEqual(calls[1], ['a'], 'only that job, at once');
    assert.strictEqual(await poller.checkNow('job', 'a'), true);
    assert.deepStrictEqual(events, ['a:step 1', 'b:step 1', 'a:step 2', 'a:done']);
    assert.deepStrictEqual((await poller.list()).map((e) => e.id), ['b'], 'a finished job leaves the list');
    assert.strictEqual(await poller.checkNow('job', 'a'), false, 'no longer watched');
    assert.strictEqual(await poller.checkNow('order', 'b'), false, 'another kind');
    assert.strictEqual(calls.length, 3, 'nothing asked for jobs not watched');
    assert.strictEqual(poller.nextTickAt, Date.now() + 60_000, 'the rhythm of the rounds is unchanged');
    poller.close();
    assert.strictEqual(poller.nextTickAt, undefined);
  });

  it('reports a failed check through onError and to the caller, and keeps the job', async () => {
    const errors: unknown[] = [];
    const poller = new Poller({
      intervalMs: 60_000,
      maxWaitMs: 0,
      fetch: async () => {
        throw new Error('provider down');
      },
      onError: (e) => errors.push(e),
    });
    poller.watch({ id: 'a', kind: 'job' });
    await clock.tickAsync(0);
    await assert.rejects(poller.checkNow('job', 'a'), /provider down/);
    assert.strictEqual(errors.length, 2);
    assert.strictEqual(poller.size, 1);
    poller.close();
  });
});
