/**
 * 1. Throughput: N Planviewer orders through our place-order node, through
 * Node-RED's core `http request` node doing the same POST, and as raw axios
 * calls with a keep-alive agent (the floor for per-message overhead).
 */
import path from 'path';
import http from 'http';
import axios from 'axios';
import { Sandbox } from '../sandbox/server';
import { helper, allNodes, accountNode } from '../test/support/red';
import { record, percentile, unspy } from './table';

const coreHttpRequest = (): unknown => require(path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core', 'network', '21-httprequest.js'));
const KEY = 'bench-key';
const SECRET = 'bench-secret';

function uuidOf(i: number): string {
  return `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
}

export interface Driven {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  latencies: number[];
  seconds: number;
}

export function combine(parts: Driven[]): Driven {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((s, p) => s + p.seconds, 0);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures: parts.reduce((s, p) => s + p.failures, 0), latencies, seconds };
}

/** One listener per output node for the whole run; each drive() points it at its own bookkeeping. */
const sinks = new Map<string, (msg: Record<string, unknown>) => void>();
/** Forgets the listeners' targets, for a bench that loads new flows. */
export function resetSinks(): void {
  sinks.clear();
}
function sink(id: string, handler: (msg: Record<string, unknown>) => void): void {
  if (!sinks.has(id)) helper.getNode(id)?.on('input', (msg) => sinks.get(id)?.(msg));
  sinks.set(id, handler);
}

/** Sends N messages into `inId` with at most `concurrency` in flight; times each until it reaches `outId`. */
export async function drive(inId: string, outId: string, n: number, concurrency: number, make: (i: number) => Record<string, unknown>): Promise<Driven> {
  const input = helper.getNode(inId);
  if (!input) throw new Error('flow incomplete');
  const run = `${inId}-${Math.random().toString(36).slice(2)}-`;
  const started = new Map<string, number>();
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  let finished = 0;
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const next = (): void => {
      if (sent >= n) return;
      const i = sent++;
      const id = `${run}${i}`;
      started.set(id, performance.now());
      input.receive({ ...make(i), _msgid: id });
    };
    const done = (msg: Record<string, unknown>, failed: boolean): void => {
      const at = started.get(String(msg._msgid));
      if (at === undefined) return;
      started.delete(String(msg._msgid));
      latencies.push(performance.now() - at);
      if (failed) failures++;
      if (++finished >= n) resolve();
      else next();
    };
    sink(outId, (msg) => done(msg, false));
    sink('errors', (msg) => done(msg, true));
    for (let c = 0; c < concurrency; c++) next();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures, latencies, seconds };
}

async function rawAxios(url: string, n: number, concurrency: number, body: (i: number) => unknown, method: 'POST' | 'GET'): Promise<Driven> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const client = axios.create({ httpAgent: agent, auth: { username: KEY, password: SECRET } });
  const latencies: number[] = [];
  let i = 0;
  let failures = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < n) {
        const k = i++;
        const at = performance.now();
        try {
          if (method === 'POST') await client.post(url, body(k));
          else await client.get(url, { params: body(k) });
        } catch {
          failures++;
        }
        latencies.push(performance.now() - at);
      }
    }),
  );
  agent.destroy();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures, latencies, seconds };
}

export async function throughput(n: number, concurrency = 32): Promise<void> {
  const sandbox = new Sandbox({ planviewerDailyCap: Number.MAX_SAFE_INTEGER });
  await sandbox.start();
  const base = sandbox.providerUrl('planviewer');
  const orderUrl = `${base}/product_api/v1/jobs/order`;
  const flow = [
    { id: 'f1', type: 'tab' },
    accountNode('acc', 'planviewer', base),
    { id: 'ours', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 0, wires: [['out']] },
    { id: 'core', type: 'http request', z: 'f1', method: 'POST', ret: 'obj', paytoqs: 'ignore', url: orderUrl, authType: 'basic', persist: true, senderr: true, wires: [['out2']] },
    { id: 'coreGet', type: 'http request', z: 'f1', method: 'GET', ret: 'obj', paytoqs: 'ignore', url: '', authType: 'basic', persist: true, senderr: true, wires: [['out3']] },
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'out2', type: 'helper', z: 'f1' },
    { id: 'out3', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, wires: [['errors']] },
    { id: 'errors', type: 'helper', z: 'f1' },
  ];
  await helper.load([...allNodes(), coreHttpRequest()], flow, {
    acc: { apiKey: KEY, apiSecret: SECRET },
    core: { user: KEY, password: SECRET },
    coreGet: { user: KEY, password: SECRET },
  });
  unspy();
  const body = (i: number) => ({ uuids: [uuidOf(i)] });
  const msg = (i: number) => ({ payload: body(i) });
  // Warm both paths so JIT and sockets are comparable.
  await drive('ours', 'out', 500, concurrency, msg);
  await drive('core', 'out2', 500, concurrency, msg);
  await rawAxios(orderUrl, 500, concurrency, body, 'POST');

  // Interleaved in rounds, so a slow moment of this shared machine hits all three alike.
  const rounds = 5;
  const per = Math.ceil(n / rounds);
  const parts: Record<'ours' | 'core' | 'raw', Driven[]> = { ours: [], core: [], raw: [] };
  for (let r = 0; r < rounds; r++) {
    const offset = 1_000_000 + r * per * 3;
    parts.ours.push(await drive('ours', 'out', per, concurrency, (i) => msg(offset + i)));
    parts.core.push(await drive('core', 'out2', per, concurrency, (i) => msg(offset + per + i)));
    parts.raw.push(await rawAxios(orderUrl, per, concurrency, (i) => body(offset + 2 * per + i), 'POST'));
  }
  const ours = combine(parts.ours);
  const core = combine(parts.core);
  const raw = combine(parts.raw);
  record({ figure: `orders/s, place order vs core http request (${n})`, ours: ours.perSecond, alternative: core.perSecond, unit: 'msg/s', better: 'higher', goal: 'ratio >= 1' });
  record({ figure: 'order latency p50', ours: ours.p50, alternative: core.p50, unit: 'ms', better: 'lower' });
  record({ figure: 'order latency p99', ours: ours.p99, alternative: core.p99, unit: 'ms', better: 'lower' });
  record({ figure: 'orders/s, place order vs raw axios (floor)', ours: ours.perSecond, alternative: raw.perSecond, unit: 'msg/s', better: 'higher', goal: 'ratio >= 0.9' });

  // Status reads: one job each, as a flow would for a single job.
  const jobs = [...sandbox.planviewer.jobs.keys()].slice(0, n);
  const statusUrl = `${base}/product_api/v1/jobs/status`;
  const { PlanviewerClient } = await import('../nodes/providers/planviewer/client');
  const client = new PlanviewerClient({ baseUrl: base, apiKey: KEY, apiSecret: SECRET });
  const latencies: number[] = [];
  let k = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (k < jobs.length) {
        const j = jobs[k++];
        const at = performance.now();
        await client.status([j]);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const clientRate = jobs.length / (Number(process.hrtime.bigint() - t0) / 1e9);
  client.close();
  const coreStatus = await drive('coreGet', 'out3', jobs.length, concurrency, (i) => ({ url: `${statusUrl}?uuids%5B%5D=${jobs[i]}` }));
  const rawStatus = await rawAxios(statusUrl, jobs.length, concurrency, (i) => ({ 'uuids[]': jobs[i] }), 'GET');
  record({ figure: `status reads/s, our client vs core http request (${jobs.length})`, ours: clientRate, alternative: coreStatus.perSecond, unit: 'req/s', better: 'higher', goal: 'ratio >= 1' });
  record({ figure: 'status reads/s, our client vs raw axios (floor)', ours: clientRate, alternative: rawStatus.perSecond, unit: 'req/s', better: 'higher', goal: 'ratio >= 0.9' });
  if (ours.failures + core.failures + raw.failures > 0) process.stdout.write(`  (failures: ours ${ours.failures}, core ${core.failures}, raw ${raw.failures})\n`);
  sinks.clear();
  await helper.unload();
  await sandbox.stop();
}
