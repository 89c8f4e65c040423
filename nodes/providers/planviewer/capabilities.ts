/** Planviewer as seen by the action nodes: order, job status, result file. */
import { Capabilities } from '../../core/capabilities';
import { PollReport, PollVerdict } from '../../core/poller';
import { uuidList } from '../../core/validate';
import { PlanviewerClient } from './client';

const VERDICTS: Record<string, PollVerdict> = {
  initial: 'pending',
  in_progress: 'pending',
  finished: 'done',
  error: 'failed',
  'waiting for user': 'attention',
};

export function planviewerCapabilities(client: PlanviewerClient): Capabilities {
  return {
    probe: async () => `connected; ${(await client.listProducts()).length} products available`,
    order: {
      prepare: (input) => ({ uuids: uuidList(input, 'msg.payload.uuids') }),
      async place(prepared) {
        const { uuids } = prepared as { uuids: string[] };
        const jobs = await client.order(uuids);
        return { payload: jobs, fields: { jobs: jobs.map((j) => j.job.uuid) } };
      },
    },
    status: {
      targets: (input) => uuidList(jobUuidsFrom(input), 'msg.payload'),
      async fetch(_kind, ids): Promise<PollReport[]> {
        const statuses = await client.status(ids);
        return statuses.map((s) => ({
          id: s.uuid,
          status: s.status,
          verdict: VERDICTS[s.status] ?? 'pending',
          progress: s.progress,
          reason: s.status === 'waiting for user' ? 'an action by the end user is needed to complete the order' : s.status === 'error' ? 'the job ended in error' : undefined,
          raw: s,
        }));
      },
    },
    result: {
      target: (input) => uuidList(jobUuidsFrom(input), 'msg.payload')[0],
      open: (id, signal) => client.retrieve(id, signal),
    },
  };
}

/** Accepts what place order outputs ([{uuid, job:{uuid}}]) as well as bare job uuids. */
function jobUuidsFrom(input: unknown): unknown {
  if (Array.isArray(input)) {
    return input.map((x) => (x && typeof x === 'object' && 'job' in x ? (x as { job?: { uuid?: unknown } }).job?.uuid : x));
  }
  if (input && typeof input === 'object' && 'job' in input) return (input as { job?: { uuid?: unknown } }).job?.uuid;
  if (input && typeof input === 'object' && 'uuid' in input) return (input as { uuid?: unknown }).uuid;
  return input;
}
