/**
 * 3. Polling cost: many Planviewer jobs watched by one poll node. Status
 * requests per tick (ours batches; a naive flow sends one per job), CPU per
 * tick, memory held per watched job.
 */
import { Sandbox } from '../sandbox/server';
import { helper, allNodes, accountNode } from '../test/support/red';
import { record, unspy } from './table';

export async function polling(jobs: number): Promise<void> {
  const sandbox = new Sandbox({ planviewerDailyCap: Number.MAX_SAFE_INTEGER });
  await sandbox.start();
  const base = sandbox.providerUrl('planviewer');
  const { PlanviewerClient } = await import('../nodes/providers/planviewer/client');
  const client = new PlanviewerClient({ baseUrl: base, apiKey: 'k', apiSecret: 's' });
  const uuids: string[] = [];
  for (let i = 0; i < jobs; i += 100) {
    const batch = Array.from({ length: Math.min(100, jobs - i) }, (_v, j) => `00000000-0000-4000-9000-${String(i + j).padStart(12, '0')}`);
    for (const o of await client.order(batch)) uuids.push(o.job.uuid);
  }
  client.close();
  await helper.load(allNodes(), [
    { id: 'f1', type: 'tab' },
    accountNode('acc', 'planviewer', base),
    { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 0, wires: [['done'], ['bad'], ['progress']] },
    { id: 'done', type: 'helper', z: 'f1' },
    { id: 'bad', type: 'helper', z: 'f1' },
    { id: 'progress', type: 'helper', z: 'f1' },
  ], { acc: { apiKey: 'k', apiSecret: 's' } });
  unspy();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const progress = helper.getNode('progress');
  let progressed = 0;
  progress?.on('input', () => progressed++);
  const before = sandbox.count('/planviewer/product_api/v1/jobs/status');
  const cpu0 = process.cpuUsage();
  helper.getNode('poll')?.receive({ payload: uuids });
  while (progressed < jobs) await new Promise((r) => setTimeout(r, 5));
  const cpu = process.cpuUsage(cpu0);
  const requests = sandbox.count('/planviewer/product_api/v1/jobs/status') - before;
  gc?.();
  const heapPerJob = (process.memoryUsage().heapUsed - heapBefore) / jobs;
  record({ figure: `status requests for one tick of ${jobs} jobs (naive: 1 per job)`, ours: requests, alternative: jobs, unit: 'requests', better: 'lower', goal: '1 up to the URL limit, then a few' });
  record({ figure: `CPU for one tick of ${jobs} jobs (incl. sandbox, outputs)`, ours: (cpu.user + cpu.system) / 1000, unit: 'ms', better: 'lower' });
  record({ figure: `heap held per watched job${gc ? '' : ' (no --expose-gc: rough)'}`, ours: heapPerJob, unit: 'bytes', better: 'lower' });
  await helper.unload();
  await sandbox.stop();
}
