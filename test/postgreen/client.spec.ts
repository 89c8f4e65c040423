import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import http from 'http';
import { AddressInfo } from 'net';
import { Readable } from 'stream';
import { Sandbox } from '../../sandbox/server';
import { samplePdf } from '../../sandbox/pdf';
import { SANDBOX_ADDRESSES as A, SANDBOX_OPTIONS as O, SANDBOX_OPTION_TYPES as OT, SANDBOX_SERVICE as S } from '../../sandbox/providers/postgreen';
import { PostgreenClient } from '../../nodes/providers/postgreen/client';
import { FulfillmentError } from '../../nodes/core/errors';
import { parseProfile, parseOptions } from '../../nodes/providers/postgreen/profile';
import { eligibilityProblems, trackingNumber } from '../../nodes/providers/postgreen/parse';
import { createProvider } from '../../nodes/providers';
import { postgreenDescriptor } from '../../nodes/providers/postgreen/descriptor';

const PDF = samplePdf(['letter']);

async function rejects(p: Promise<unknown>, check: (e: FulfillmentError) => void): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FulfillmentError, `expected a FulfillmentError, got ${String(e)}`);
    check(e);
    return;
  }
  assert.fail('expected a rejection');
}

describe('PostGreen client against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let client: PostgreenClient;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'pg-user', password: 'pg-secret-789', timeoutMs: 5000 });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.stop();
  });

  it('authenticates with profile detail and parses services, boxes and channels', async () => {
    const profile = await client.authenticate();
    assert.strictEqual(profile.services.length, 1);
    const [svc] = profile.services;
    assert.strictEqual(svc.id, S.id);
    assert.deepStrictEqual(svc.boxes.map((b) => [b.id, b.type, b.main, b.serviceFileIds]), [[S.mainBox, 'MAIN', true, []], [S.annexBox, 'ANNEX', false, [S.serviceFileId]]]);
    assert.deepStrictEqual(svc.channels, [{ label: S.channelLabel, name: S.channelName, outputFiles: ['MAIN', 'ADDRESS_PAGE'] }]);
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 1);
  });

  it('shares one authentication between many concurrent calls and reuses the token', async () => {
    await Promise.all(Array.from({ length: 8 }, () => client.optionTypes()));
    await client.options();
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 1);
    assert.strictEqual(sandbox.count('/postgreen/options/type', 'GET'), 8);
  });

  it('takes a service id given as a number (as a profile may list it) and looks it up, before sending any job', async () => {
    await rejects(client.createJob({ jobName: 'j', serviceId: 4711, autocreateDeliveryCommand: false, files: [{ data: PDF }] }), (e) => {
      assert.strictEqual(e.field, 'serviceId');
      assert.match(e.message, /unknown service "4711"/);
    });
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 0);
  });

  it('re-authenticates once on 401 and repeats a read', async () => {
    await client.optionTypes();
    sandbox.postgreen.expireTokens();
    const types = await client.optionTypes();
    assert.ok(types.length > 0);
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 2);
    assert.strictEqual(sandbox.count('/postgreen/options/type', 'GET'), 3);
  });

  it('does not repeat a job creation after 401: renews the session and says nothing was created', async () => {
    await client.authenticate();
    sandbox.postgreen.expireTokens();
    await rejects(client.createJob({ jobName: 'j', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ data: PDF }] }), (e) => {
      assert.strictEqual(e.providerCode, 'session_expired');
      assert.match(e.message, /nothing was created/);
    });
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 1);
    assert.strictEqual(sandbox.postgreen.jobs.size, 0);
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 2, 'the session is renewed for the next attempt');
    const job = await client.createJob({ jobName: 'j', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ data: PDF }] });
    assert.strictEqual(job.status, 'PROCESSING');
    assert.strictEqual(sandbox.postgreen.authenticateCalls, 2);
  });

  it('refuses wrong credentials with a clear error that holds no password', async () => {
    const bad = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'pg-user', password: 'wrong', timeoutMs: 5000 });
    await rejects(bad.options(), (e) => {
      assert.strictEqual(e.providerCode, 'login_refused');
      assert.ok(!JSON.stringify(e.toJSON()).includes('"wrong"'));
    });
    await bad.close();
  });

  it('logs out on close, once, with the live token', async () => {
    await client.optionTypes();
    await client.close();
    assert.strictEqual(sandbox.postgreen.logoutCalls, 1);
    assert.strictEqual(sandbox.postgreen.tokens.size, 0);
    await client.close();
    assert.strictEqual(sandbox.postgreen.logoutCalls, 1);
  });

  it('a forced re-authentication logs the old token out', async () => {
    await client.authenticate();
    const first = client.session.token;
    await client.authenticate();
    assert.notStrictEqual(client.session.token, first);
    for (let i = 0; i < 50 && sandbox.postgreen.logoutCalls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.strictEqual(sandbox.postgreen.logoutCalls, 1);
    assert.deepStrictEqual([...sandbox.postgreen.tokens.keys()], [client.session.token]);
  });

  it('retries reads on 503 but never a job or a delivery command', async () => {
    sandbox.fault({ method: 'GET', path: '/postgreen/options/type', fault: { type: 'status', status: 503 }, times: 1 });
    assert.ok((await client.optionTypes()).length > 0);
    assert.strictEqual(sandbox.count('/postgreen/options/type'), 2);
    sandbox.fault({ method: 'POST', path: '/postgreen/jobs', fault: { type: 'status', status: 503 }, times: 1 });
    await rejects(client.createJob({ jobName: 'j', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ data: PDF }] }), (e) => assert.strictEqual(e.status, 503));
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 1);
    sandbox.fault({ method: 'POST', path: '/postgreen/deliveries/commands', fault: { type: 'reset-after' }, times: 1 });
    await rejects(client.createDeliveryCommand({ jobId: 'JOB1', serviceChannelOptions: { [S.channelLabel]: { MAIN: [] } } }), (e) => assert.strictEqual(e.kind, 'outcome_unknown'));
    assert.strictEqual(sandbox.count('/postgreen/deliveries/commands', 'POST'), 1);
  });

  it('maps option names to ids (print_mode 2SIDE, print_color)', async () => {
    assert.strictEqual(await client.optionId('print_mode', '2SIDE'), O['2SIDE']);
    assert.strictEqual(await client.optionId('print_mode', '1SIDE'), O['1SIDE']);
    assert.strictEqual(await client.optionId('print_color', 'COLOR'), O.COLOR);
    assert.strictEqual(await client.optionId('print_mode', 'TRIPLE'), undefined);
    assert.strictEqual((await client.optionLookup()).type('print_mode')?.id, OT.print_mode);
    assert.strictEqual(sandbox.count('/postgreen/options', 'GET'), 2, 'the catalogue is loaded once');
  });

  it('sends the multipart fields file_main<BoxID>_<n>, the parameters JSON and the service file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const p = path.join(dir, 'third.pdf');
    fs.writeFileSync(p, PDF);
    const job = await client.createJob({
      jobName: 'multi',
      serviceId: S.id,
      autocreateDeliveryCommand: false,
      files: [
        { data: PDF, filename: 'one.pdf' },
        { stream: Readable.from([PDF]), filename: 'two.pdf' },
        { path: p },
        { data: PDF, filename: 'annex.pdf', box: 'Annexes' },
      ],
    });
    const stored = sandbox.postgreen.jobs.get(String(job.jobId));
    assert.ok(stored);
    assert.deepStrictEqual(stored.files.map((f) => [f.field, f.filename, f.size]), [
      [`file_main${S.mainBox}_0`, 'one.pdf', PDF.length],
      [`file_main${S.mainBox}_1`, 'two.pdf', PDF.length],
      [`file_main${S.mainBox}_2`, 'third.pdf', PDF.length],
      [`file_main${S.annexBox}_0`, 'annex.pdf', PDF.length],
    ]);
    assert.deepStrictEqual(stored.serviceFiles, { [`serviceFile__file_${S.annexBox}_0`]: S.serviceFileId });
    assert.deepStrictEqual(stored.parameters, { jobName: 'multi', serviceId: S.id, autocreateDeliveryCommand: false });
  });

  it('streams a large file from disk with its exact size', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-big-'));
    const p = path.join(dir, 'big.pdf');
    const big = Buffer.concat([PDF, Buffer.alloc(8 * 1024 * 1024, 0x20)]);
    fs.writeFileSync(p, big);
    const job = await client.createJob({ jobName: 'big', serviceId: S.id, autocreateDeliveryCommand: true, files: [{ path: p }] });
    assert.strictEqual(sandbox.postgreen.jobs.get(String(job.jobId))?.files[0].size, big.length);
  });

  it('maps a refused job to job_refused, with what was sent (files by field and name, no bytes)', async () => {
    await rejects(client.createJob({ jobName: 'j', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ data: PDF, filename: 'x.pdf' }], serviceFiles: {} }), (e) => {
      assert.strictEqual(e.providerCode, 'job_refused');
      assert.match(e.message, /HTTP 400.*configured file.*not compatible with the service/);
      assert.deepStrictEqual(e.request?.body, {
        parameters: { jobName: 'j', serviceId: S.id, autocreateDeliveryCommand: false },
        serviceFiles: {},
        files: [{ field: `file_main${S.mainBox}_0`, filename: 'x.pdf', box: S.mainBox, size: PDF.length }],
      });
    });
    assert.strictEqual(sandbox.count('/postgreen/jobs', 'POST'), 1, 'not retried');
  });

  it('rejects bad input before any request is sent', async () => {
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => client.createJob({ jobName: '', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ data: PDF }] }), 'jobName'],
      [() => client.createJob({ jobName: 'x', serviceId: S.id, autocreateDeliveryCommand: false, files: [] }), 'files'],
      [() => client.createJob({ jobName: 'x', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ path: '/nonexistent/letter.pdf' }] }), 'files[0].path'],
      [() => client.createJob({ jobName: 'x', serviceId: S.id, autocreateDeliveryCommand: false, files: [{ data: PDF, path: '/x' }] }), 'files[0]'],
      [() => client.createDeliveryCommand({ jobId: 'JOB1', serviceChannelOptions: {}, expectedPostDate: Date.now() - 1000 }), 'expectedPostDate'],
      [() => client.createDeliveryCommand({ jobId: 'JOB1', serviceChannelOptions: {}, expectedPostDate: 1733889600 }), 'expectedPostDate'],
      [() => client.getJob('../etc'), 'jobId'],
      [() => client.trackingFile('SHP1', 'NOPE' as never), 'name'],
    ];
    for (const [p, field] of cases) {
      await rejects(p(), (e) => {
        assert.strictEqual(e.kind, 'invalid_input');
        assert.strictEqual(e.field, field);
      });
    }
    assert.strictEqual(sandbox.requests.length, 0);
  });

  it('runs a mail-merge job: NOT_ELIGIBLE pack group, fixed by an edit, delivered with 2SIDE, tracked, proof downloaded', async () => {
    const job = await client.createJob({ jobName: 'merge', serviceId: S.id, autocreateDeliveryCommand: false, packRequirements: { POSTAL_ADDRESS_RECIPIENT: { '@type': 'exv.Value', value: A.ineligible } }, files: [{ data: PDF }] });
    const read = await client.getJob(job.jobId);
    assert.strictEqual(read.status, 'PACK_GROUP_CREATED');
    assert.deepStrictEqual(read.packGroupCountPerStates, { NOT_ELIGIBLE: 1 });
    const [pg] = await client.jobPackGroups(job.jobId);
    assert.strictEqual(pg.status, 'NOT_ELIGIBLE');
    assert.match(eligibilityProblems(pg).join(), /postal code.*POSTAL_ADDRESS_RECIPIENT/);
    await client.editPackGroup(pg.id, { packRequirements: { POSTAL_ADDRESS_RECIPIENT: { '@type': 'exv.Value', value: A.valid } } });
    assert.strictEqual((await client.jobPackGroups(job.jobId))[0].status, 'ELIGIBLE');
    const selectable = await client.checkOptions(job.jobId);
    assert.ok(selectable[pg.id][S.channelLabel].MAIN[OT.print_mode].includes(O['2SIDE']));
    await client.createDeliveryCommand({ jobId: job.jobId, serviceChannelOptions: { [S.channelLabel]: { MAIN: [O['2SIDE']] } }, expectedPostDate: Date.now() + 86_400_000 });
    assert.strictEqual((await client.deliveries(job.jobId))[0].status, 'READY');
    const [delivery] = await client.deliveries(job.jobId);
    assert.strictEqual(delivery.status, 'OUTPUTTED');
    const shipment = (delivery.shipments ?? [])[0];
    assert.match(String(trackingNumber(shipment)), /^1A\d{11}$/);
    const file = await client.trackingFile(shipment.id, 'ACKN');
    const chunks: Buffer[] = [];
    for await (const c of file.stream) chunks.push(c as Buffer);
    assert.strictEqual(Buffer.concat(chunks).subarray(0, 5).toString(), '%PDF-');
    assert.strictEqual(file.filename, `${shipment.id}_ACKN.pdf`);
  });

  it('parses profiles and options in their other documented shapes', () => {
    const p = parseProfile({ services: [{ serviceId: 7, name: 'n', boxes: [{ '@type': 'exv.MainBox', name: 'B', configuredFiles: { serviceFileId: 'SF' }, channels: [{ label: 'L', outputFilesConfig: ['MAIN'] }] }] }] });
    assert.deepStrictEqual(p.services[0], { id: 7, name: 'n', boxes: [{ id: 'B', name: 'B', type: 'exv.MainBox', main: true, serviceFileIds: ['SF'] }], channels: [{ label: 'L', name: undefined, outputFiles: ['MAIN'] }] });
    const opts = parseOptions([{ id: 1, value: '1SIDE', optionType: { id: 'T' } }, { id: '2', name: '2SIDE', typeId: 'T' }]);
    assert.deepStrictEqual(opts.map((o) => [o.id, o.value, o.typeId]), [[1, '1SIDE', 'T'], ['2', '2SIDE', 'T']], 'ids keep the type they came in');
  });

  it('the sandbox posts shipment webhooks to a callback URL, in the shape the callback capability accepts', async () => {
    const received: unknown[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      for (const e of sandbox.postgreen.shipmentEvents('SHP7')) assert.strictEqual(await sandbox.postgreen.sendWebhook(url, e), 200);
      const handle = createProvider({ provider: 'postgreen', baseUrl: sandbox.providerUrl('postgreen'), credentials: { username: 'u', password: 'p' }, options: {} });
      const events = received.flatMap((b) => handle.capabilities.callback?.parse(b, 'shipment') ?? []);
      assert.deepStrictEqual(events.map((e) => e.fields.eventType), ['SHIPMENT_STATUS', 'TRACKING_TEXT', 'TRACKING_FILE']);
      await handle.close();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
