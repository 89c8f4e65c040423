import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { samplePdf } from '../../sandbox/pdf';
import { SANDBOX_ADDRESSES as A, SANDBOX_OPTIONS as O, SANDBOX_SERVICE as S } from '../../sandbox/providers/postgreen';
import { PostgreenClient } from '../../nodes/providers/postgreen/client';
import { FulfillmentError } from '../../nodes/core/errors';

const CREDS = { acc: { username: 'pg-user', password: 'pg-secret-789' } };
const PDF = samplePdf(['Dear customer', 'This is a letter.']);
type Msg = Record<string, unknown>;
type ErrorMsg = { message: string; code: string; cause: Record<string, unknown> };

/** What goes over the wire, as PostGreen's pages show it: field names, id types, verbs, answers and the messages for each status. */
describe('PostGreen on the wire against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;

  sandboxPerTest((s) => (sandbox = s));

  function flow(account: Record<string, unknown> = {}): Msg[] {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'postgreen', sandbox.providerUrl('postgreen'), account),
      { id: 'auth', type: 'fulfillment-authenticate', z: 'f1', account: 'acc', wires: [['profile']] },
      { id: 'createJob', type: 'fulfillment-create-job', z: 'f1', account: 'acc', mode: 'classic', service: S.id, serviceType: 'str', jobName: 'letters', jobNameType: 'str', wires: [['created']] },
      { id: 'delivery', type: 'fulfillment-create-delivery', z: 'f1', account: 'acc', channel: '', channelType: 'str', outputFile: 'MAIN', options: '{"print_mode":"2SIDE","print_color":"BW"}', optionsType: 'json', wires: [['delivered']] },
      ...['profile', 'created', 'delivered'].map((id) => ({ id, type: 'helper', z: 'f1' })),
      ...catchTo(),
    ];
  }

  async function createdJob(): Promise<string> {
    const created = collect('created');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [c] = await created.wait(1);
    return String(c.jobId);
  }

  it('sends option ids back in the type they came in (numbers stay numbers)', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const jobId = await createdJob();
    const delivered = collect('delivered');
    helper.getNode('delivery')?.receive({ payload: jobId });
    const [d] = await delivered.wait(1);
    const sent = (sandbox.postgreen.commands[0] as { serviceChannelOptions: Record<string, Record<string, unknown[]>> }).serviceChannelOptions;
    assert.deepStrictEqual(sent, { [S.channelLabel]: { MAIN: [O['2SIDE'], O.BW] } });
    assert.ok(sent[S.channelLabel].MAIN.every((x) => typeof x === 'number'), 'the platform gave numbers');
    assert.deepStrictEqual(d.deliveryCommand, sandbox.postgreen.commands[0]);
  });

  for (const [pattern, expected] of [
    ['file_main{box}_{n}', `file_main${S.mainBox}_0`],
    ['file__file_{box}_{n}', `file__file_${S.mainBox}_0`],
    ['file_file__{name}_{n}', 'file_file__Letters_0'],
  ] as const) {
    it(`names uploaded files as the account says: ${pattern}`, async () => {
      await helper.load(allNodes(), flow({ fileField: pattern }), CREDS);
      await createdJob();
      const [fields] = sandbox.postgreen.jobUploads;
      assert.deepStrictEqual(fields, ['parameters', `serviceFile__file_${S.annexBox}_0`, expected]);
    });
  }

  it('refuses a file field name without a counter as a configuration error, before any upload', async () => {
    await helper.load(allNodes(), flow({ fileField: 'file_main{box}' }), CREDS);
    const errors = collect('errors');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [e] = await errors.wait(1);
    assert.match((e.error as ErrorMsg).message, /file field name "file_main\{box\}" must hold \{n\}/);
    assert.strictEqual(sandbox.postgreen.jobUploads.length, 0);
  });

  it('reads the option catalogue with GET, and with POST where the platform answers GET with 405', async () => {
    sandbox.postgreen.optionMethods = ['POST'];
    await helper.load(allNodes(), flow(), CREDS);
    const profile = collect('profile');
    helper.getNode('auth')?.receive({ payload: '' });
    const [p] = await profile.wait(1);
    assert.strictEqual((p.payload as { optionsByName: Record<string, { values: Record<string, unknown> }> }).optionsByName.print_mode.values['2SIDE'], O['2SIDE']);
    assert.strictEqual(sandbox.count('/postgreen/options/type', 'GET'), 1, 'GET once, then POST only');
    assert.strictEqual(sandbox.count('/postgreen/options', 'POST'), 2);
  });

  it('reads the option catalogue with POST where GET is answered 404, as a server that routes only POST answers it', async () => {
    sandbox.fault({ method: 'GET', path: '^/postgreen/options', fault: { type: 'status', status: 404, body: { message: 'Cannot GET' } } });
    await helper.load(allNodes(), flow(), CREDS);
    const profile = collect('profile');
    const errors = collect('errors');
    helper.getNode('auth')?.receive({ payload: '' });
    const [p] = await profile.wait(1);
    assert.strictEqual(errors.messages.length, 0);
    assert.strictEqual((p.payload as { optionsByName: Record<string, { values: Record<string, unknown> }> }).optionsByName.print_mode.values['2SIDE'], O['2SIDE']);
    assert.strictEqual(sandbox.count('/postgreen/options/type', 'POST'), 1);
    assert.strictEqual(sandbox.count('/postgreen/options', 'POST'), 2);
  });

  /** The first message of `ok`, or a failure naming the error the flow caught instead. */
  async function outcome(ok: string): Promise<Msg> {
    const out = collect(ok);
    const errors = collect('errors');
    const first = await Promise.race([out.wait(1).then((m) => ({ m: m[0] })), errors.wait(1).then((m) => ({ e: m[0] }))]);
    if ('e' in first) assert.fail(`expected a message on ${ok}, the flow caught: ${(first.e.error as ErrorMsg).message}`);
    return first.m;
  }

  it('sends withProfileDetail in the query string as well as in the body (the guide does not say where it goes)', async () => {
    sandbox.postgreen.profileDetailFrom = 'query';
    await helper.load(allNodes(), flow(), CREDS);
    helper.getNode('auth')?.receive({ payload: '' });
    const p = await outcome('profile');
    assert.deepStrictEqual((p.payload as { services: Array<{ id: unknown }> }).services.map((x) => x.id), [S.id]);
  });

  for (const key of ['preconfiguredFiles', 'coniguredFiles'] as const) {
    it(`sends the service files of a profile that lists them as ${key} (the guide's other spellings)`, async () => {
      sandbox.postgreen.configuredFilesKey = key;
      await helper.load(allNodes(), flow(), CREDS);
      helper.getNode('createJob')?.receive({ payload: PDF });
      const c = await outcome('created');
      assert.ok(c.jobId);
      assert.deepStrictEqual(sandbox.postgreen.jobUploads[0], ['parameters', `serviceFile__file_${S.annexBox}_0`, `file_main${S.mainBox}_0`]);
    });
  }

  it('sends back the option values where CheckOptions lists values ("2SIDE") instead of ids', async () => {
    sandbox.postgreen.selectableAs = 'value';
    await helper.load(allNodes(), flow(), CREDS);
    const jobId = await createdJob();
    helper.getNode('delivery')?.receive({ payload: jobId });
    const d = await outcome('delivered');
    const sent = (sandbox.postgreen.commands[0] as { serviceChannelOptions: Record<string, Record<string, unknown[]>> }).serviceChannelOptions;
    assert.deepStrictEqual(sent, { [S.channelLabel]: { MAIN: ['2SIDE', 'BW'] } });
    assert.deepStrictEqual(d.deliveryCommand, sandbox.postgreen.commands[0]);
  });

  it('reads options keyed by option type name as well as by its id, and still sends the option ids', async () => {
    sandbox.postgreen.optionsKeyedBy = 'name';
    await helper.load(allNodes(), flow(), CREDS);
    const jobId = await createdJob();
    helper.getNode('delivery')?.receive({ payload: jobId });
    await outcome('delivered');
    const sent = (sandbox.postgreen.commands[0] as { serviceChannelOptions: Record<string, Record<string, unknown[]>> }).serviceChannelOptions;
    assert.deepStrictEqual(sent, { [S.channelLabel]: { MAIN: [O['2SIDE'], O.BW] } });
  });

  it('sends job and pack group ids back in the type the answers gave them: numeric ids stay numbers, through poll status and edit packgroup too', async () => {
    sandbox.postgreen.numericIds = true;
    await helper.load(allNodes(), [
      ...flow().filter((n) => n.id !== 'createJob'),
      { id: 'createJob', type: 'fulfillment-create-job', z: 'f1', account: 'acc', mode: 'classic', service: S.id, serviceType: 'str', jobName: 'letters', jobNameType: 'str', wires: [['created', 'poll']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'job', interval: 1, maxWait: 60, wires: [['pgList'], [], []] },
      { id: 'pgList', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'list', wires: [['listed']] },
      { id: 'listed', type: 'helper', z: 'f1' },
    ], CREDS);
    const created = collect('created');
    helper.getNode('createJob')?.receive({ payload: [{ filename: 'a.pdf', data: PDF }, { filename: 'b.pdf', data: PDF }] });
    const l = await outcome('listed');
    const [c] = await created.wait(1);
    assert.strictEqual(typeof c.jobId, 'number', 'msg.jobId as the platform sent it');
    assert.strictEqual(typeof (c.payload as { jobId: unknown }).jobId, 'number', 'the job answer as the platform sent it');
    const groups = l.packGroups as Array<{ id: unknown }>;
    assert.ok(groups.length === 2 && groups.every((g) => typeof g.id === 'number'), 'pack group ids as the platform sent them');
    // A flow picks one pack group from the list and delivers it.
    helper.getNode('delivery')?.receive({ payload: { jobId: l.jobId, packGroupIds: [groups[1].id] } });
    const d = await outcome('delivered');
    const command = sandbox.postgreen.commands[0] as { jobId: unknown; packGroupIds: unknown[] };
    assert.strictEqual(typeof command.jobId, 'number');
    assert.deepStrictEqual(command.packGroupIds, [groups[1].id]);
    assert.deepStrictEqual(d.deliveryCommand, command);
  });

  it('edits a pack group with PUT where the platform refuses POST there as a verb (the guide names no verb); an unknown pack group keeps its own error', async () => {
    sandbox.postgreen.editVerb = 'PUT';
    await helper.load(allNodes(), [
      ...flow(),
      { id: 'pgList', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'list', wires: [['listed']] },
      { id: 'pgEdit', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'edit', wires: [['edited']] },
      { id: 'listed', type: 'helper', z: 'f1' },
      { id: 'edited', type: 'helper', z: 'f1' },
    ], CREDS);
    helper.getNode('pgList')?.receive({ payload: 'JOB_SAMPLE' });
    const l = await outcome('listed');
    const [bad] = l.notEligible as Array<{ id: string }>;
    helper.getNode('pgEdit')?.receive({ payload: { packGroupId: bad.id, name: 'POSTAL_ADDRESS_RECIPIENT', value: A.valid } });
    const ed = await outcome('edited');
    assert.strictEqual((ed.payload as { result: { status: string } }).result.status, 'ELIGIBLE');
    assert.strictEqual(sandbox.count('/postgreen/packGroups', 'PUT'), 1);
    const errors = collect('errors');
    helper.getNode('pgEdit')?.receive({ payload: { packGroupId: 'PG_UNKNOWN', name: 'POSTAL_ADDRESS_RECIPIENT', value: A.valid } });
    const [e] = await errors.wait(1);
    assert.match((e.error as ErrorMsg).message, /HTTP 404.*no pack group PG_UNKNOWN/);
  });

  it('create job: each status has its own message (429 is not "files not compatible")', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const errors = collect('errors');
    const cases: Array<[number, RegExp, string]> = [
      [429, /HTTP 429 \(too many requests\).*the job was not taken: send it again later/, 'rate_limited'],
      [413, /HTTP 413\): the upload is larger than the platform accepts/, 'job_too_large'],
      [403, /HTTP 403\): this login may not create jobs/, 'forbidden'],
      [400, /HTTP 400\).*probably not compatible with the service/, 'job_refused'],
    ];
    for (const [i, [status]] of cases.entries()) {
      sandbox.fault({ method: 'POST', path: '/postgreen/jobs', fault: { type: 'status', status, body: { message: 'refused by the test' } }, times: 1 });
      helper.getNode('createJob')?.receive({ payload: samplePdf([`letter ${i}`]) });
      await errors.wait(i + 1);
    }
    errors.messages.forEach((m, i) => {
      const err = m.error as ErrorMsg;
      assert.match(err.message, cases[i][1]);
      assert.strictEqual(err.cause.providerCode, cases[i][2]);
      if (cases[i][0] !== 400) assert.doesNotMatch(err.message, /compatible/);
    });
  });

  it('create delivery: an answer of no documented shape is outcome_unknown, never a success', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const jobId = await createdJob();
    const errors = collect('errors');
    const delivered = collect('delivered');
    sandbox.fault({ method: 'POST', path: '/postgreen/deliveries/commands', fault: { type: 'malformed', body: '{"unexpected": true}' }, times: 1 });
    helper.getNode('delivery')?.receive({ payload: jobId });
    const [e] = await errors.wait(1);
    const err = e.error as ErrorMsg;
    assert.strictEqual(err.code, 'outcome_unknown');
    assert.strictEqual(err.cause.providerCode, 'answer_unreadable');
    assert.match(err.message, /accepted POST \/deliveries\/commands .* cannot be read/);
    assert.strictEqual(delivered.messages.length, 0);
  });

  it('create job: an answer of no documented shape is outcome_unknown and the repeat guard keeps the job', async () => {
    await helper.load(allNodes(), flow(), CREDS);
    const errors = collect('errors');
    sandbox.fault({ method: 'POST', path: '/postgreen/jobs', fault: { type: 'malformed', body: '{"result": {"accepted": true}}' }, times: 1 });
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [e] = await errors.wait(1);
    assert.strictEqual((e.error as ErrorMsg).code, 'outcome_unknown');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const all = await errors.wait(2);
    assert.strictEqual((all[1].error as ErrorMsg).code, 'duplicate');
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 1);
  });

  it('client: reads every documented variant (bare lists, wrapped lists, no return) and refuses the rest as malformed', async () => {
    const client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'u', password: 'p', timeoutMs: 5000 });
    try {
      const job = await client.createJob({ jobName: 'v', serviceId: S.id, autocreateDeliveryCommand: true, files: [{ data: PDF }] });
      sandbox.fault({ method: 'GET', path: '/postgreen/options/type', fault: { type: 'malformed', body: '[{"id": 1, "name": "print_mode"}]' }, times: 1 });
      assert.deepStrictEqual(await client.optionTypes(), [{ id: 1, name: 'print_mode' }]);
      sandbox.fault({ method: 'GET', path: '/postgreen/deliveries', fault: { type: 'malformed', body: '' }, times: 1 });
      assert.deepStrictEqual(await client.deliveries(job.jobId), [], 'an empty body is "no return"');
      sandbox.fault({ method: 'GET', path: '/postgreen/deliveries', fault: { type: 'malformed', body: '{"deliveries": [{"deliveryId": 5, "status": "READY"}]}' }, times: 1 });
      assert.deepStrictEqual((await client.deliveries(job.jobId)).map((d) => [d.id, d.status]), [['5', 'READY']]);
      sandbox.fault({ method: 'GET', path: `/postgreen/jobs/${job.jobId}`, fault: { type: 'malformed', body: '{"job": {"id": 9, "status": "CREATED"}}' }, times: 1 });
      assert.strictEqual((await client.getJob(job.jobId)).status, 'CREATED');
      sandbox.fault({ method: 'GET', path: `/postgreen/jobs/${job.jobId}`, fault: { type: 'malformed', body: '{"unexpected": true}' }, times: 3 });
      await assert.rejects(client.getJob(job.jobId), (e: unknown) => e instanceof FulfillmentError && e.kind === 'malformed_response' && /documented shape/.test(e.message));
    } finally {
      await client.close();
    }
  });

  for (const field of ['authToken', 'accessToken'] as const) {
    it(`client: takes the token from the body's ${field} when there is no header`, async () => {
      sandbox.postgreen.tokenHeader = false;
      sandbox.postgreen.tokenField = field;
      const client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'pg-user', password: 'pg-secret-789' });
      try {
        const profile = await client.authenticate();
        assert.deepStrictEqual(profile.services.map((x) => x.id), [S.id]);
        assert.ok((await client.optionTypes()).length > 0, 'the token works for the next call');
      } finally {
        await client.close();
      }
    });
  }

  it('client: takes the token from a bare body when there is no header', async () => {
    const client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'u', password: 'p', timeoutMs: 5000 });
    try {
      sandbox.fault({ method: 'POST', path: '/postgreen/authentication/authenticate', fault: { type: 'malformed', body: 'not-a-known-token-123', contentType: 'text/plain' }, times: 1 });
      await client.authenticate();
      assert.strictEqual(client.session.token, 'not-a-known-token-123');
      sandbox.fault({ method: 'POST', path: '/postgreen/authentication/authenticate', fault: { type: 'malformed', body: '<html>maintenance</html>', contentType: 'text/html' }, times: 3 });
      await assert.rejects(client.authenticate(), (e: unknown) => e instanceof FulfillmentError && e.kind === 'malformed_response' && /neither JSON nor a token/.test(e.message));
    } finally {
      await client.close();
    }
  });
});
