/**
 * The node × call cases of the reliability matrix. Each case builds a flow
 * whose node under test has id `dut`, wired to the helper `ok`; the suite
 * injects every fault on the case's route and checks that the message reaches
 * the Catch node, that nothing is sent twice, and that the next message works.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Sandbox } from '../../sandbox/server';
import { PlanviewerClient } from '../../nodes/providers/planviewer/client';

export interface FaultCase {
  name: string;
  /** Flow nodes (without tab, catch and helpers); the account must have id `acc`. */
  flow(base: (provider: string) => string): Array<Record<string, unknown>>;
  credentials: Record<string, unknown>;
  /** Called before each message; returns it (fresh, so the repeat guard does not interfere). */
  message(sandbox: Sandbox, n: number): Promise<Record<string, unknown>>;
  /** Path prefix the fault is injected on. */
  route: string;
  method?: string;
  /** The call creates something at the provider: it must never be sent twice. */
  creates?: boolean;
  download?: boolean;
  /** Poll-style nodes keep the job and report the failure once instead of failing the message. */
  keepsWatching?: boolean;
}

const PV = { acc: { apiKey: 'rel-key', apiSecret: 'rel-secret-value' } };
const uuid = (n: number) => `00000000-0000-4000-9000-${String(n + 1000).padStart(12, '0')}`;

async function finishedJob(sandbox: Sandbox, n: number): Promise<string> {
  const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'x', apiSecret: 'y' });
  try {
    const [o] = await client.order([uuid(5000 + n)]);
    for (let i = 0; i < 6; i++) await client.status([o.job.uuid]);
    return o.job.uuid;
  } finally {
    client.close();
  }
}

export const CASES: FaultCase[] = [
  {
    name: 'place order · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: PV,
    message: async (_s, n) => ({ payload: { uuids: [uuid(n)] } }),
    route: '/planviewer/product_api/v1/jobs/order',
    creates: true,
  },
  {
    name: 'poll status · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 600, wires: [['ok'], [], []] },
    ],
    credentials: PV,
    message: async (s, n) => ({ payload: await finishedJob(s, n) }),
    route: '/planviewer/product_api/v1/jobs/status',
    keepsWatching: true,
  },
  {
    name: 'retrieve result (Buffer) · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-retrieve-result', z: 'f1', account: 'acc', output: 'buffer', wires: [['ok']] },
    ],
    credentials: PV,
    message: async (s, n) => ({ payload: await finishedJob(s, n) }),
    route: '/planviewer/product_api/v1/jobs/retrieve',
    download: true,
  },
  {
    name: 'retrieve result (file) · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-retrieve-result', z: 'f1', account: 'acc', output: 'file', folder: fs.mkdtempSync(path.join(os.tmpdir(), 'rel-')), folderType: 'str', wires: [['ok']] },
    ],
    credentials: PV,
    message: async (s, n) => ({ payload: await finishedJob(s, n) }),
    route: '/planviewer/product_api/v1/jobs/retrieve',
    download: true,
  },
];
