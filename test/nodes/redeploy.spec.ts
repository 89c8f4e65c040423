import assert from 'assert';
import { helper, allNodes, collect, accountNode, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

describe('redeploy leaves nothing behind', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = new Sandbox({ planviewerDailyCap: Number.MAX_SAFE_INTEGER });
    await sandbox.start();
  });
  after(() => sandbox.stop());

  it('deploy, work, redeploy 50 times: no timers, sockets or pollers survive', async () => {
    const flow = [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'planviewer', sandbox.providerUrl('planviewer')),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, wires: [['poll', 'placed']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 60, wires: [[], [], ['progress']] },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'progress', type: 'helper', z: 'f1' },
    ];
    const cycle = async (i: number): Promise<void> => {
      await helper.load(allNodes(), flow, { acc: { apiKey: 'k', apiSecret: 's' } });
      const progress = collect('progress');
      helper.getNode('order')?.receive({ payload: [T.normal], idempotencyKey: `cycle-${i}` });
      await progress.wait(1);
      await helper.unload();
    };
    await cycle(-1);
    await delay(300);
    const before = resources();
    const statusReadsBefore = sandbox.count('/planviewer/product_api/v1/jobs/status');
    for (let i = 0; i < 50; i++) await cycle(i);
    await delay(1500);
    const after = resources();
    const readsAfterClose = sandbox.count('/planviewer/product_api/v1/jobs/status');
    await delay(2000);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/status'), readsAfterClose, 'no poller keeps running after close');
    assert.ok(readsAfterClose - statusReadsBefore >= 50);
    for (const kind of ['Timeout', 'TCPSocketWrap']) {
      assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0) + 2, `${kind}: ${before[kind] ?? 0} before, ${after[kind] ?? 0} after 50 redeploys`);
    }
  });
});
