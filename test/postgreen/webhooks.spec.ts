import assert from 'assert';
import http from 'http';
import { AddressInfo } from 'net';
import { helper, allNodes, collect, accountNode, catchTo, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';

const CREDS = { acc: { username: 'pg-user', password: 'pg-secret-789' }, cb: { secret: 'pg-hook-secret-1' } };
type Msg = Record<string, unknown>;
type App = http.RequestListener;

/** The shipment webhook as the API appendix documents it, in a real runtime: the sandbox posts, the callback node answers. */
describe('PostGreen shipment webhooks through the callback node', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let httpNode: App | undefined;
  let server: http.Server;
  let hookUrl: string;

  const grab = (RED: { httpNode: App }): void => {
    httpNode = RED.httpNode;
  };

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    httpNode = undefined;
    server = http.createServer((req, res) => (httpNode ? httpNode(req, res) : res.end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    hookUrl = `${publicUrl}/fulfillment/callback/postgreen-hooks/${CREDS.cb.secret}`;
    await helper.load([...allNodes(), grab], [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'postgreen', sandbox.providerUrl('postgreen')),
      { id: 'cb', type: 'fulfillment-callback', z: 'f1', account: 'acc', kind: 'shipment', path: 'postgreen-hooks', publicUrl, dedupeWindow: 3600, wires: [['events']] },
      { id: 'events', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], CREDS);
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => server.close(() => r()));
    await sandbox.stop();
  });

  it('accepts the three documented event types (name and eventDate null, numeric status as a string), 200 each, output once with the status meaning', async () => {
    const events = collect('events');
    const sent = sandbox.postgreen.shipmentEvents('SHP7001');
    assert.strictEqual(sent[0].name, null, 'SHIPMENT_STATUS carries no name');
    assert.strictEqual(sent[0].eventDate, null);
    for (const e of sent) assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, e), 200);
    const out = await events.wait(3);
    const [status, text, file] = out;
    assert.deepStrictEqual(status.shipmentStatus, { code: 600, label: 'Mailed', final: false, failed: false, known: true });
    assert.strictEqual(status.eventType, 'SHIPMENT_STATUS');
    assert.strictEqual(status.name, null);
    assert.strictEqual(status.eventDate, null);
    assert.strictEqual(status.shipmentId, 7001);
    assert.strictEqual(status.shipmentExternalId, sent[0].shipmentExternalId);
    assert.deepStrictEqual(status.payload, sent[0], 'the body is passed on as it came');
    assert.strictEqual(text.eventType, 'TRACKING_TEXT');
    assert.strictEqual(text.value, sent[1].value);
    assert.strictEqual(file.eventType, 'TRACKING_FILE');
    assert.strictEqual((file.payload as Msg).podxBatch, 'B-17', 'fields the appendix does not name are kept');
    assert.strictEqual(text.shipmentStatus, undefined, 'only SHIPMENT_STATUS has a shipment status');

    // The platform re-sends until it gets a 200: each repeat is answered 200 and dropped.
    for (const e of sent) assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, e), 200);
    await delay(100);
    assert.strictEqual(events.messages.length, 3);
  });

  it('outputs a re-sent event once even when the re-send carries a new serverTimestamp (15 minutes later)', async () => {
    const events = collect('events');
    const sent = sandbox.postgreen.shipmentEvents('SHP7004');
    for (const e of sent) assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, e), 200);
    await events.wait(3);
    for (const e of sent) assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, { ...e, serverTimestamp: (e.serverTimestamp as number) + 900_000 }), 200);
    // A new status of the same shipment is still a new event.
    const [delivered] = sandbox.postgreen.shipmentEvents('SHP7004', 610);
    assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, delivered), 200);
    await events.wait(4);
    await delay(100);
    assert.deepStrictEqual(events.messages.map((m) => `${String(m.eventType)} ${String(m.value)}`), ['SHIPMENT_STATUS 600', `TRACKING_TEXT ${String(sent[1].value)}`, `TRACKING_FILE ${String(sent[2].value)}`, 'SHIPMENT_STATUS 610']);
  });

  it('gives failures and unknown codes their meaning; a later status of the same shipment is a new event', async () => {
    const events = collect('events');
    const [mailed] = sandbox.postgreen.shipmentEvents('SHP7002', 600);
    const [wrongAddress] = sandbox.postgreen.shipmentEvents('SHP7002', -614);
    const [waiting] = sandbox.postgreen.shipmentEvents('SHP7002', -750);
    const unknown = { ...mailed, value: 999, serverTimestamp: (mailed.serverTimestamp as number) + 5 };
    for (const e of [mailed, { ...wrongAddress, serverTimestamp: (mailed.serverTimestamp as number) + 1 }, { ...waiting, serverTimestamp: (mailed.serverTimestamp as number) + 2 }, unknown]) {
      assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, e), 200);
    }
    const out = await events.wait(4);
    assert.deepStrictEqual(out.map((m) => m.shipmentStatus), [
      { code: 600, label: 'Mailed', final: false, failed: false, known: true },
      { code: -614, label: 'Incorrect address', final: true, failed: true, known: true },
      { code: -750, label: 'Waiting user action', final: false, failed: true, known: true },
      { code: 999, label: 'status 999', final: false, failed: false, known: false },
    ]);
    assert.strictEqual(out[1].status, '-614 Incorrect address');
    assert.match(String((out[3].warnings as string[])[0]), /999 is not in the provider's status table; passed on as it came/);
  });

  it('never refuses an event for a null field it does not need, and keys it soundly even then', async () => {
    const events = collect('events');
    const bare = { eventType: 'SHIPMENT_STATUS', shipmentId: 7003, shipmentExternalId: null, name: null, value: '610', serverTimestamp: null, eventDate: null };
    const byExternal = { eventType: 'TRACKING_TEXT', shipmentExternalId: 88, name: 'TRACKING', value: '1A00000000088', serverTimestamp: '1733889600000' };
    for (const e of [bare, byExternal, bare, byExternal]) assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, e), 200);
    await events.wait(2);
    await delay(100);
    assert.strictEqual(events.messages.length, 2, 'repeats without any timestamp are still dropped');
    assert.deepStrictEqual(events.messages[0].shipmentStatus, { code: 610, label: 'Delivered', final: true, failed: false, known: true });
    assert.strictEqual(events.messages[1].shipmentExternalId, 88);
  });

  it('answers 400 only to a body that says nothing about a shipment, and outputs nothing for it', async () => {
    const events = collect('events');
    assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, { shipmentId: 1, value: '600' }), 400);
    assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, { eventType: 'SHIPMENT_STATUS', value: '600' }), 400);
    assert.strictEqual(await sandbox.postgreen.sendWebhook(hookUrl, { eventType: 'SHIPMENT_STATUS', shipmentId: 7004, value: '600', extra: { nested: true } }), 200);
    await events.wait(1);
    assert.strictEqual(events.messages.length, 1);
  });
});
