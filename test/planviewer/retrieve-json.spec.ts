/**
 * retrieve result goes by Content-Type: a JSON result (Planviewer's `-json`
 * products) comes back parsed or written to a file; an error in the
 * provider's error shape, an HTML page or unreadable JSON is refused.
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { helper, allNodes, collect, accountNode, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_ADDRESSES, planviewerIntentionUuid } from '../../sandbox/providers/planviewer';
import { PlanviewerClient } from '../../nodes/providers/planviewer/client';

const CREDS = { acc: { apiKey: 'pv-key-123', apiSecret: 'pv-secret-456' } };
const RETRIEVE = '/planviewer/product_api/v1/jobs/retrieve';
type ErrorMsg = { message: string; code: string; cause: { providerCode?: string; providerMessage?: string; response?: unknown; status?: number } };

describe('retrieve result of a JSON product (Planviewer) against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let job: string;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'k', apiSecret: 's' });
    try {
      const [o] = await client.order([planviewerIntentionUuid(PLANVIEWER_ADDRESSES[0].uuid, 'eigendomsinformatie-json')]);
      for (let i = 0; i < 6; i++) await client.status([o.job.uuid]);
      job = o.job.uuid;
    } finally {
      client.close();
    }
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

  async function retrieve(settings: Record<string, unknown> = {}): Promise<{ out: Array<Record<string, unknown>>; errors: Array<Record<string, unknown>> }> {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'planviewer', sandbox.providerUrl('planviewer')),
      { id: 'get', type: 'fulfillment-retrieve-result', z: 'f1', account: 'acc', output: 'buffer', ...settings, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], CREDS);
    const out = collect('out');
    const errors = collect('errors');
    helper.getNode('get')?.receive({ payload: job });
    await Promise.race([out.wait(1), errors.wait(1)]);
    return { out: out.messages, errors: errors.messages };
  }

  it('outputs a JSON result parsed, with contentType application/json', async () => {
    const { out, errors } = await retrieve();
    assert.deepStrictEqual(errors, []);
    const [msg] = out;
    assert.strictEqual(msg.contentType, 'application/json');
    assert.strictEqual((msg.payload as { product: string }).product, 'eigendomsinformatie-json');
    assert.match(String(msg.filename), /\.json$/);
    assert.strictEqual(msg.jobId, job);
    assert.ok((msg.size as number) > 10);
  });

  it('asks for the result with Accept */*: a server that negotiates content answers the JSON and the PDF products', async () => {
    sandbox.planviewer.honourAccept = true;
    const json = await retrieve();
    assert.deepStrictEqual(json.errors.map((e) => (e.error as ErrorMsg).message), []);
    assert.strictEqual(json.out[0].contentType, 'application/json');
    await helper.unload();
    const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'k', apiSecret: 's' });
    try {
      const [o] = await client.order([planviewerIntentionUuid(PLANVIEWER_ADDRESSES[0].uuid, 'bestemmingsplanrapport')]);
      for (let i = 0; i < 6; i++) await client.status([o.job.uuid]);
      job = o.job.uuid;
    } finally {
      client.close();
    }
    const pdf = await retrieve();
    assert.deepStrictEqual(pdf.errors.map((e) => (e.error as ErrorMsg).message), []);
    assert.strictEqual(pdf.out[0].contentType, 'application/pdf');
    assert.strictEqual((pdf.out[0].payload as Buffer).subarray(0, 5).toString('latin1'), '%PDF-');
  });

  it('writes a JSON result to a file in the folder', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pv-json-'));
    const { out } = await retrieve({ output: 'file', folder, folderType: 'str' });
    const [msg] = out;
    assert.strictEqual(path.dirname(String(msg.payload)), folder);
    assert.strictEqual((JSON.parse(fs.readFileSync(String(msg.payload), 'utf8')) as { product: string }).product, 'eigendomsinformatie-json');
    assert.strictEqual(msg.contentType, 'application/json');
  });

  const refused: Array<[string, string, string, RegExp]> = [
    ['a 2xx body in the daily-cap shape (error "true")', '[{"error": "true", "message": "Something went wrong"}]', 'application/json', /is an error, not a result: Something went wrong/],
    ['a 2xx body in the 401 shape ({error: {code, message}})', '{"error": {"code": 401, "message": "Unauthorized"}}', 'application/json; charset=utf-8', /is an error, not a result: Unauthorized/],
    ['JSON that cannot be read', '{"product": ', 'application/json', /says it is JSON but cannot be read/],
    ['an HTML page', '<html><body>Maintenance</body></html>', 'text/html', /got text\/html instead/],
  ];
  for (const [what, body, contentType, message] of refused) {
    it(`refuses ${what}, to the Catch path`, async () => {
      sandbox.fault({ path: RETRIEVE, fault: { type: 'malformed', body, contentType } });
      const { out, errors } = await retrieve();
      assert.deepStrictEqual(out, []);
      const e = errors[0].error as ErrorMsg;
      assert.strictEqual(e.code, 'malformed_response');
      assert.match(e.message, message);
    });

    it(`refuses ${what} in file mode too, and leaves no file`, async () => {
      sandbox.fault({ path: RETRIEVE, fault: { type: 'malformed', body, contentType } });
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pv-json-'));
      const { out, errors } = await retrieve({ output: 'file', folder, folderType: 'str' });
      assert.deepStrictEqual(out, []);
      const e = errors[0].error as ErrorMsg;
      assert.strictEqual(e.code, 'malformed_response');
      assert.match(e.message, message);
      assert.deepStrictEqual(fs.readdirSync(folder), [], 'an error page is not written as a result');
    });
  }

  it('keeps what came back with a refused error body', async () => {
    sandbox.fault({ path: RETRIEVE, fault: { type: 'malformed', body: '[{"error": "true", "message": "Something went wrong"}]' } });
    const { errors } = await retrieve();
    const e = errors[0].error as ErrorMsg;
    assert.strictEqual(e.cause.providerCode, 'error_body');
    assert.deepStrictEqual(e.cause.response, [{ error: 'true', message: 'Something went wrong' }]);
  });

  it('still reports a non-2xx JSON answer as the HTTP error it is', async () => {
    sandbox.fault({ path: RETRIEVE, fault: { type: 'status', status: 404, body: { error: { code: 404, message: 'Job did not finish' } } } });
    const { errors } = await retrieve();
    const e = errors[0].error as ErrorMsg;
    assert.strictEqual(e.cause.status, 404);
    assert.match(e.message, /did not finish/);
  });

  it('refuses a JSON result over the Buffer limit, in file mode too, saying how to get it', async () => {
    const big = JSON.stringify({ rows: 'x'.repeat(1_200_000) });
    sandbox.fault({ path: RETRIEVE, fault: { type: 'malformed', body: big } });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pv-json-'));
    const { errors } = await retrieve({ output: 'file', folder, folderType: 'str', maxBufferMb: 1 });
    assert.match((errors[0].error as ErrorMsg).message, /larger than the Buffer limit .*raise "max Buffer"/);
    assert.deepStrictEqual(fs.readdirSync(folder), []);
  });
});
