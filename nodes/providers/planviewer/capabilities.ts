/** Planviewer as seen by the action nodes: order, job status, result file, operations, live lists. */
import { bindOperations, Capabilities } from '../../core/capabilities';
import { PollReport, PollVerdict } from '../../core/poller';
import { uuidList } from '../../core/validate';
import { PlanviewerClient } from './client';
import { jobUuidsFrom, orderUuids } from './inputs';
import { PLANVIEWER_OPERATIONS } from './operations';
import { planviewerErrorMessage } from './shapes';

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
      prepare: (input) => ({ uuids: orderUuids(input) }),
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
          progress: s.progress ?? undefined,
          reason: s.status === 'waiting for user' ? 'an action by the end user is needed to complete the order' : s.status === 'error' ? 'the job ended in error' : undefined,
          raw: s,
        }));
      },
    },
    result: {
      target: (input) => uuidList(jobUuidsFrom(input), 'msg.payload')[0],
      open: (id, signal) => client.retrieve(id, signal),
      errorIn: planviewerErrorMessage,
    },
    operations: bindOperations(PLANVIEWER_OPERATIONS, client),
    choices: {
      products: async () => (await client.listProducts()).map((p) => ({ value: p.slug, label: p.name || p.slug })),
    },
  };
}
