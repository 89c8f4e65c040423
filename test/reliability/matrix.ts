/**
 * The reliability matrix: every case × every fault, in a real runtime against
 * the sandbox. It runs in parts (one spec file per group of providers, so
 * mocha can run them side by side); each part writes its cells to
 * dist/reliability/<part>.json, and `node scripts/reliability-table.js`
 * turns them into the table of docs/reliability.md.
 */
import assert from 'assert';
import fs from 'fs';
import net from 'net';
import path from 'path';
import { helper, allNodes, Collector } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { CASES, FaultCase } from './cases';
import { FAULTS, FaultSpec } from './faults';
import { expectedAnswerOutcome } from './expect';

export interface Cell {
  caseName: string;
  fault: string;
  outcome: string;
  requests: number;
  sentTwice: boolean;
  /** For a guarded creating call whose 2xx answer was unusable: what the same message got. */
  repeat: string;
  nextOk: boolean;
  leaked: boolean;
  /** Checks that failed, empty when the cell passes. */
  problems: string[];
}

const SECRETS = ['rel-secret-value', 'rel-password-value', 'rel-token-value'];

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function flowFor(c: FaultCase, base: (p: string) => string): Array<Record<string, unknown>> {
  return [
    { id: 'f1', type: 'tab' },
    ...c.flow(base),
    { id: 'ok', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['errors']] },
    { id: 'errors', type: 'helper', z: 'f1' },
  ];
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').replace(/\|/g, '/');
  return t.length > 90 ? `${t.slice(0, 89)}…` : t;
}

/** Defines the cells of the cases whose provider is one of `providers`. */
export function defineMatrix(part: string, providers: string[]): void {
  const cases = CASES.filter((c) => providers.some((p) => c.name.endsWith(` · ${p}`)));
  const cells: Cell[] = [];
  describe(`reliability matrix (${part}): every node × every fault`, function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let counter = 0;

  beforeEach(async () => {
    sandbox = new Sandbox({ planviewerDailyCap: Number.MAX_SAFE_INTEGER });
    await sandbox.start();
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });
  after(() => {
    const dir = path.resolve(__dirname, '..', '..', 'reliability');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${part}.json`), JSON.stringify({ cases: cases.length, faults: FAULTS.length, cells }, null, 1));
  });

  for (const c of cases) {
    describe(c.name, () => {
      for (const f of FAULTS) it(f.name, async () => runCell(c, f));
    });
  }

  async function runCell(c: FaultCase, f: FaultSpec): Promise<void> {
    const rule = c.download && f.downloadFault ? f.downloadFault : f.fault;
    const refusedPort = rule ? 0 : await closedPort();
    const good = (p: string) => sandbox.providerUrl(p as 'planviewer');
    const base = rule ? good : (p: string) => `http://127.0.0.1:${refusedPort}/${p}`;
    await helper.load(allNodes(), flowFor(c, base), c.credentials);
    const ok = new Collector(helper.getNode('ok'));
    const errors = new Collector(helper.getNode('errors'));
    const statuses: Array<{ fill?: string }> = [];
    helper.getNode('dut')?.on('call:status', (call: unknown) => statuses.push(((call as { args: unknown[] }).args[0] ?? {}) as { fill?: string }));
    const problems: string[] = [];
    const check = (condition: boolean, problem: string): void => {
      if (!condition) problems.push(problem);
    };

    const msg = await c.message(sandbox, counter++);
    const sameAgain = cloneMessage(msg);
    if (rule) sandbox.fault({ path: c.route, method: c.method, fault: rule });
    const createMethod = c.createMethod ?? 'POST';
    const before = sandbox.count(c.route, createMethod);
    const beforeAll = sandbox.count(c.route, c.method);
    helper.getNode('dut')?.receive(msg);

    let outcome: string;
    await Promise.race([errors.wait(1, 30_000), ok.wait(1, 30_000)]);
    const first = errors.messages[0]?.error as { code?: string; message?: string } | undefined;
    if (first) {
      assert.ok(typeof first.message === 'string' && first.message.length > 0, 'a clear msg.error.message');
      assert.ok(typeof first.code === 'string', 'msg.error.code');
      // For an unusable answer the interesting part is why: keep that in the table.
      const why = first.message.indexOf('cannot be read: ');
      outcome = `\`${first.code}\`: ${short(why > 0 ? `…${first.message.slice(why)}` : first.message)}`;
      const last = statuses[statuses.length - 1];
      assert.ok(last && (last.fill === 'red' || (c.keepsWatching && last.fill === 'yellow')), `status shows the failure (${JSON.stringify(last)})`);
    } else {
      outcome = 'ok (no error: the fault did not affect the result)';
    }
    const requests = sandbox.count(c.route, c.method) - beforeAll;
    // Only a call that never reached the server, or a 429 the provider documents as "not processed", may go again.
    const sentTwice = !!c.creates && !f.mayResend && sandbox.count(c.route, createMethod) - before > 1;
    assert.ok(!sentTwice, 'a creating call was sent twice');

    // An unusable 2xx: the provider did the work; the outcome must say so, and nothing may pass as success.
    let repeat = '—';
    if (f.answer) {
      const want = expectedAnswerOutcome(c, f.answer);
      if (want === 'success') {
        check(!first && ok.messages.length === 1, `a ${f.answer} file is still a file: expected it written, got ${outcome}`);
      } else {
        check(ok.messages.length === 0, `nothing may be output as success, got ${short(JSON.stringify(ok.messages[0]?.payload ?? null))}`);
        check(first?.code === want.code, `expected \`${want.code}\`, got ${first ? `\`${first.code}\`` : 'no error'}`);
        check(!!first?.message && want.message.test(first.message), `expected the message to match ${want.message}, got "${first?.message ?? ''}"`);
        if (want.oneRequest) check(requests === 1, `refused at once, never retried: expected 1 request, got ${requests}`);
        if (c.guarded && first?.code === 'outcome_unknown') {
          // The guard keeps the key: the same message again is refused, and nothing reaches the provider.
          sandbox.clearFaults();
          const beforeRepeat = sandbox.count(c.route, createMethod);
          helper.getNode('dut')?.receive(sameAgain);
          await errors.wait(2, 10_000).catch(() => undefined);
          const second = errors.messages[1]?.error as { code?: string; message?: string } | undefined;
          const resent = sandbox.count(c.route, createMethod) - beforeRepeat;
          repeat = second?.code === 'duplicate' && resent === 0 ? 'refused (`duplicate`), not sent' : `${second ? `\`${second.code}\`` : 'no error'}, sent ${resent}×`;
          check(second?.code === 'duplicate', `the same message again must be refused as duplicate, got ${second ? `\`${second.code}\`: ${second.message}` : 'no error'}`);
          check(resent === 0, `the same message again must not be sent (sent ${resent}×)`);
          check(ok.messages.length === 0, 'the repeat must not be output as success');
        }
      }
    }
    const seen = JSON.stringify([errors.messages, ok.messages.map((m) => ({ ...m, payload: undefined })), statuses]) + JSON.stringify(helper.log().args);
    const leaked = SECRETS.some((s) => seen.includes(s));
    assert.ok(!leaked, 'a secret leaked');

    // Recovery: the fault gone, the same node must work again without a redeploy
    // (for a refused connection the account is redeployed at the right address).
    sandbox.clearFaults();
    if (!rule) {
      await helper.unload();
      await helper.load(allNodes(), flowFor(c, good), c.credentials);
    }
    const okNow = new Collector(helper.getNode('ok'));
    const pending = c.keepsWatching && rule ? 2 : 1;
    helper.getNode('dut')?.receive(await c.message(sandbox, counter++));
    let nextOk = true;
    try {
      await okNow.wait(pending, 30_000);
    } catch {
      nextOk = false;
    }
    cells.push({ caseName: c.name, fault: f.name, outcome, requests, sentTwice, repeat, nextOk, leaked, problems });
    assert.ok(nextOk, c.keepsWatching ? 'the watched job and the next one reach done after the fault' : 'the next message works');
    assert.deepStrictEqual(problems, [], `${c.name} × ${f.name}`);
  }
  });
}

/** A deep copy that keeps Buffers as Buffers (a file to upload, say). */
function cloneMessage<T>(value: T): T {
  if (Buffer.isBuffer(value)) return Buffer.from(value) as unknown as T;
  if (Array.isArray(value)) return value.map(cloneMessage) as unknown as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneMessage(v)])) as T;
  return value;
}
