import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { Sandbox } from '../../sandbox/server';
import { makeUserDir, startNodeRed, NodeRedProcess, request } from '../support/process';


describe('security in a real Node-RED process', function () {
  this.timeout(60_000);
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

  it('refuses anonymous calls to the admin endpoints when adminAuth is on, and never exports or returns secrets', async () => {
    const flows = [
      { id: 't1', type: 'tab', label: 'sec' },
      { id: 'shared', type: 'fulfillment-shared-state', url: 'redis://127.0.0.1:1/0' },
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 5000, sharedState: 'shared' },
      { id: 'order', type: 'fulfillment-place-order', z: 't1', account: 'acc', dedupeWindow: 60, wires: [[]] },
    ];
    // bcrypt of "admin-password"
    const adminAuth = `adminAuth: { type: 'credentials', users: [{ username: 'admin', password: '$2b$08$yIuJmHoNf2SWKA/QMNZ/oufdbCJQ7FBvOFmtUk7rpL3r0In5Jd9vC', permissions: '*' }] },`;
    const userDir = makeUserDir(flows, { acc: { apiKey: 'sec-key', apiSecret: 'sec-secret-value', username: 'someone' }, shared: { password: 'sec-redis-password' } }, undefined, adminAuth);
    red = await startNodeRed(userDir);
    const anonymous = await request(`${red.url}/fulfillment/account/acc/test`, 'POST');
    assert.strictEqual(anonymous.status, 401);
    const flowsAnon = await request(`${red.url}/flows`, 'GET');
    assert.strictEqual(flowsAnon.status, 401);

    const token = await request(`${red.url}/auth/token`, 'POST', { 'Content-Type': 'application/json' }, JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: 'admin', password: 'admin-password' }));
    assert.strictEqual(token.status, 200, token.body);
    const auth = { Authorization: `Bearer ${(JSON.parse(token.body) as { access_token: string }).access_token}` };
    const tested = await request(`${red.url}/fulfillment/account/acc/test`, 'POST', auth);
    assert.strictEqual(tested.status, 200);
    assert.match(tested.body, /"ok":true/);
    assert.match(tested.body, /18 products/);

    const exported = await request(`${red.url}/flows`, 'GET', auth);
    const creds = await request(`${red.url}/credentials/fulfillment-account/acc`, 'GET', auth);
    const sharedCreds = await request(`${red.url}/credentials/fulfillment-shared-state/shared`, 'GET', auth);
    for (const text of [exported.body, creds.body, sharedCreds.body, tested.body, red.output()]) {
      assert.ok(!text.includes('sec-secret-value'), 'secret in an admin answer or the log');
      assert.ok(!text.includes('sec-key'), 'API key in an admin answer or the log');
      assert.ok(!text.includes('sec-redis-password'), 'Redis password in an admin answer or the log');
    }
    assert.match(sharedCreds.body, /"has_password":true/);
    assert.match(creds.body, /"has_apiSecret":true/);
    assert.match(creds.body, /"username":"someone"/, 'a username is not a secret and may be shown');
    assert.ok(!fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8').includes('sec-secret-value'));
  });
});
