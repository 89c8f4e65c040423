import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { makeUserDir, startNodeRed, post, waitUntil, NodeRedProcess } from '../support/process';

/** Node-RED 5 needs Node >= 22.9: both are installed by scripts/node-red-5.js (npm test runs it first). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const nodeRed5 = (require(path.resolve(__dirname, '..', '..', '..', 'scripts', 'node-red-5.js')) as { locate(): { node22: string; redJs: string } | undefined }).locate();

describe('Node-RED 5 on Node 22 (a real process)', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let red: NodeRedProcess | undefined;
  before(function () {
    if (!nodeRed5) this.skip();
  });
  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  afterEach(async () => {
    await red?.stop();
    await sandbox.stop();
  });

  it('loads the package without warnings and runs the Planviewer flow to the PDF', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nr5-out-'));
    const flows = [
      { id: 't1', type: 'tab', label: 'nr5' },
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 5000 },
      { id: 'inj', type: 'inject', z: 't1', props: [{ p: 'payload' }], payload: T.normal, payloadType: 'str', wires: [['order']] },
      { id: 'order', type: 'fulfillment-place-order', z: 't1', account: 'acc', dedupeWindow: 60, wires: [['poll']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 't1', account: 'acc', interval: 1, maxWait: 600, wires: [['get'], [], []] },
      { id: 'get', type: 'fulfillment-retrieve-result', z: 't1', account: 'acc', output: 'file', folder, folderType: 'str', wires: [[]] },
    ];
    const userDir = makeUserDir(flows, { acc: { apiKey: 'k5', apiSecret: 's5-secret' } });
    red = await startNodeRed(userDir, nodeRed5?.node22, nodeRed5?.redJs);
    assert.match(red.output(), /Node-RED version: v5\./);
    assert.match(red.output(), /Node\.js {2}version: v22\./);
    assert.doesNotMatch(red.output(), /\[warn\].*fulfillment|Error loading|Failed to register/i);
    await post(`${red.url}/inject/inj`);
    await waitUntil(() => fs.readdirSync(folder).some((f) => f.endsWith('.pdf')), 30_000, 'the PDF');
    assert.strictEqual(fs.readFileSync(path.join(folder, fs.readdirSync(folder)[0])).subarray(0, 5).toString(), '%PDF-');
  });
});
