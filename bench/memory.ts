/**
 * 4. Memory with a large answer or upload: the peak RSS growth of a real
 * Node-RED process (one fresh process per figure, the package loaded as a
 * user installs it) while one node reads a 200 MB answer, downloads a 200 MB
 * result or uploads a 200 MB file, side by side with the obvious alternative
 * (Node-RED's core `http request` node, or a buffered upload) and with the
 * floor of Node's own HTTP client (a bare `http.get` piped to a file).
 *
 * The growth is VmHWM (the kernel's peak-RSS mark, reset just before the
 * message is sent) minus VmRSS at that moment, read from /proc: Linux only.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import { Sandbox } from '../sandbox/server';
import { Fault } from '../sandbox/faults';
import { makeUserDir, startNodeRed } from '../test/support/process';
import { record } from './table';

type Node = Record<string, unknown>;

interface Figure {
  figure: string;
  /** The account and the node under test (id `dut`, its outputs wired to `done`). */
  nodes: Node[];
  credentials: Record<string, unknown>;
  /** msg.payload for the node. */
  input: () => Promise<unknown>;
  /** Injected on the node's route for this one request. */
  fault?: { path: string; method?: string; fault: Fault };
  /** How many outputs the node has (all go to `done`). */
  outputs?: number;
  /** The node the message enters, when not `dut` (a file-in that feeds it, say). */
  entry?: string;
}

const MB = 1024 * 1024;
const DG_CUSTOMER = '1186f976-8aae-4929-b6f2-3ce99553e248';

/** Reads a field of /proc/<pid>/status, in MiB. */
function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  if (!m) throw new Error(`no ${field} for ${pid}`);
  return Number(m[1]) / 1024;
}

/** A loopback endpoint the flows call when the node is done (output or Catch). */
async function notifier(): Promise<{ url: string; next: (ms: number) => Promise<string>; close: () => Promise<void> }> {
  let waiting: ((what: string) => void) | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.end('ok');
      waiting?.(body);
      waiting = undefined;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/done`;
  return {
    url,
    next: (ms) => new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the flow within ${ms} ms`)), ms);
      waiting = (what) => {
        clearTimeout(timer);
        resolve(what);
      };
    }),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * http in -> (answer at once) and -> the node; its outputs and a Catch node
 * -> a small `done` message to the notifier.
 */
function flowAround(f: Figure, notifyUrl: string): Node[] {
  const outputs = f.outputs ?? 1;
  return [
    { id: 't', type: 'tab', label: 'bench' },
    { id: 'in', type: 'http in', z: 't', url: '/go', method: 'post', wires: [['ack', 'unwrap']] },
    { id: 'ack', type: 'http response', z: 't', statusCode: '200' },
    { id: 'unwrap', type: 'change', z: 't', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'payload.input', tot: 'msg' }], wires: [[f.entry ?? 'dut']] },
    ...f.nodes.map((n) => (n.type === 'fulfillment-account' ? n : { ...n, z: 't', ...(n.id === 'dut' ? { wires: Array.from({ length: outputs }, () => ['ok']) } : {}) })),
    { id: 'ok', type: 'change', z: 't', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'done', tot: 'str' }, { t: 'delete', p: 'req', pt: 'msg' }, { t: 'delete', p: 'res', pt: 'msg' }], wires: [['notify']] },
    { id: 'catcher', type: 'catch', z: 't', scope: ['dut'], uncaught: false, wires: [['failed']] },
    { id: 'failed', type: 'change', z: 't', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' }, { t: 'delete', p: 'req', pt: 'msg' }, { t: 'delete', p: 'res', pt: 'msg' }], wires: [['notify']] },
    { id: 'notify', type: 'http request', z: 't', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: notifyUrl, persist: false, senderr: false, wires: [[]] },
  ];
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a fresh Node-RED with the figure's flow, sends one message, returns its peak RSS growth (MiB) and what the flow said. */
async function measure(f: Figure, sandbox: Sandbox, notify: Awaited<ReturnType<typeof notifier>>): Promise<{ growth: number; said: string }> {
  const userDir = makeUserDir(flowAround(f, notify.url), f.credentials);
  const red = await startNodeRed(userDir);
  try {
    const input = await f.input();
    // Let start-up settle, so the baseline is a quiet Node-RED with the flow deployed.
    await settle(1500);
    if (f.fault) sandbox.fault({ ...f.fault, times: 1 });
    const baseline = procMb(red.pid, 'VmRSS');
    fs.writeFileSync(`/proc/${red.pid}/clear_refs`, '5');
    const said = notify.next(180_000);
    await post(`${red.url}/go`, { input });
    const what = await said;
    await settle(300);
    return { growth: Math.max(0, procMb(red.pid, 'VmHWM') - baseline), said: what };
  } finally {
    sandbox.clearFaults();
    await red.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

/** BENCH_MEMORY_ONLY=<text> keeps the figures whose name contains it (e.g. "poll status"). */
const onlyFigures = process.env.BENCH_MEMORY_ONLY ?? '';
const wanted = (name: string): boolean => onlyFigures === '' || name.includes(onlyFigures);

export async function memory(megabytes: number): Promise<void> {
  if (!fs.existsSync('/proc/self/status')) {
    process.stdout.write('  (skipped: needs Linux /proc)\n');
    return;
  }
  const bytes = megabytes * MB;
  const sandbox = new Sandbox({ planviewerDailyCap: Number.MAX_SAFE_INTEGER });
  await sandbox.start();
  const notify = await notifier();
  const url = (p: string): string => sandbox.providerUrl(p as 'planviewer');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mem-'));
  const big = path.join(folder, 'upload.pdf');
  writeBigPdf(big, bytes);
  const huge = (chunked: boolean): Fault => ({ type: 'huge', bytes, chunked });
  const finishedJob = async (): Promise<string> => {
    const { PlanviewerClient } = await import('../nodes/providers/planviewer/client');
    const client = new PlanviewerClient({ baseUrl: url('planviewer'), apiKey: 'k', apiSecret: 's' });
    try {
      const [o] = await client.order([`00000000-0000-4000-9000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`]);
      for (let i = 0; i < 6; i++) await client.status([o.job.uuid]);
      return o.job.uuid;
    } finally {
      client.close();
    }
  };
  const pv = { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: url('planviewer'), timeout: 60_000 };
  const pg = { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: url('postgreen'), timeout: 60_000 };
  const probo = { id: 'acc', type: 'fulfillment-account', provider: 'probo', baseUrl: url('probo'), timeout: 60_000, testMode: true, authScheme: 'bearer' };
  const arri = { id: 'acc', type: 'fulfillment-account', provider: 'arri', baseUrl: url('arri'), timeout: 60_000 };
  const dg = { id: 'acc', type: 'fulfillment-account', provider: 'delivergo', baseUrl: url('delivergo'), timeout: 60_000, format: 'json', portalNamespace: 'bench', customerGuid: DG_CUSTOMER };
  const creds = {
    pv: { acc: { apiKey: 'k', apiSecret: 's' } },
    pg: { acc: { username: 'bench', password: 'bench-pw' } },
    probo: { acc: { apiKey: 'bench-key' } },
    arri: { acc: { accessToken: 'bench-token' } },
    dg: { acc: { apiKey: 'k', apiSecret: 's' } },
  };
  const poll = (kind?: string): Node => ({ id: 'dut', type: 'fulfillment-poll-status', account: 'acc', ...(kind ? { kind } : {}), interval: 600, maxWait: 3600 });
  const uuid = '00000000-0000-4000-9000-000000000123';

  // The reading nodes: the answer to their read is 200 MB, with and without a declared length.
  const readers: Array<{ name: string; account: Node; creds: Record<string, unknown>; node: Node; outputs: number; input: () => Promise<unknown>; path: string; method: string }> = [
    { name: 'poll status · planviewer', account: pv, creds: creds.pv, node: poll(), outputs: 3, input: async () => uuid, path: '/planviewer/product_api/v1/jobs/status', method: 'GET' },
    { name: 'poll status (job) · postgreen', account: pg, creds: creds.pg, node: poll('job'), outputs: 3, input: async () => 'JOB-BENCH-1', path: '/postgreen/jobs/', method: 'GET' },
    { name: 'poll status · probo', account: probo, creds: creds.probo, node: poll('order'), outputs: 3, input: async () => 'bench-order-1', path: '/probo/order/status', method: 'POST' },
    { name: 'poll status · arri', account: arri, creds: creds.arri, node: poll('order'), outputs: 3, input: async () => 'abcdef0123456789', path: '/arri/api/orders/', method: 'GET' },
    { name: 'track shipment · postgreen', account: pg, creds: creds.pg, node: { id: 'dut', type: 'fulfillment-track-shipment', account: 'acc', proofs: 'none' }, outputs: 1, input: async () => 'JOB-BENCH-1', path: '/postgreen/deliveries', method: 'GET' },
    { name: 'resale unit list · delivergo', account: dg, creds: creds.dg, node: { id: 'dut', type: 'fulfillment-resale-unit', account: 'acc', operation: 'list' }, outputs: 1, input: async () => null, path: '/delivergo/portal/bench/api/Customer/', method: 'GET' },
  ];
  for (const r of readers.filter((x) => wanted(x.name))) {
    for (const chunked of [false, true]) {
      const f: Figure = { figure: r.name, nodes: [r.account, r.node], credentials: r.creds, input: r.input, outputs: r.outputs, fault: { path: r.path, method: r.method, fault: huge(chunked) } };
      const ours = await measure(f, sandbox, notify);
      let alternative: number | undefined;
      if (r.name === 'poll status · planviewer') {
        // Node-RED's own http request node asking the same status, as a hand-built flow would.
        const core: Figure = {
          figure: 'core http request',
          nodes: [{ id: 'dut', type: 'http request', method: 'GET', ret: 'obj', paytoqs: 'ignore', url: `${url('planviewer')}/product_api/v1/jobs/status?uuids[]=${uuid}`, authType: 'basic', persist: false, senderr: true }],
          credentials: { dut: { user: 'k', password: 's' } },
          input: async () => null,
          fault: f.fault,
        };
        alternative = (await measure(core, sandbox, notify)).growth;
      }
      record({ figure: `peak RSS growth, ${r.name}, ${megabytes} MB answer (${chunked ? 'no length, chunked' : 'declared length'})`, ours: ours.growth, alternative, unit: 'MB', better: 'lower', goal: 'ours < 32 MB' });
      note(ours.said);
    }
  }

  // retrieve result: a 200 MB result file, to a Buffer (cap 50 MB) and to a folder.
  const retrieve = (output: 'buffer' | 'file'): Node => ({ id: 'dut', type: 'fulfillment-retrieve-result', account: 'acc', output, folder, folderType: 'str' });
  const coreDownload: Node = { id: 'dut', type: 'http request', method: 'GET', ret: 'bin', paytoqs: 'ignore', url: '', authType: 'basic', persist: false, senderr: true };
  sandbox.planviewer.resultBytes = bytes;
  for (const output of (['buffer', 'file'] as const).filter(() => wanted('retrieve result'))) {
    const job = await finishedJob();
    const ours = await measure({ figure: 'retrieve', nodes: [pv, retrieve(output)], credentials: creds.pv, input: async () => job }, sandbox, notify);
    // The core node reads the whole file into msg.payload (a file node would then write it).
    const core = await measure({ figure: 'core', nodes: [{ ...coreDownload, url: `${url('planviewer')}/product_api/v1/jobs/retrieve/${job}` }], credentials: { dut: { user: 'k', password: 's' } }, input: async () => null }, sandbox, notify);
    record({ figure: `peak RSS growth, retrieve result of ${megabytes} MB to a ${output === 'buffer' ? 'Buffer (declared length)' : 'folder'}`, ours: ours.growth, alternative: core.growth, unit: 'MB', better: 'lower', goal: 'ours < 32 MB' });
    note(ours.said);
  }
  sandbox.planviewer.resultBytes = undefined;
  if (wanted('retrieve result')) {
    const job = await finishedJob();
    const f: Figure = { figure: 'retrieve chunked', nodes: [pv, retrieve('buffer')], credentials: creds.pv, input: async () => job, fault: { path: '/planviewer/product_api/v1/jobs/retrieve', method: 'GET', fault: { type: 'huge', bytes, chunked: true, contentType: 'application/pdf' } } };
    const ours = await measure(f, sandbox, notify);
    record({ figure: `peak RSS growth, retrieve result of ${megabytes} MB to a Buffer (no length: read up to the node's 50 MB cap)`, ours: ours.growth, unit: 'MB', better: 'lower', goal: 'about the cap: the user chose to hold up to 50 MB' });
    note(ours.said);
  }

  if (wanted('create job')) await uploads(megabytes, big, pg, creds.pg, sandbox, notify);
  if (wanted('bare Node')) await floors(megabytes, big, folder, url('planviewer'), finishedJob, sandbox);
  fs.rmSync(folder, { recursive: true, force: true });
  await notify.close();
  await sandbox.stop();
}

/** create job: a 200 MB PDF uploaded from a path, against the same file read into a Buffer first. */
async function uploads(megabytes: number, big: string, pg: Node, credentials: Record<string, unknown>, sandbox: Sandbox, notify: Awaited<ReturnType<typeof notifier>>): Promise<void> {
  const createJob = (): Node => ({ id: 'dut', type: 'fulfillment-create-job', account: 'acc', mode: 'classic', service: 'SRV_LETTER', serviceType: 'str', box: 'BX101', boxType: 'str', jobName: 'bench', jobNameType: 'str', dedupeWindow: 0 });
  const upload = await measure({ figure: 'upload', nodes: [{ ...pg, timeout: 120_000 }, createJob()], credentials, input: async () => ({ filename: 'big.pdf', path: big }) }, sandbox, notify);
  // A file-in node reads the file into a Buffer that goes up as {filename, data}: a flow that does not stream.
  const buffered = await measure({
    figure: 'upload buffered',
    entry: 'read',
    nodes: [
      { ...pg, timeout: 120_000 },
      { id: 'read', type: 'file in', filename: big, filenameType: 'str', format: '', allProps: false, wires: [['wrap']] },
      {
        id: 'wrap',
        type: 'change',
        rules: [
          { t: 'move', p: 'payload', pt: 'msg', to: 'data', tot: 'msg' },
          { t: 'set', p: 'payload', pt: 'msg', to: '{"filename":"big.pdf"}', tot: 'json' },
          { t: 'move', p: 'data', pt: 'msg', to: 'payload.data', tot: 'msg' },
        ],
        wires: [['dut']],
      },
      createJob(),
    ],
    credentials,
    input: async () => null,
  }, sandbox, notify);
  record({ figure: `peak RSS growth, create job with a ${megabytes} MB file`, ours: upload.growth, alternative: buffered.growth, unit: 'MB', better: 'lower', goal: 'ours < 32 MB' });
  note(upload.said);
}

/** The floor: Node's own HTTP client piping the same download to a file, and the same upload, in a bare process. */
async function floors(megabytes: number, big: string, folder: string, planviewer: string, finishedJob: () => Promise<string>, sandbox: Sandbox): Promise<void> {
  const job = await finishedJob();
  sandbox.planviewer.resultBytes = megabytes * MB;
  const floor = await bareDownload(`${planviewer}/product_api/v1/jobs/retrieve/${job}`, path.join(folder, 'floor.pdf'));
  sandbox.planviewer.resultBytes = undefined;
  record({ figure: `peak RSS growth, bare Node http.get of ${megabytes} MB piped to a file (no Node-RED)`, ours: floor, unit: 'MB', better: 'lower', goal: 'the floor of any Node HTTP client' });
  const upFloor = await bareUpload(big);
  record({ figure: `peak RSS growth, bare Node fs stream of ${megabytes} MB piped into an http request (no Node-RED)`, ours: upFloor, unit: 'MB', better: 'lower', goal: 'the floor of any Node HTTP client' });
}

function note(said: string): void {
  process.stdout.write(`      the flow said: ${said.length > 160 ? `${said.slice(0, 159)}…` : said}\n`);
}

/** A child process doing only http.get -> fs.createWriteStream, reporting its own peak RSS growth. */
function bareDownload(url: string, file: string): Promise<number> {
  const script = `
    const http = require('http'); const fs = require('fs'); const { pipeline } = require('stream/promises');
    const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    const base = rss(); fs.writeFileSync('/proc/self/clear_refs', '5');
    http.get(${JSON.stringify(url)}, { auth: 'k:s' }, (res) => pipeline(res, fs.createWriteStream(${JSON.stringify(file)})).then(() => process.stdout.write(String(hwm() - base))));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(Number(stdout))));
  });
}

/** The same for an upload: fs.createReadStream piped into an http request to a sink that only counts. */
async function bareUpload(file: string): Promise<number> {
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/upload`;
  const script = `
    const http = require('http'); const fs = require('fs');
    const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    const base = rss(); fs.writeFileSync('/proc/self/clear_refs', '5');
    const req = http.request(${JSON.stringify(url)}, { method: 'POST', headers: { 'Content-Length': fs.statSync(${JSON.stringify(file)}).size } }, (res) => { res.resume(); res.on('end', () => process.stdout.write(String(hwm() - base))); });
    fs.createReadStream(${JSON.stringify(file)}).pipe(req);
  `;
  try {
    return await new Promise((resolve, reject) => {
      execFile(process.execPath, ['-e', script], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(Number(stdout))));
    });
  } finally {
    sink.closeAllConnections();
    sink.close();
  }
}

function writeBigPdf(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, '%PDF-1.4\n');
  const chunk = Buffer.alloc(MB, 0x20);
  for (let left = size - 9; left > 0; left -= chunk.length) fs.writeSync(fd, left >= chunk.length ? chunk : chunk.subarray(0, left));
  fs.closeSync(fd);
}
