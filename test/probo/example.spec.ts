import assert from 'assert';
import fs from 'fs';
import http from 'http';
import path from 'path';
import { AddressInfo } from 'net';
import { helper, allNodes, collect } from '../support/red';
import { Sandbox } from '../../sandbox/server';

// Core nodes the example uses besides ours.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const core = ['function/10-switch.js', 'function/15-change.js'].map((f) => require(require.resolve(`@node-red/nodes/core/${f}`)));

const root = path.resolve(__dirname, '..', '..', '..');
type FlowNode = Record<string, unknown> & { id: string; type: string };

describe('examples/probo-uploader-and-order.json', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let server: http.Server;
  let httpNode: http.RequestListener | undefined;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    server = http.createServer((req, res) => (httpNode ? httpNode(req, res) : res.end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => server.close(() => r()));
    await sandbox.stop();
  });

  /** The example as shipped, pointed at this test's sandbox and server; debug nodes become collectors. */
  function exampleFlow(): FlowNode[] {
    const flow = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'probo-uploader-and-order.json'), 'utf8')) as FlowNode[];
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return flow
      .filter((n) => n.type !== 'inject' && n.type !== 'comment')
      .map((n) => {
        if (n.type === 'fulfillment-account') return { ...n, baseUrl: sandbox.providerUrl('probo') };
        if (n.type === 'fulfillment-callback') return { ...n, publicUrl };
        if (n.type === 'fulfillment-poll-status') return { ...n, interval: '1' };
        if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z };
        return n;
      });
  }

  it('runs price -> uploader session -> confirmation callback -> order -> status, as shipped', async () => {
    const flow = exampleFlow();
    const ours = new Set(['fulfillment-uploader-session', 'fulfillment-callback', 'fulfillment-place-order', 'fulfillment-poll-status']);
    assert.deepStrictEqual([...new Set(flow.map((n) => n.type).filter((t) => ours.has(t)))].sort(), [...ours].sort(), 'every node of ours is in the example');
    const inject = (JSON.parse(fs.readFileSync(path.join(root, 'examples', 'probo-uploader-and-order.json'), 'utf8')) as FlowNode[]).find((n) => n.type === 'inject');
    await helper.load([...allNodes(), ...core, (RED: { httpNode: http.RequestListener }) => { httpNode = RED.httpNode; }], flow, {
      pb_account: { apiKey: 'sandbox-api-key' },
      pb_callback: { secret: 'sandbox-callback-secret' },
    });
    const sessions = collect('pb_debug_session');
    const warned = collect('pb_debug_warning');
    const placed = collect('pb_debug_order');
    const failed = collect('pb_debug_failed');
    const errors = collect('pb_debug_error');

    helper.getNode('pb_session')?.receive({ payload: JSON.parse(String(inject?.payload)) });
    const [s] = await sessions.wait(1);
    const uploader = s.uploader as { id: number; external_id: number; url: string };

    const confirm = (body: Record<string, string>): Promise<number> => new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = http.request(`${uploader.url}/confirm`, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(data);
    });
    assert.strictEqual(await confirm({ status: 'confirmed', warning: 'wrong_size' }), 200);
    const [w] = await warned.wait(1);
    assert.deepStrictEqual(w.warnings, ['wrong_size']);
    assert.strictEqual(sandbox.probo.orders.size, 0, 'a file with a warning is not ordered');

    assert.strictEqual(await confirm({ status: 'processed' }), 200);
    const [o] = await placed.wait(1);
    assert.strictEqual((o.order as { id: string }).id, `web-${uploader.id}`);
    const atProbo = sandbox.probo.orders.get(`web-${uploader.id}`);
    assert.deepStrictEqual((atProbo?.body.products as Array<{ uploaders: unknown }>)[0].uploaders, [{ id: uploader.id, external_id: uploader.external_id }]);
    assert.strictEqual(atProbo?.order_type, 'test');
    const [f] = await failed.wait(1);
    assert.strictEqual(f.status, 'canceled', 'test orders are canceled on receipt');
    assert.strictEqual(errors.messages.length, 0);
  });
});
