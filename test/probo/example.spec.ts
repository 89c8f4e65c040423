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
const FILE = path.join(root, 'examples', 'probo-uploader-and-order.json');
type FlowNode = Record<string, unknown> & { id: string; type: string };

const shipped = (): FlowNode[] => JSON.parse(fs.readFileSync(FILE, 'utf8')) as FlowNode[];

/** What the editor shows as a node's label when it has no name. */
const DEFAULT_LABELS: Record<string, string> = {
  'fulfillment-uploader-session': 'uploader session',
  'fulfillment-place-order': 'place order',
  'fulfillment-poll-status': 'poll status',
  'fulfillment-callback': 'callback',
  catch: 'catch: all',
};

/** The box the editor draws: 30 px high, at least 100 px wide, growing with the label (about 7.5 px a character). */
function box(n: FlowNode): { left: number; right: number; top: number; bottom: number } {
  const label = typeof n.name === 'string' && n.name !== '' ? n.name : DEFAULT_LABELS[n.type] ?? n.type;
  const width = Math.max(100, Math.ceil((label.length * 7.5 + 50) / 20) * 20);
  const x = Number(n.x);
  const y = Number(n.y);
  return { left: x - width / 2, right: x + width / 2, top: y - 15, bottom: y + 15 };
}

describe('examples/probo-uploader-and-order.json', function () {
  this.timeout(60_000);
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
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return shipped()
      .filter((n) => n.type !== 'inject' && n.type !== 'comment')
      .map((n) => {
        if (n.type === 'fulfillment-account') return { ...n, baseUrl: sandbox.providerUrl('probo') };
        if (n.type === 'fulfillment-callback') return { ...n, publicUrl };
        if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z };
        return n;
      });
  }

  it('is laid out to be read: inside 940 x 700, no node on another, the sandbox account, a note on live test orders', () => {
    const nodes = shipped();
    const placed = nodes.filter((n) => n.x !== undefined);
    for (const n of placed) {
      const b = box(n);
      assert.ok(b.left >= 0 && b.right <= 940 && b.top >= 0 && b.bottom <= 700, `${n.id} (${n.type}) lies inside the workspace: ${JSON.stringify(b)}`);
    }
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const a = box(placed[i]);
        const b = box(placed[j]);
        const apart = a.right + 20 <= b.left || b.right + 20 <= a.left || a.bottom + 20 <= b.top || b.bottom + 20 <= a.top;
        assert.ok(apart, `${placed[i].id} and ${placed[j].id} are at least 20 px apart`);
      }
    }
    const account = nodes.find((n) => n.type === 'fulfillment-account');
    assert.strictEqual(account?.baseUrl, 'http://127.0.0.1:1881/probo');
    assert.strictEqual(account?.authScheme, 'basic');
    const comments = nodes.filter((n) => n.type === 'comment').map((n) => `${String(n.name)} ${String(n.info)}`);
    assert.ok(comments.some((c) => /live Probo cancels test orders on receipt/i.test(c) && /output 2/.test(c)), 'a comment says where a live test order ends');
    assert.ok(comments.some((c) => /click/.test(c)), 'a comment says what to click');
    assert.ok(!/seed|excerpt/i.test(fs.readFileSync(FILE, 'utf8')));
  });

  it('runs price -> uploader session -> confirmation callback -> order -> shipment_delivered, as shipped', async () => {
    const flow = exampleFlow();
    const ours = new Set(['fulfillment-uploader-session', 'fulfillment-callback', 'fulfillment-place-order', 'fulfillment-poll-status']);
    assert.deepStrictEqual([...new Set(flow.map((n) => n.type).filter((t) => ours.has(t)))].sort(), [...ours].sort(), 'every node of ours is in the example');
    const inject = shipped().find((n) => n.type === 'inject');
    await helper.load([...allNodes(), ...core, (RED: { httpNode: http.RequestListener }) => { httpNode = RED.httpNode; }], flow, {
      pb_account: { apiKey: 'sandbox-api-key' },
      pb_callback: { secret: 'sandbox-callback-secret' },
    });
    const sessions = collect('pb_debug_session');
    const warned = collect('pb_debug_warning');
    const placed = collect('pb_debug_order');
    const done = collect('pb_debug_done');
    const failed = collect('pb_debug_failed');
    const progress = collect('pb_debug_progress');
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
    assert.strictEqual(sandbox.probo.submissions.length, 0, 'a file with a warning is not ordered');

    assert.strictEqual(await confirm({ status: 'processed' }), 200);
    const [o] = await placed.wait(1);
    assert.strictEqual((o.order as { id: string }).id, `web-${uploader.id}`);
    assert.strictEqual((o.payload as { status: string }).status, 'queued');
    const atProbo = sandbox.probo.orders.get(`web-${uploader.id}`);
    assert.deepStrictEqual((atProbo?.body.products as Array<{ uploaders: unknown }>)[0].uploaders, [{ id: uploader.id, external_id: uploader.external_id }]);
    assert.strictEqual(atProbo?.order_type, 'test');
    const [d] = await done.wait(1, 45_000);
    assert.strictEqual(d.status, 'shipment_delivered');
    assert.deepStrictEqual(progress.messages.map((m) => m.status), ['accepted', 'in_production', 'logistics', 'shipment_created', 'shipment_scanned_by_carrier', 'shipment_in_transit']);
    assert.strictEqual(failed.messages.length, 0);
    assert.strictEqual(errors.messages.length, 0);
    assert.deepStrictEqual(sandbox.probo.authSchemes.filter((x) => x !== 'Basic'), [], 'the example account sends Basic');
  });
});
