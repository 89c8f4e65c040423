import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { helper, allNodes, collect, accountNode, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { samplePdf } from '../../sandbox/pdf';
import { SANDBOX_ADDRESSES as A, SANDBOX_OPTIONS as O, SANDBOX_SERVICE as S } from '../../sandbox/providers/postgreen';

const CREDS = { acc: { username: 'pg-user', password: 'pg-secret-789' } };
const PDF = samplePdf(['Dear customer', 'This is a letter.']);
type Msg = Record<string, unknown>;
type ErrorMsg = { message: string; code: string; cause: Record<string, unknown> };

describe('PostGreen nodes in a real runtime against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let base: string;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    base = sandbox.providerUrl('postgreen');
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

  function flow(opts: { mode?: string; proofs?: string; folder?: string; chain?: boolean } = {}): Msg[] {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'postgreen', base),
      { id: 'auth', type: 'fulfillment-authenticate', z: 'f1', account: 'acc', wires: [['profile']] },
      { id: 'createJob', type: 'fulfillment-create-job', z: 'f1', account: 'acc', mode: opts.mode ?? 'classic', service: S.id, serviceType: 'str', jobName: 'letters', jobNameType: 'str', wires: [opts.chain === false ? ['created'] : ['created', 'pollJob']] },
      { id: 'pollJob', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'job', interval: 1, maxWait: 60, wires: [['jobDone', 'delivery'], ['jobAttention'], ['jobProgress']] },
      { id: 'delivery', type: 'fulfillment-create-delivery', z: 'f1', account: 'acc', channel: '', channelType: 'str', outputFile: 'MAIN', options: '{"print_mode":"2SIDE"}', optionsType: 'json', wires: [['delivered', 'pollDeliveries']] },
      { id: 'pollDeliveries', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'deliveries', interval: 1, maxWait: 60, wires: [['track'], ['deliveryFailed'], ['deliveryProgress']] },
      { id: 'track', type: 'fulfillment-track-shipment', z: 'f1', account: 'acc', proofs: opts.proofs ?? 'buffer', proofNames: 'ACKN,CERTIF', folder: opts.folder ?? '', folderType: 'str', wires: [['tracked']] },
      { id: 'listPg', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'list', wires: [['listed']] },
      { id: 'editPg', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'edit', wires: [['edited']] },
      ...['profile', 'created', 'jobDone', 'jobAttention', 'jobProgress', 'delivered', 'deliveryFailed', 'deliveryProgress', 'tracked', 'listed', 'edited'].map((id) => ({ id, type: 'helper', z: 'f1' })),
      ...catchTo(),
    ];
  }

  it('authenticate outputs the profile and the option catalogue', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const profile = collect('profile');
    helper.getNode('auth')?.receive({ payload: '' });
    const [msg] = await profile.wait(1);
    const p = msg.payload as { services: Array<{ id: string; channels: Array<{ label: string }> }>; optionsByName: Record<string, { values: Record<string, string> }> };
    assert.strictEqual(p.services[0].id, S.id);
    assert.strictEqual(p.services[0].channels[0].label, S.channelLabel);
    assert.strictEqual(p.optionsByName.print_mode.values['2SIDE'], O['2SIDE']);
  });

  it('classic job, two-sided: create -> poll job -> delivery -> poll deliveries -> track -> proof PDFs', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const created = collect('created');
    const delivered = collect('delivered');
    const progress = collect('deliveryProgress');
    const tracked = collect('tracked');
    helper.getNode('createJob')?.receive({ payload: [{ filename: 'a.pdf', data: PDF }, { filename: 'b.pdf', data: PDF }], topic: 'batch 7' });
    const [c] = await created.wait(1);
    const jobId = c.jobId as string;
    assert.match(jobId, /^JOB\d+$/);
    assert.strictEqual((c.payload as { status: string }).status, 'PROCESSING');
    const [d] = await delivered.wait(1);
    assert.deepStrictEqual(d.deliveryCommand, { jobId, serviceChannelOptions: { [S.channelLabel]: { MAIN: [O['2SIDE']] } } });
    assert.deepStrictEqual(sandbox.postgreen.commands, [d.deliveryCommand]);
    const [t] = await tracked.wait(1, 20_000);
    assert.strictEqual(t.ready, true);
    assert.strictEqual(t.jobId, jobId);
    assert.strictEqual(t.topic, 'batch 7', 'message properties travel through the chain');
    const shipments = t.shipments as Array<{ trackingNumber: string; proofs: Record<string, { data: Buffer; filename: string }> }>;
    assert.strictEqual(shipments.length, 2, 'one shipment per letter');
    for (const s of shipments) {
      assert.match(s.trackingNumber, /^1A\d{11}$/);
      assert.deepStrictEqual(Object.keys(s.proofs).sort(), ['ACKN', 'CERTIF']);
      assert.strictEqual(s.proofs.ACKN.data.subarray(0, 5).toString(), '%PDF-');
    }
    assert.ok(progress.messages.some((m) => m.status === 'READY'), 'READY is reported as progress');
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 1, 'one session for the whole chain');
    await helper.unload();
    assert.strictEqual(sandbox.postgreen.logoutCalls, 1, 'logout on close');
  });

  it('fetches the proof PDFs with Accept */* from a server that negotiates content', async () => {
    sandbox.postgreen.honourAccept = true;
    await helper.load(allNodes(), flow(), CREDS);
    const tracked = collect('tracked');
    const errors = collect('errors');
    helper.getNode('createJob')?.receive({ payload: PDF });
    await Promise.race([tracked.wait(1, 20_000), errors.wait(1, 20_000)]);
    assert.deepStrictEqual(errors.messages.map((m) => (m.error as { message: string }).message), []);
    const [s] = tracked.messages[0].shipments as Array<{ proofs: Record<string, { data: Buffer }> }>;
    assert.deepStrictEqual(Object.keys(s.proofs).sort(), ['ACKN', 'CERTIF']);
    assert.strictEqual(s.proofs.ACKN.data.subarray(0, 5).toString(), '%PDF-');
  });

  it('writes the proofs into a folder', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-proofs-'));
    await helper.load(allNodes(), flow({ proofs: 'file', folder }), CREDS);
    const tracked = collect('tracked');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [t] = await tracked.wait(1, 20_000);
    const [s] = t.shipments as Array<{ shipmentId: string; proofs: Record<string, { path: string }> }>;
    assert.strictEqual(path.dirname(s.proofs.ACKN.path), folder);
    assert.deepStrictEqual(fs.readdirSync(folder).sort(), [`${s.shipmentId}_ACKN.pdf`, `${s.shipmentId}_CERTIF.pdf`]);
    assert.strictEqual(fs.readFileSync(s.proofs.CERTIF.path).subarray(0, 5).toString(), '%PDF-');
  });

  it('mail-merge: the ineligible address needs attention, is listed, fixed by an edit, then delivered', async () => {
    await helper.load(allNodes(), flow({ mode: 'mailmerge' }), CREDS);
    const attention = collect('jobAttention');
    const listed = collect('listed');
    const edited = collect('edited');
    const delivered = collect('delivered');
    const errors = collect('errors');
    helper.getNode('createJob')?.receive({ payload: PDF, packRequirements: { POSTAL_ADDRESS_RECIPIENT: { '@type': 'exv.Value', value: A.ineligible } } });
    const [att] = await attention.wait(1);
    assert.match(String(att.reason), /1 pack group\(s\) NOT_ELIGIBLE/);
    const jobId = att.jobId as string;
    assert.deepStrictEqual(sandbox.postgreen.jobs.get(jobId)?.packRequirements, { POSTAL_ADDRESS_RECIPIENT: { '@type': 'exv.Value', value: A.ineligible } });
    helper.getNode('delivery')?.receive({ payload: jobId });
    const [e1] = await errors.wait(1);
    assert.match((e1.error as ErrorMsg).message, /NOT_ELIGIBLE/);
    helper.getNode('listPg')?.receive({ payload: jobId });
    const [l] = await listed.wait(1);
    const bad = l.notEligible as Array<{ id: string; problems: string[] }>;
    assert.strictEqual(bad.length, 1);
    assert.match(bad[0].problems[0], /ADDRESS_INVALID.*postal code.*POSTAL_ADDRESS_RECIPIENT/);
    helper.getNode('editPg')?.receive({ payload: { packGroupId: bad[0].id, name: 'POSTAL_ADDRESS_RECIPIENT', value: A.valid } });
    const [ed] = await edited.wait(1);
    assert.strictEqual((ed.payload as { result: { status: string } }).result.status, 'ELIGIBLE');
    helper.getNode('delivery')?.receive({ payload: { jobId, options: { print_mode: '1SIDE', print_color: 'COLOR' } } });
    const [d] = await delivered.wait(1);
    assert.deepStrictEqual((d.deliveryCommand as { serviceChannelOptions: unknown }).serviceChannelOptions, { [S.channelLabel]: { MAIN: [O['1SIDE'], O.COLOR] } });
  });

  it('auto-created deliveries: poll deliveries straight after the job', async () => {
    const f = flow({ mode: 'autocreate' });
    (f.find((n) => n.id === 'pollJob') as Msg).wires = [['jobDone', 'pollDeliveries'], ['jobAttention'], ['jobProgress']];
    await helper.load(allNodes(), f, CREDS);
    const tracked = collect('tracked');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [t] = await tracked.wait(1, 20_000);
    assert.strictEqual(t.ready, true);
    assert.strictEqual(sandbox.postgreen.commands.length, 0, 'no delivery command sent');
  });

  it('poll status kind job reports progress while the job is processing, then done', async () => {
    sandbox.postgreen.processingReads = 3;
    const f = flow();
    (f.find((n) => n.id === 'pollJob') as Msg).wires = [['jobDone'], ['jobAttention'], ['jobProgress']];
    await helper.load(allNodes(), f, CREDS);
    const progress = collect('jobProgress');
    const done = collect('jobDone');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [d] = await done.wait(1, 15_000);
    assert.strictEqual(d.status, 'PACK_GROUP_CREATED');
    assert.deepStrictEqual(progress.messages.map((m) => m.status), ['PROCESSING']);
    assert.strictEqual(sandbox.count('/postgreen/jobs/', 'GET'), 3);
  });

  it('poll status: an unknown job goes to the failed output without stopping the others', async () => {
    const f = flow({ chain: false });
    (f.find((n) => n.id === 'pollJob') as Msg).wires = [['jobDone'], ['jobAttention'], ['jobProgress']];
    await helper.load(allNodes(), f, CREDS);
    const created = collect('created');
    const done = collect('jobDone');
    const failed = collect('jobAttention');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    helper.getNode('pollJob')?.receive({ payload: [c.jobId, 'JOB404'] });
    const [d] = await done.wait(1);
    const [x] = await failed.wait(1);
    assert.strictEqual(d.jobId, c.jobId);
    assert.strictEqual(x.jobId, 'JOB404');
    assert.match(String(x.reason), /HTTP 404/);
  });

  it('poll status kind job reads the pack groups when the job answer has no counts (N documents)', async () => {
    sandbox.postgreen.omitCounts = true;
    const f = flow({ mode: 'mailmerge' });
    (f.find((n) => n.id === 'pollJob') as Msg).wires = [['jobDone'], ['jobAttention'], ['jobProgress']];
    await helper.load(allNodes(), f, CREDS);
    const attention = collect('jobAttention');
    helper.getNode('createJob')?.receive({ payload: [PDF, samplePdf(['second document'])], packRequirements: { POSTAL_ADDRESS_RECIPIENT: A.ineligible } });
    const [att] = await attention.wait(1);
    assert.match(String(att.reason), /2 pack group\(s\) NOT_ELIGIBLE/);
    assert.deepStrictEqual((att.payload as { packGroupCountPerStates: unknown }).packGroupCountPerStates, { NOT_ELIGIBLE: 2 });
    assert.ok(sandbox.count(`/postgreen/jobs/${String(att.jobId)}/packGroups`, 'GET') >= 1);
  });

  it('serves the editor dropdowns through the admin endpoints (ids and names only)', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const agent = helper.request() as unknown as { get(p: string): { expect(code: number): Promise<{ body: Record<string, unknown> }> } };
    const services = await agent.get('/fulfillment/postgreen/acc/services').expect(200);
    assert.strictEqual((services.body.services as Array<{ id: string }>)[0].id, S.id);
    const options = await agent.get('/fulfillment/postgreen/acc/options').expect(200);
    assert.strictEqual((options.body.optionsByName as Record<string, { values: Record<string, string> }>).print_mode.values['2SIDE'], O['2SIDE']);
    await agent.get('/fulfillment/postgreen/nope/services').expect(404);
    assert.ok(!JSON.stringify(services.body).includes('pg-secret-789'));
  });

  it('refuses the same job twice within the repeat window, and after an unknown outcome', async () => {
    await helper.load(allNodes(), flow({ chain: false }), CREDS);
    const created = collect('created');
    const errors = collect('errors');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [e] = await errors.wait(1);
    const err = e.error as ErrorMsg;
    assert.strictEqual(err.code, 'duplicate');
    assert.deepStrictEqual(err.cause.response, c.payload);
    assert.strictEqual(sandbox.postgreen.jobs.size, 1);
    helper.getNode('createJob')?.receive({ payload: PDF, idempotencyKey: 'second copy' });
    await created.wait(2);
    assert.strictEqual(sandbox.postgreen.jobs.size, 2);

    sandbox.fault({ method: 'POST', path: '/postgreen/jobs', fault: { type: 'reset-after' }, times: 1 });
    const other = samplePdf(['another letter']);
    helper.getNode('createJob')?.receive({ payload: other });
    const all = await errors.wait(2);
    assert.strictEqual((all[1].error as ErrorMsg).code, 'outcome_unknown');
    assert.strictEqual(sandbox.postgreen.jobs.size, 3, 'the sandbox did create it');
    helper.getNode('createJob')?.receive({ payload: other });
    const all3 = await errors.wait(3);
    assert.strictEqual((all3[2].error as ErrorMsg).code, 'duplicate');
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 3, 'never sent again');
  });

  it('refuses the same delivery command again (no shared state needed), before CheckOptions is asked; after an unknown outcome too', async () => {
    await helper.load(allNodes(), flow({ chain: false }), CREDS);
    const created = collect('created');
    const delivered = collect('delivered');
    const errors = collect('errors');
    const checks = (): number => sandbox.count('/postgreen/deliveries/CheckOptions', 'POST');
    const commands = (): number => sandbox.count('/postgreen/deliveries/commands', 'POST');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    const jobId = c.jobId as string;
    helper.getNode('delivery')?.receive({ payload: { jobId, options: { print_mode: '2SIDE' } } });
    const [d] = await delivered.wait(1);
    assert.match(String(d.idempotencyKey), /^[0-9a-f]{64}$/, 'the key it was recorded under');
    const [checked, sent] = [checks(), commands()];
    assert.strictEqual(sent, 1);

    // The same delivery again (an inject clicked twice, a retry): refused with the first answer, nothing sent.
    helper.getNode('delivery')?.receive({ payload: { jobId, options: { print_mode: '2SIDE' } } });
    const [e] = await errors.wait(1);
    const err = e.error as ErrorMsg;
    assert.strictEqual(err.code, 'duplicate');
    assert.match(err.message, /this delivery command was already sent .*Use a new msg\.idempotencyKey to send it once more/);
    assert.deepStrictEqual(err.cause.response, d.payload);
    assert.deepStrictEqual([checks(), commands()], [checked, sent], 'not even CheckOptions was asked');

    // Other settings are another delivery; a new msg.idempotencyKey lets the same one through (here PostGreen offers nothing left to deliver).
    helper.getNode('delivery')?.receive({ payload: { jobId, options: { print_mode: '2SIDE' } }, idempotencyKey: 'deliver again' });
    const [, again] = await errors.wait(2);
    assert.notStrictEqual((again.error as ErrorMsg).code, 'duplicate');
    assert.strictEqual(checks(), checked + 1, 'asked the provider');

    // A command whose connection dropped after PostGreen handled it: outcome unknown, and the guard keeps it.
    helper.getNode('createJob')?.receive({ payload: samplePdf(['another letter']) });
    const [, c2] = await created.wait(2);
    sandbox.fault({ method: 'POST', path: '/postgreen/deliveries/commands', fault: { type: 'reset-after' }, times: 1 });
    helper.getNode('delivery')?.receive({ payload: c2.jobId });
    const [, , unknown] = await errors.wait(3);
    assert.strictEqual((unknown.error as ErrorMsg).code, 'outcome_unknown');
    assert.strictEqual(commands(), sent + 1);
    helper.getNode('delivery')?.receive({ payload: c2.jobId });
    const [, , , repeat] = await errors.wait(4);
    assert.strictEqual((repeat.error as ErrorMsg).code, 'duplicate');
    assert.match((repeat.error as ErrorMsg).message, /an earlier attempt of this delivery command has an unknown outcome/);
    assert.strictEqual(commands(), sent + 1, 'never sent again');
    assert.strictEqual(delivered.messages.length, 1);
  });

  it('sends the same delivery command again when the repeat guard is 0', async () => {
    const f = flow({ chain: false }).map((n) => (n.id === 'delivery' ? { ...n, dedupeWindow: 0 } : n));
    await helper.load(allNodes(), f, CREDS);
    const created = collect('created');
    const errors = collect('errors');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    sandbox.fault({ method: 'POST', path: '/postgreen/deliveries/commands', fault: { type: 'reset-after' }, times: 1 });
    helper.getNode('delivery')?.receive({ payload: c.jobId });
    const [e] = await errors.wait(1);
    assert.strictEqual((e.error as ErrorMsg).code, 'outcome_unknown');
    helper.getNode('delivery')?.receive({ payload: c.jobId });
    const [, again] = await errors.wait(2);
    assert.notStrictEqual((again.error as ErrorMsg).code, 'duplicate', 'no guard: the user turned it off');
    assert.ok(sandbox.count('/postgreen/deliveries/CheckOptions', 'POST') >= 2);
  });

  it('N messages at once share one authentication', async () => {
    await helper.load(allNodes(), flow({ chain: false }), CREDS);
    const created = collect('created');
    for (let i = 0; i < 5; i++) helper.getNode('createJob')?.receive({ payload: samplePdf([`letter ${i}`]) });
    await created.wait(5);
    assert.strictEqual(sandbox.postgreen.jobs.size, 5);
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 1);
  });

  it('re-authenticates after the token expired: a read is repeated, a job creation is not', async () => {
    await helper.load(allNodes(), flow({ chain: false }), CREDS);
    const created = collect('created');
    const listed = collect('listed');
    const errors = collect('errors');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    sandbox.postgreen.expireTokens();
    helper.getNode('listPg')?.receive({ payload: c.jobId });
    const [l] = await listed.wait(1);
    assert.strictEqual((l.packGroups as unknown[]).length, 1);
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 2);

    sandbox.postgreen.expireTokens();
    const second = samplePdf(['second letter']);
    helper.getNode('createJob')?.receive({ payload: second });
    const [e] = await errors.wait(1);
    const err = e.error as ErrorMsg;
    assert.strictEqual(err.cause.providerCode, 'session_expired');
    assert.match(err.message, /nothing was created/);
    assert.strictEqual(sandbox.postgreen.jobs.size, 1, 'no second job');
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 2, 'sent once, not repeated');
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 3, 'the session is renewed for the next message');
    helper.getNode('createJob')?.receive({ payload: second });
    await created.wait(2);
    assert.strictEqual(sandbox.postgreen.jobs.size, 2);
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 3);
  });

  it('errors reach the Catch node: PROCESSING_ERROR names the files; missing path and channel name are refused before sending', async () => {
    await helper.load(allNodes(), flow({ chain: false }), CREDS);
    const errors = collect('errors');
    const created = collect('created');
    helper.getNode('createJob')?.receive({ payload: { filename: 'scan.tiff', data: Buffer.from('II*\u0000not a pdf') } });
    const [e1] = await errors.wait(1);
    const err1 = e1.error as ErrorMsg;
    assert.match(err1.message, /PROCESSING_ERROR.*scan\.tiff/);
    assert.strictEqual(err1.cause.providerCode, 'PROCESSING_ERROR');
    assert.match(String(e1.jobId), /^JOB\d+$/);

    const before = sandbox.requests.length;
    helper.getNode('createJob')?.receive({ payload: '/no/such/letter.pdf' });
    const all = await errors.wait(2);
    const err2 = all[1].error as ErrorMsg;
    assert.strictEqual(err2.code, 'invalid_input');
    assert.match(err2.message, /\/no\/such\/letter\.pdf/);
    assert.strictEqual(sandbox.requests.length, before, 'nothing sent');

    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    helper.getNode('delivery')?.receive({ payload: { jobId: c.jobId, channel: S.channelName } });
    const all3 = await errors.wait(3);
    const err3 = all3[2].error as ErrorMsg;
    assert.strictEqual(err3.code, 'invalid_input');
    assert.match(err3.message, new RegExp(`channel's NAME.*LABEL "${S.channelLabel}"`));
    helper.getNode('delivery')?.receive({ payload: { jobId: c.jobId, options: { print_mode: '3SIDE' } } });
    const all4 = await errors.wait(4);
    assert.match((all4[3].error as ErrorMsg).message, /unknown value "3SIDE"; known: 1SIDE, 2SIDE/);
    helper.getNode('delivery')?.receive({ payload: { jobId: c.jobId, expectedPostDate: Date.now() - 1000 } });
    const all5 = await errors.wait(5);
    assert.strictEqual((all5[4].error as ErrorMsg).cause.field, 'expectedPostDate');
    assert.strictEqual(sandbox.count('/postgreen/deliveries/commands'), 0);

    const text = JSON.stringify(errors.messages) + JSON.stringify(helper.log().args);
    assert.ok(!text.includes('pg-secret-789'), 'the password never appears');
    for (const token of sandbox.postgreen.tokens.keys()) assert.ok(!text.includes(token), 'the token never appears');
  });

  it('refuses an account of another provider clearly', async () => {
    const f = flow({ chain: false });
    f.push(accountNode('pv', 'planviewer', sandbox.providerUrl('planviewer')), { id: 'jobPv', type: 'fulfillment-create-job', z: 'f1', account: 'pv', service: S.id, wires: [[]] });
    await helper.load(allNodes(), f, CREDS);
    const errors = collect('errors');
    helper.getNode('jobPv')?.receive({ payload: PDF });
    const [e] = await errors.wait(1);
    assert.match((e.error as ErrorMsg).message, /cannot create jobs; choose an account of postgreen/);
  });
});
