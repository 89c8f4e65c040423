import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { helper, allNodes, collect } from '../support/red';
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

describe('PostGreen example flows run against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

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
