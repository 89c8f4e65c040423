/**
 * The operations sidebar after a restart of a real Node-RED process with the
 * localfilesystem context store: the same jobs in flight, the same rows that
 * need attention, the same placed calls and callbacks.
 */
import assert from 'assert';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';
import { makeUserDir, startNodeRed, post, NodeRedProcess, getJson } from '../support/process';
import { CallbackRow, CallRow, InFlightRow, ListPage } from '../../nodes/runtime/activity';


describe('operations sidebar across a restart (a real Node-RED process, localfilesystem context)', function () {
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

  it('shows the same jobs in flight, the same attention rows, placed calls and callbacks after the restart', async () => {
    const watched = Array.from({ length: 5 }, (_, i) => {
      const id = `00000000-0000-4000-9000-${String(500 + i).padStart(12, '0')}`;
      sandbox.planviewer.jobs.set(id, { uuid: id, intention: T.normal, reads: 0, owner: 'k-side' });
      return id;
    });
    const flows = [
      { id: 't1', type: 'tab', label: 'restart' },
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: sandbox.providerUrl('planviewer'), timeout: 5000 },
      { id: 'pb', type: 'fulfillment-account', provider: 'probo', baseUrl: sandbox.providerUrl('probo'), timeout: 5000 },
      { id: 'watch', type: 'inject', z: 't1', props: [{ p: 'payload' }], payload: '[]', payloadType: 'json', wires: [['slow']] },
      { id: 'slow', type: 'fulfillment-poll-status', z: 't1', account: 'acc', interval: 3600, maxWait: 0, wires: [[], [], []] },
      { id: 'inj', type: 'inject', z: 't1', props: [{ p: 'payload' }], payload: JSON.stringify({ uuids: [T.waitsForUser] }), payloadType: 'json', wires: [['order']] },
      { id: 'order', type: 'fulfillment-place-order', z: 't1', account: 'acc', dedupeWindow: 3600, wires: [['fast']] },
      { id: 'fast', type: 'fulfillment-poll-status', z: 't1', account: 'acc', interval: 1, maxWait: 600, wires: [[], [], []] },
      { id: 'cb', type: 'fulfillment-callback', z: 't1', account: 'pb', kind: 'order', path: 'restart-test', wires: [[]] },
    ];
    const userDir = makeUserDir(flows, { acc: { apiKey: 'k-side', apiSecret: 's-side' }, pb: { apiKey: 'pb-side' }, cb: { secret: 'cb-side-secret' } });
    red = await startNodeRed(userDir);
    const api = `${red.url}/fulfillment/activity`;
    await post(`${red.url}/inject/watch`, { __user_inject_props__: [{ p: 'payload', v: JSON.stringify(watched), vt: 'json' }] });
    await post(`${red.url}/inject/inj`);
    assert.strictEqual((await post(`${red.url}/fulfillment/callback/restart-test/cb-side-secret`, { id: 'web-3', status: 'accepted' })).status, 200);
    assert.strictEqual((await post(`${red.url}/fulfillment/callback/restart-test/wrong`, { id: 'web-3', status: 'accepted' })).status, 401);

    let before: ListPage<InFlightRow> | undefined;
    const end = Date.now() + 20_000;
    for (;;) {
      before = await getJson<ListPage<InFlightRow>>(`${api}/inflight`);
      if (before.rows.some((r) => r.attention) && before.rows.filter((r) => r.state === 'initial').length === 5) break;
      if (Date.now() > end) throw new Error(`no attention row: ${JSON.stringify(before)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const placedBefore = await getJson<ListPage<CallRow>>(`${api}/placed`);
    const callbacksBefore = await getJson<ListPage<CallbackRow>>(`${api}/callbacks`);
    assert.strictEqual(placedBefore.total, 1);
    assert.strictEqual(callbacksBefore.total, 2);
    // The lists reach the context store within a second (writes are batched).
    await new Promise((r) => setTimeout(r, 1500));
    await red.stop();

    red = await startNodeRed(userDir);
    const apiAfter = `${red.url}/fulfillment/activity`;
    const shape = (p: ListPage<InFlightRow>) => p.rows.map((r) => `${r.node} ${r.kind} ${r.id} ${r.attention ? `attention: ${r.attention.reason}` : 'watched'} since ${r.since}`).sort();
    let after: ListPage<InFlightRow> | undefined;
    const end2 = Date.now() + 20_000;
    for (;;) {
      after = await getJson<ListPage<InFlightRow>>(`${apiAfter}/inflight`);
      if (after.total >= before.total || Date.now() > end2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepStrictEqual(shape(after), shape(before), 'the same jobs, attention rows and waiting times');
    assert.ok(after.rows.some((r) => r.attention?.reason === 'an action by the end user is needed to complete the order'));
    assert.deepStrictEqual((await getJson<ListPage<CallRow>>(`${apiAfter}/placed`)).rows, placedBefore.rows);
    const cbAfter = await getJson<ListPage<CallbackRow>>(`${apiAfter}/callbacks`);
    assert.deepStrictEqual(cbAfter.rows.map((r) => [r.type, r.id, r.status, r.httpStatus, r.reason]), callbacksBefore.rows.map((r) => [r.type, r.id, r.status, r.httpStatus, r.reason]));
    assert.ok(!red.output().includes('cb-side-secret') && !red.output().includes('s-side'), 'no secret in the log');
  });
});
