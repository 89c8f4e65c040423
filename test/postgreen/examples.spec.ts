import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { helper, allNodes, collect, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { SANDBOX_OPTIONS } from '../../sandbox/providers/postgreen';

const root = path.resolve(__dirname, '..', '..', '..');
const core = path.dirname(require.resolve('@node-red/nodes/package.json'));
/** The core nodes the examples use besides ours (catch is preloaded by the helper). */
const coreNodes = (): unknown[] => ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js', 'function/10-function.js'].map((f) => require(path.join(core, 'core', f)));

/** Loads an example flow against a test sandbox, with a helper node on the given node's output. */
function example(file: string, base: string, tap: string): Array<Record<string, unknown>> {
  const nodes = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8')) as Array<Record<string, unknown>>;
  for (const n of nodes) {
    if (n.type === 'fulfillment-account') n.baseUrl = base;
    if (n.type === 'fulfillment-poll-status') n.interval = '1';
    if (n.type === 'fulfillment-track-shipment' && n.proofs === 'file') n.folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-ex-'));
    if (n.id === tap) (n.wires as string[][])[0].push('tap');
  }
  const z = nodes.find((n) => n.type === 'tab')?.id;
  nodes.push({ id: 'tap', type: 'helper', z }, { id: 'errs', type: 'helper', z });
  const c = nodes.find((n) => n.type === 'catch');
  if (c) (c.wires as string[][])[0].push('errs');
  return nodes;
}

type FlowNode = { id: string; type: string; z?: string; name?: string; x?: number; y?: number; wires?: string[][] } & Record<string, unknown>;
interface Box { x0: number; y0: number; x1: number; y1: number }

/** The labels Node-RED shows for our nodes and the core nodes the examples use, when they have no name. */
const DEFAULT_LABELS: Record<string, string> = {
  'fulfillment-create-job': 'create job', 'fulfillment-authenticate': 'authenticate', 'fulfillment-poll-status': 'poll status',
  'fulfillment-track-shipment': 'track shipment', 'fulfillment-create-delivery': 'create delivery', 'fulfillment-edit-packgroup': 'edit packgroup',
  function: 'function', catch: 'catch: all', debug: 'msg.payload', inject: 'inject', comment: 'comment',
};

/** A generous estimate of a node's box as the editor draws it (width from its label, height from its outputs), so it errs on the side of space. */
function boxOf(n: FlowNode): Box {
  const label = n.name || DEFAULT_LABELS[n.type] || n.type;
  let text = 0;
  for (const c of label) text += /[A-Z]/.test(c) ? 9.5 : /[a-z]/.test(c) ? 7.5 : /\d/.test(c) ? 8 : c === ' ' ? 4 : 6;
  const hasInput = !['inject', 'catch', 'comment'].includes(n.type);
  const w = Math.max(100, 20 * Math.ceil((text + 50 + (hasInput ? 7 : 0)) / 20));
  const h = Math.max(30, (n.wires?.length ?? 0) * 15);
  const x = n.x as number;
  const y = n.y as number;
  return { x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2 };
}

/** Points along a wire as the editor draws it: an S-curve forwards, a loop through the middle height backwards. */
function wirePoints(from: [number, number], to: [number, number]): Array<[number, number]> {
  const [x1, y1] = from;
  const [x2, y2] = to;
  const points: Array<[number, number]> = [];
  if (x2 > x1) {
    const dist = Math.hypot(x2 - x1, y2 - y1);
    const c = 100 * (dist >= 100 ? 0.75 : 0.75 - 0.75 * ((100 - dist) / 100));
    for (let i = 0; i <= 100; i++) {
      const t = i / 100;
      const m = 1 - t;
      points.push([m ** 3 * x1 + 3 * m * m * t * (x1 + c) + 3 * m * t * t * (x2 - c) + t ** 3 * x2, m ** 3 * y1 + 3 * m * m * t * y1 + 3 * m * t * t * y2 + t ** 3 * y2]);
    }
    return points;
  }
  const mid = y1 === y2 ? y2 + 30 : (y1 + y2) / 2;
  const corners: Array<[number, number]> = [[x1, y1], [x1 + 35, y1], [x1 + 35, mid], [x2 - 35, mid], [x2 - 35, y2], [x2, y2]];
  for (let k = 0; k + 1 < corners.length; k++) {
    const [a, b] = [corners[k], corners[k + 1]];
    const steps = Math.max(1, Math.round(Math.hypot(b[0] - a[0], b[1] - a[1]) / 4));
    for (let i = 0; i <= steps; i++) points.push([a[0] + ((b[0] - a[0]) * i) / steps, a[1] + ((b[1] - a[1]) * i) / steps]);
  }
  return points;
}

/** What is wrong with a tab's layout: outside 940 x 700, nodes closer than 20 px, wires running under a node. */
function layoutProblems(nodes: FlowNode[]): string[] {
  const problems: string[] = [];
  const drawn = nodes.filter((n) => typeof n.x === 'number' && typeof n.y === 'number');
  const byId = new Map(drawn.map((n) => [n.id, n]));
  const name = (n: FlowNode): string => n.name || n.id;
  for (const n of drawn) {
    const b = boxOf(n);
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > 940 || b.y1 > 700) problems.push(`${name(n)} is outside 940 x 700`);
  }
  drawn.forEach((a, i) => {
    for (const b of drawn.slice(i + 1)) {
      const [p, q] = [boxOf(a), boxOf(b)];
      if (p.x0 - 20 < q.x1 && q.x0 - 20 < p.x1 && p.y0 - 20 < q.y1 && q.y0 - 20 < p.y1) problems.push(`${name(a)} and ${name(b)} are less than 20 px apart`);
    }
  });
  for (const n of drawn) {
    const from = boxOf(n);
    (n.wires ?? []).forEach((targets, port) => {
      const y = from.y0 + ((from.y1 - from.y0) * (port + 1)) / ((n.wires?.length ?? 0) + 1);
      for (const id of targets) {
        const target = byId.get(id);
        if (!target) continue;
        const to = boxOf(target);
        const under = drawn.find((m) => m !== n && m !== target && wirePoints([from.x1, y], [to.x0, (to.y0 + to.y1) / 2]).some(([px, py]) => {
          const b = boxOf(m);
          return px > b.x0 + 2 && px < b.x1 - 2 && py > b.y0 + 2 && py < b.y1 - 2;
        }));
        if (under) problems.push(`the wire ${name(n)} -> ${name(target)} runs under ${name(under)}`);
      }
    });
  }
  return problems;
}

describe('PostGreen example flows: layout', () => {
  for (const file of ['postgreen-classic-two-sided.json', 'postgreen-mail-merge.json']) {
    it(`${file}: fits 940 x 700, no node on another, no wire under a node, a comment says what to click, the account points at the sandbox`, () => {
      const nodes = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8')) as FlowNode[];
      assert.deepStrictEqual(layoutProblems(nodes), []);
      assert.ok(nodes.some((n) => n.type === 'comment' && /click/i.test(String(n.name))), 'a comment says what to click');
      assert.ok(!nodes.some((n) => n.type === 'link in' || n.type === 'link out'), 'no hidden (link) wires');
      assert.ok(nodes.filter((n) => n.type === 'fulfillment-account').every((n) => n.baseUrl === 'http://127.0.0.1:1881/postgreen'));
      assert.doesNotMatch(JSON.stringify(nodes), /\bseeds?\b|excerpt/i);
    });
  }
});

describe('PostGreen example flows run against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  sandboxPerTest((s) => (sandbox = s));

  it('postgreen-classic-two-sided.json: letter mailed two-sided, proofs written', async () => {
    await helper.load([...allNodes(), ...coreNodes()], example('postgreen-classic-two-sided.json', sandbox.providerUrl('postgreen'), 'pgc_track'), { pgc_account: { username: 'sandbox', password: 'sandbox-password' } });
    const tap = collect('tap');
    const errs = collect('errs');
    helper.getNode('pgc_make_pdf')?.receive({ payload: Date.now() });
    const [msg] = await tap.wait(1, 20_000).catch((e) => {
      throw new Error(`${(e as Error).message}; errors: ${JSON.stringify(errs.messages.map((m) => m.error))}`);
    });
    const [s] = msg.shipments as Array<{ proofs: Record<string, { path: string }> }>;
    assert.ok(fs.existsSync(s.proofs.ACKN.path));
    const command = sandbox.postgreen.commands[0] as { serviceChannelOptions: Record<string, Record<string, string[]>> };
    assert.deepStrictEqual(command.serviceChannelOptions, { LETTRE_RECOMMANDEE: { MAIN: [SANDBOX_OPTIONS['2SIDE']] } });
  });

  it('postgreen-mail-merge.json: NOT_ELIGIBLE address fixed by the edit path, then delivered and tracked', async () => {
    await helper.load([...allNodes(), ...coreNodes()], example('postgreen-mail-merge.json', sandbox.providerUrl('postgreen'), 'pgm_track'), { pgm_account: { username: 'sandbox', password: 'sandbox-password' } });
    const tap = collect('tap');
    const errs = collect('errs');
    helper.getNode('pgm_make')?.receive({ payload: Date.now() });
    const [msg] = await tap.wait(1, 20_000).catch((e) => {
      throw new Error(`${(e as Error).message}; errors: ${JSON.stringify(errs.messages.map((m) => m.error))}`);
    });
    const [s] = msg.shipments as Array<{ proofs: Record<string, { data: Buffer }> }>;
    assert.strictEqual(s.proofs.ACKN.data.subarray(0, 5).toString(), '%PDF-');
    const [pg] = [...sandbox.postgreen.packGroups.values()];
    assert.strictEqual(pg.edits.length, 1);
    assert.deepStrictEqual((sandbox.postgreen.commands[0] as { serviceChannelOptions: unknown }).serviceChannelOptions, { LETTRE_RECOMMANDEE: { MAIN: [SANDBOX_OPTIONS.BW] } });
  });
});
