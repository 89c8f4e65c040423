/**
 * `npm start` on other ports (PORT, SANDBOX_PORT: a Node-RED of the user's own
 * often holds 1880 already): the example flows it imports must point at the
 * sandbox and the editor it actually started, or every account talks to a
 * port nobody listens on and Probo's uploader calls back into the wrong
 * Node-RED.
 */
import assert from 'assert';
import { spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { prepareUserDir } = require(path.join(root, 'scripts', 'userdir.js')) as {
  prepareUserDir(o: { root: string; userDir: string; uiPort: number; sandboxPort?: number }): { firstTab?: { id: string } };
};

interface FlowNode {
  id: string;
  type: string;
  baseUrl?: string;
  publicUrl?: string;
}

describe('npm start on other ports', () => {
  let userDir: string;
  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fulfillment-start-'));
  });
  afterEach(() => fs.rmSync(userDir, { recursive: true, force: true }));

  function imported(): FlowNode[] {
    return JSON.parse(fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8')) as FlowNode[];
  }

  it('points every example account at SANDBOX_PORT and every callback node at PORT', () => {
    prepareUserDir({ root, userDir, uiPort: 18950, sandboxPort: 18951 });
    const flows = imported();
    const accounts = flows.filter((n) => n.type === 'fulfillment-account');
    assert.ok(accounts.length >= 5, 'the examples have an account per provider');
    for (const a of accounts) assert.ok(a.baseUrl?.startsWith('http://127.0.0.1:18951/'), `${a.id}: ${a.baseUrl}`);
    const callbacks = flows.filter((n) => n.type === 'fulfillment-callback');
    assert.ok(callbacks.length >= 1);
    for (const c of callbacks) assert.strictEqual(c.publicUrl, 'http://127.0.0.1:18950', c.id);
    const text = JSON.stringify(flows);
    assert.ok(!text.includes('127.0.0.1:1881'), 'no address of the default sandbox left, in comments either');
    assert.ok(!text.includes('127.0.0.1:1880'), 'no address of the default editor left');
  });

  it('keeps the examples as they are on the default ports', () => {
    prepareUserDir({ root, userDir, uiPort: 1880 });
    const accounts = imported().filter((n) => n.type === 'fulfillment-account');
    for (const a of accounts) assert.ok(a.baseUrl?.startsWith('http://127.0.0.1:1881/'), `${a.id}: ${a.baseUrl}`);
  });

  it('refuses to start when PORT is taken (by a Node-RED of the user\'s own), instead of printing that one\'s address', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.js')], {
        env: { ...process.env, PORT: String(port), SANDBOX_PORT: '0' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.strictEqual(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stderr, new RegExp(`already listens on 127\\.0\\.0\\.1:${port}.*PORT=<port>`));
      assert.doesNotMatch(run.stdout, /Node-RED with node-red-contrib-fulfillment/);
    } finally {
      holder.close();
    }
  });
});
