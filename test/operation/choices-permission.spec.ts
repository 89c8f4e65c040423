/**
 * The live-choices endpoint in a real Node-RED process with adminAuth: no
 * answer without a login, an answer for a user who may only read, and never a
 * credential in it.
 */
import assert from 'assert';
import { Sandbox } from '../../sandbox/server';
import { makeUserDir, startNodeRed, NodeRedProcess, request } from '../support/process';


describe('live choices endpoint behind adminAuth (real Node-RED process)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let red: NodeRedProcess | undefined;
  before(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    const flows = [
      { id: 't1', type: 'tab', label: 'choices' },
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 5000 },
      { id: 'op', type: 'fulfillment-operation', z: 't1', account: 'acc', operation: 'intentions', wires: [[]] },
    ];
    // bcrypt of "admin-password" for both users; the viewer may only read.
    const hash = '$2b$08$yIuJmHoNf2SWKA/QMNZ/oufdbCJQ7FBvOFmtUk7rpL3r0In5Jd9vC';
    const adminAuth = `adminAuth: { type: 'credentials', users: [{ username: 'viewer', password: '${hash}', permissions: 'read' }] },`;
    red = await startNodeRed(makeUserDir(flows, { acc: { apiKey: 'choices-key', apiSecret: 'choices-secret-value' } }, undefined, adminAuth));
  });
  after(async () => {
    await red?.stop();
    await sandbox?.stop();
  });

  it('refuses an anonymous caller, answers a read-only user with the product slugs', async () => {
    const url = `${(red as NodeRedProcess).url}/fulfillment/account/acc/choices/products`;
    assert.strictEqual((await request(url, 'GET')).status, 401);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/products/list'), 0, 'nothing asked of the provider for an anonymous caller');
    const token = await request(`${(red as NodeRedProcess).url}/auth/token`, 'POST', { 'Content-Type': 'application/json' }, JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: 'read', username: 'viewer', password: 'admin-password' }));
    assert.strictEqual(token.status, 200, token.body);
    const auth = { Authorization: `Bearer ${(JSON.parse(token.body) as { access_token: string }).access_token}` };
    const res = await request(url, 'GET', auth);
    assert.strictEqual(res.status, 200, res.body);
    const body = JSON.parse(res.body) as { choices: Array<{ value: string; label: string }> };
    assert.ok(body.choices.some((c) => c.value === 'eigendomsinformatie-json'), res.body.slice(0, 200));
    for (const text of [res.body, (red as NodeRedProcess).output()]) {
      assert.ok(!text.includes('choices-secret-value') && !text.includes('choices-key'), 'no credential in the answer or the log');
    }
    const write = await request(`${(red as NodeRedProcess).url}/fulfillment/account/acc/test`, 'POST', auth);
    assert.strictEqual(write.status, 401, 'a read-only user cannot use the write endpoints');
  });
});
