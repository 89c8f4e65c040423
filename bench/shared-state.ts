/**
 * 6. Shared state (Redis): what coordinating several instances costs. Redis
 * round trips per poll tick (a lease per job would need at least one per
 * job), and orders per second with the repeat guard in Redis against the same
 * guard in the node's context, interleaved in one run.
 */
import { Sandbox } from '../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../sandbox/providers/planviewer';
import { helper, allNodes, accountNode } from '../test/support/red';
import { redisInstalled, REDIS_SERVER, RedisServer, startRedis } from '../test/support/redis';
import { RedisCoordination } from '../nodes/core/redis/coordination';
import { SharedStateNode } from '../nodes/runtime/shared-state';
import { record, unspy } from './table';
import { combine, drive, Driven, resetSinks } from './throughput';

const KEY = 'bench-key';

function roundTrips(): number {
  const node = helper.getNode('shared') as unknown as SharedStateNode;
  return (node.coordination() as RedisCoordination).connection.roundTrips;
}

async function orders(base: string, n: number, concurrency = 32): Promise<void> {
  await helper.load(allNodes(), [
    { id: 'f1', type: 'tab' },
    { id: 'shared', type: 'fulfillment-shared-state', url: process.env.BENCH_REDIS_URL },
    accountNode('local', 'planviewer', base),
    accountNode('acc', 'planviewer', base, { sharedState: 'shared' }),
    { id: 'ctx', type: 'fulfillment-place-order', z: 'f1', account: 'local', dedupeWindow: 86_400, wires: [['out1']] },
    { id: 'redis', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 86_400, wires: [['out2']] },
    { id: 'out1', type: 'helper', z: 'f1' },
    { id: 'out2', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, wires: [['errors']] },
    { id: 'errors', type: 'helper', z: 'f1' },
  ], { local: { apiKey: KEY, apiSecret: 's' }, acc: { apiKey: KEY, apiSecret: 's' } });
  unspy();
  const msg = (i: number) => ({ payload: { uuids: [`00000000-0000-4000-a000-${String(i).padStart(12, '0')}`] } });
  await drive('ctx', 'out1', 300, concurrency, (i) => msg(i));
  await drive('redis', 'out2', 300, concurrency, (i) => msg(1000 + i));
  const rounds = 5;
  const per = Math.ceil(n / rounds);
  const parts: Record<'ctx' | 'redis', Driven[]> = { ctx: [], redis: [] };
  for (let r = 0; r < rounds; r++) {
    const offset = 10_000 + r * per * 2;
    parts.ctx.push(await drive('ctx', 'out1', per, concurrency, (i) => msg(offset + i)));
    parts.redis.push(await drive('redis', 'out2', per, concurrency, (i) => msg(offset + per + i)));
  }
  const ctx = combine(parts.ctx);
  const redis = combine(parts.redis);
  record({ figure: `orders/s with the repeat guard: Redis vs node context (${n})`, ours: redis.perSecond, alternative: ctx.perSecond, unit: 'msg/s', better: 'higher', goal: 'ratio >= 0.8' });
  record({ figure: 'order latency p50, guard in Redis vs node context', ours: redis.p50, alternative: ctx.p50, unit: 'ms', better: 'lower' });
  if (ctx.failures + redis.failures > 0) process.stdout.write(`  (failures: context ${ctx.failures}, Redis ${redis.failures})\n`);
  resetSinks();
  await helper.unload();
}

/** Microseconds Redis spent in scripts so far (INFO commandstats). */
async function scriptMicros(redis: RedisServer): Promise<number> {
  const info = String(await redis.command('INFO', 'commandstats'));
  let total = 0;
  for (const m of info.matchAll(/cmdstat_(?:evalsha|eval):calls=\d+,usec=(\d+)/g)) total += Number(m[1]);
  return total;
}

async function tick(redis: RedisServer, sandbox: Sandbox, base: string, jobs: number): Promise<void> {
  await helper.load(allNodes(), [
    { id: 'f1', type: 'tab' },
    { id: 'shared', type: 'fulfillment-shared-state', url: process.env.BENCH_REDIS_URL, prefix: `bench${jobs}:` },
    accountNode('acc', 'planviewer', base, { sharedState: 'shared' }),
    { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 0, wires: [['done'], ['bad'], ['progress']] },
    { id: 'done', type: 'helper', z: 'f1' },
    { id: 'bad', type: 'helper', z: 'f1' },
    { id: 'progress', type: 'helper', z: 'f1' },
  ], { acc: { apiKey: KEY, apiSecret: 's' } });
  unspy();
  const ids: string[] = [];
  for (let i = 0; i < jobs; i++) {
    const id = `be4c0000-0000-4000-8000-${String(jobs * 10 + i).padStart(12, '0')}`;
    sandbox.planviewer.jobs.set(id, { uuid: id, intention: T.normal, reads: 0, owner: KEY });
    ids.push(id);
  }
  let progressed = 0;
  helper.getNode('progress')?.on('input', () => progressed++);
  const wait = async (n: number): Promise<void> => {
    while (progressed < n) await new Promise((r) => setTimeout(r, 5));
  };
  helper.getNode('poll')?.receive({ payload: ids });
  // The first tick follows the watch at once; the counted one is the next, a whole interval later.
  await wait(jobs);
  const before = roundTrips();
  const micros = await scriptMicros(redis);
  await wait(2 * jobs);
  const trips = roundTrips() - before;
  const redisMs = ((await scriptMicros(redis)) - micros) / 1000;
  record({ figure: `Redis round trips per poll tick, ${jobs} jobs (a lease per job: ${jobs})`, ours: trips, alternative: jobs, unit: 'trips', better: 'lower', goal: 'constant (2: claim, settle)' });
  record({ figure: `Redis time per poll tick, ${jobs} jobs (both scripts)`, ours: redisMs, unit: 'ms', better: 'lower' });
  await helper.unload();
}

export async function sharedState(jobCounts: number[], orderCount: number): Promise<void> {
  if (!redisInstalled()) {
    process.stdout.write(`  (skipped: ${REDIS_SERVER} is not installed)\n`);
    return;
  }
  const redis = await startRedis();
  process.env.BENCH_REDIS_URL = redis.url;
  const sandbox = new Sandbox({ planviewerDailyCap: Number.MAX_SAFE_INTEGER });
  await sandbox.start();
  const base = sandbox.providerUrl('planviewer');
  try {
    await orders(base, orderCount);
    for (const n of jobCounts) await tick(redis, sandbox, base, n);
  } finally {
    await sandbox.stop();
    await redis.stop();
  }
}
