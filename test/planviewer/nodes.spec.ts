import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { helper, allNodes, collect, accountNode, catchTo, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_TEST_UUIDS as T } from '../../sandbox/providers/planviewer';

const CREDS = { acc: { apiKey: 'pv-key-123', apiSecret: 'pv-secret-456' } };

describe('Planviewer nodes in a real runtime against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let base: string;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    base = sandbox.providerUrl('planviewer');
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

  function chainFlow(retrieve: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'planviewer', base),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, wires: [['poll', 'placed']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 60, wires: [['retrieve', 'done'], ['attention'], ['progress']] },
      { id: 'retrieve', type: 'fulfillment-retrieve-result', z: 'f1', account: 'acc', output: 'buffer', ...retrieve, wires: [['file']] },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'done', type: 'helper', z: 'f1' },
      { id: 'attention', type: 'helper', z: 'f1' },
      { id: 'progress', type: 'helper', z: 'f1' },
      { id: 'file', type: 'helper', z: 'f1' },
      ...catchTo(),
    ];
  }

  it('orders, follows the job through its states and retrieves the PDF', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const placed = collect('placed');
    const progress = collect('progress');
    const file = collect('file');
    helper.getNode('order')?.receive({ payload: { uuids: [T.normal] }, topic: 'keep me' });
    const [order] = await placed.wait(1);
    assert.ok(Array.isArray(order.jobs) && (order.jobs as string[]).length === 1);
    const jobUuid = (order.jobs as string[])[0];
    assert.deepStrictEqual((order.payload as Array<{ uuid: string }>)[0].uuid, T.normal);
    const [result] = await file.wait(1, 20_000);
    const pdf = result.payload as Buffer;
    assert.ok(Buffer.isBuffer(pdf));
    assert.strictEqual(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(String(result.filename), /^sandbox_[0-9a-f]{8}_bestemmingsplan\.pdf$/);
    assert.strictEqual(result.contentType, 'application/pdf');
    assert.strictEqual(result.jobId, jobUuid);
    assert.strictEqual(result.topic, 'keep me', 'the original message properties travel along');
    const steps = progress.messages.map((m) => `${m.status} ${(m.progress as { current: number }).current}/${(m.progress as { total: number }).total}`);
    assert.deepStrictEqual(steps, ['initial 0/4', 'in_progress 1/4', 'in_progress 2/4', 'in_progress 3/4', 'in_progress 4/4']);
  });

  it('writes a large result (beyond any buffered-answer limit) into a folder, streamed, with a safe file name', async () => {
    sandbox.planviewer.resultBytes = 25 * 1024 * 1024;
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pv-'));
    await helper.load(allNodes(), chainFlow({ output: 'file', folder, folderType: 'str' }), CREDS);
    const file = collect('file');
    helper.getNode('order')?.receive({ payload: T.normal });
    const [msg] = await file.wait(1, 20_000);
    assert.strictEqual(path.dirname(String(msg.payload)), folder);
    assert.strictEqual(fs.readFileSync(String(msg.payload)).subarray(0, 5).toString(), '%PDF-');
    assert.deepStrictEqual(fs.readdirSync(folder), [msg.filename]);
    assert.strictEqual(fs.statSync(String(msg.payload)).size, 25 * 1024 * 1024);
    assert.strictEqual(msg.size, 25 * 1024 * 1024);
  });

  it('refuses a result larger than the Buffer limit instead of filling memory', async () => {
    sandbox.planviewer.resultBytes = 3 * 1024 * 1024;
    await helper.load(allNodes(), chainFlow({ maxBufferMb: 1 }), CREDS);
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: T.normal });
    const [msg] = await errors.wait(1, 20_000);
    assert.match((msg.error as { message: string }).message, /larger than 1048576 bytes; write it to a folder instead/);
  });

  it('sends a job that waits for the user, or ends in error, to the second output', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const attention = collect('attention');
    helper.getNode('order')?.receive({ payload: [T.waitsForUser, T.endsInError] });
    const msgs = await attention.wait(2, 15_000);
    const statuses = msgs.map((m) => m.status).sort();
    assert.deepStrictEqual(statuses, ['error', 'waiting for user']);
    assert.ok(msgs.every((m) => typeof m.reason === 'string'));
  });

  const errorCases: Array<[string, string, number, RegExp]> = [
    ['402', T.paymentRequired, 402, /payment on account is not enabled/],
    ['429', T.dailyCap, 429, /daily order cap reached/],
    ['400', T.invalid, 400, new RegExp(T.invalid)],
  ];
  for (const [name, uuid, status, message] of errorCases) {
    it(`maps HTTP ${name} on order to a clear error on the Catch path, sent once`, async () => {
      await helper.load(allNodes(), chainFlow(), CREDS);
      const errors = collect('errors');
      helper.getNode('order')?.receive({ payload: { uuids: [uuid] } });
      const [msg] = await errors.wait(1);
      const error = msg.error as { message: string; code: string; cause: Record<string, unknown> };
      assert.match(error.message, message);
      assert.strictEqual(error.code, 'http');
      assert.strictEqual(error.cause.status, status);
      assert.deepStrictEqual((error.cause.request as { body: unknown }).body, { uuids: [uuid] });
      assert.ok(error.cause.response !== undefined, 'what came back is kept');
      assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order', 'POST'), 1, 'never retried');
    });
  }

  it('rejects a bad uuid before sending anything', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: { uuids: ['not-a-uuid'] } });
    const [msg] = await errors.wait(1);
    const error = msg.error as { message: string; code: string; cause: { field: string } };
    assert.strictEqual(error.code, 'invalid_input');
    assert.match(error.message, /not-a-uuid/);
    assert.strictEqual(error.cause.field, 'msg.payload.uuids');
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('rejects hostile input with clear, bounded errors and sends nothing', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const errors = collect('errors');
    const hostile: unknown[] = [
      JSON.parse(`{"uuids": ["${T.normal}"], "__proto__": {"polluted": true}}`),
      { uuids: ['x'.repeat(1_000_000)] },
      { uuids: [{ $gt: '' }] },
      { uuids: 42 },
      null,
    ];
    for (const payload of hostile) helper.getNode('order')?.receive({ payload });
    const msgs = await errors.wait(hostile.length);
    for (const m of msgs) {
      const e = m.error as { code: string; message: string };
      assert.strictEqual(e.code, 'invalid_input');
      assert.ok(e.message.length < 300, `bounded message: ${e.message.length} chars`);
    }
    assert.match((msgs[0].error as { message: string }).message, /__proto__/);
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
    assert.strictEqual(sandbox.requests.length, 0);
    helper.getNode('retrieve')?.receive({ payload: '../../etc/passwd' });
    const all = await errors.wait(hostile.length + 1);
    assert.strictEqual((all[hostile.length].error as { code: string }).code, 'invalid_input');
  });

  it('refuses the same order twice within the repeat window, with the earlier answer', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const placed = collect('placed');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    await placed.wait(1);
    helper.getNode('order')?.receive({ payload: [T.normal] });
    const [msg] = await errors.wait(1);
    const error = msg.error as { code: string; cause: { response: unknown } };
    assert.strictEqual(error.code, 'duplicate');
    assert.deepStrictEqual(error.cause.response, placed.messages[0].payload);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1);
    helper.getNode('order')?.receive({ payload: [T.normal], idempotencyKey: 'second order.v2 [copy]' });
    await placed.wait(2);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 2);
  });

  it('marks an order whose connection dropped after sending as outcome unknown, and does not resend it', async () => {
    sandbox.fault({ method: 'POST', path: '/planviewer/product_api/v1/jobs/order', fault: { type: 'reset-after' }, times: 1 });
    await helper.load(allNodes(), chainFlow(), CREDS);
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    const [msg] = await errors.wait(1);
    const error = msg.error as { message: string; code: string; cause: Record<string, unknown> };
    assert.strictEqual(error.code, 'outcome_unknown');
    assert.match(error.message, /outcome unknown/);
    assert.strictEqual([...sandbox.planviewer.jobs.values()].filter((j) => j.intention === T.normal).length, 1, 'the sandbox did place it');
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1);
    helper.getNode('order')?.receive({ payload: [T.normal] });
    const all = await errors.wait(2);
    assert.strictEqual((all[1].error as { code: string }).code, 'duplicate');
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order'), 1);
  });

  it('polls many jobs with one status request per tick', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const placed = collect('placed');
    const done = collect('done');
    const intentions = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
    helper.getNode('order')?.receive({ payload: { uuids: intentions } });
    await placed.wait(1);
    await done.wait(3, 20_000);
    const statusReads = sandbox.requests.filter((r) => r.path.endsWith('/jobs/status'));
    assert.strictEqual(statusReads.length, 6, 'six ticks for six steps, each one request for all three jobs');
    for (const r of statusReads) assert.strictEqual(new URLSearchParams(r.query).getAll('uuids[]').length, 3);
  });

  it('stops polling when the flow is redeployed (close)', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const progress = collect('progress');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    await progress.wait(1);
    await helper.unload();
    const before = sandbox.count('/planviewer/product_api/v1/jobs/status');
    await delay(2500);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/status'), before);
    await helper.load(allNodes(), [{ id: 'f1', type: 'tab' }], {});
  });

  it('stops watching a job on msg.cancel', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const progress = collect('progress');
    const placed = collect('placed');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    const [order] = await placed.wait(1);
    await progress.wait(1);
    helper.getNode('poll')?.receive({ payload: (order.jobs as string[])[0], cancel: true });
    await delay(100);
    const before = sandbox.count('/planviewer/product_api/v1/jobs/status');
    await delay(2200);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/status'), before);
  });

  it('maps retrieve 404 (not finished) and 403 (not allowed) to clear errors', async () => {
    await helper.load(allNodes(), chainFlow(), CREDS);
    const placed = collect('placed');
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.forbiddenResult] });
    const [order] = await placed.wait(1);
    helper.getNode('retrieve')?.receive({ payload: (order.jobs as string[])[0] });
    const [m1] = await errors.wait(1);
    assert.match((m1.error as { message: string }).message, /not authorized to retrieve/);
    helper.getNode('retrieve')?.receive({ payload: '99999999-9999-4999-8999-999999999999' });
    const all = await errors.wait(2);
    assert.match((all[1].error as { message: string }).message, /did not finish/);
  });

  it('warns about a numeric setting that is not a number (a flow file skips the editor checks)', async () => {
    const flow = chainFlow().map((n) => (n.id === 'order' ? { ...n, dedupeWindow: 'abc' } : n.id === 'poll' ? { ...n, interval: 0.1 } : n));
    await helper.load(allNodes(), flow, CREDS);
    const warnings = helper.log().args.map((a) => JSON.stringify(a)).filter((t) => t.includes('"level":30'));
    assert.ok(warnings.some((w) => w.includes('dedupeWindow: \\"abc\\" is not a number; using 86400')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('interval: 0.1 is below the minimum 1; using 1')), warnings.join('\n'));
  });

  it('refuses to send without credentials, naming what is missing', async () => {
    await helper.load(allNodes(), chainFlow(), {});
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    const [msg] = await errors.wait(1);
    assert.match((msg.error as { message: string }).message, /no access key id/);
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('never puts the secret into an error, a status or the log', async () => {
    sandbox.fault({ path: '/planviewer', fault: { type: 'status', status: 500, body: { message: 'boom pv-secret-456 and cHYta2V5LTEyMzpwdi1zZWNyZXQtNDU2' } } });
    await helper.load(allNodes(), chainFlow(), CREDS);
    const errors = collect('errors');
    helper.getNode('order')?.receive({ payload: [T.normal] });
    const [msg] = await errors.wait(1);
    const text = JSON.stringify(msg) + JSON.stringify(helper.log().args);
    assert.ok(!text.includes('pv-secret-456'));
    assert.ok(!text.includes(Buffer.from('pv-key-123:pv-secret-456').toString('base64')));
    assert.match(text, /boom \*\*\*/);
  });
});
