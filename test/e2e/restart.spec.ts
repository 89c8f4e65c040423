import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { makeUserDir, startNodeRed, post, waitUntil, NodeRedProcess } from '../support/process';

describe('a real Node-RED process: restart, crash, package loading', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let red: NodeRedProcess | undefined;
  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  afterEach(async () => {
    await red?.stop();
    await sandbox.stop();
  });

  function flows(folder: string): unknown[] {
    return [
      { id: 't1', type: 'tab', label: 'test' },
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 5000 },
      { id: 'inj', type: 'inject', z: 't1', props: [{ p: 'payload' }], payload: JSON.stringify({ uuids: [T.normal] }), payloadType: 'json', wires: [['order']] },
      { id: 'order', type: 'fulfillment-place-order', z: 't1', account: 'acc', dedupeWindow: 3600, wires: [['poll']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 't1', account: 'acc', interval: 1, maxWait: 600, wires: [['get'], [], []] },
      { id: 'get', type: 'fulfillment-retrieve-result', z: 't1', account: 'acc', output: 'file', folder, folderType: 'str', wires: [[]] },
    ];
  }

  it('loads the package with no warnings, and after a crash (SIGKILL) resumes polling and still refuses the same order', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pv-out-'));
    const userDir = makeUserDir(flows(folder), { acc: { apiKey: 'k-restart', apiSecret: 's-restart' } });
    red = await startNodeRed(userDir);
    assert.doesNotMatch(red.output(), /\[warn\].*fulfillment|Error loading|Failed to register/i);
    assert.match(red.output(), /Started flows/);
    assert.strictEqual((await post(`${red.url}/inject/inj`)).status, 200);
    await waitUntil(() => sandbox.count('/planviewer/product_api/v1/jobs/status') >= 2, 15_000, 'two status reads');
    await red.stop('SIGKILL');
    const readsBefore = sandbox.count('/planviewer/product_api/v1/jobs/status');
    assert.deepStrictEqual(fs.readdirSync(folder), [], 'not finished before the crash');

    red = await startNodeRed(userDir);
    await waitUntil(() => fs.readdirSync(folder).some((f) => f.endsWith('.pdf')), 20_000, 'the PDF after the restart');
    assert.ok(sandbox.count('/planviewer/product_api/v1/jobs/status') > readsBefore);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1);

    await post(`${red.url}/inject/inj`);
    await waitUntil(() => /already placed/.test(red?.output() ?? ''), 10_000, 'the duplicate refusal in the log');
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1, 'no second order after the restart');
    assert.ok(!red.output().includes('s-restart'), 'the secret is not in the log');
  });
});
