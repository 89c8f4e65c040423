import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, allNodes, delay, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { assertExampleLayout } from './example-layout';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { SANDBOX_CREDENTIALS } = require(path.join(root, 'scripts', 'userdir.js')) as { SANDBOX_CREDENTIALS: Record<string, unknown> };

/** Loads an example flow with its account pointed at this test's sandbox, with the credentials `npm start` gives it. */
export async function loadExample(file: string, sandbox: Sandbox): Promise<Array<Record<string, unknown>>> {
  const flow = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8')) as Array<Record<string, unknown>>;
  const creds: Record<string, unknown> = {};
  for (const n of flow) {
    if (n.type !== 'fulfillment-account') continue;
    assert.match(String(n.baseUrl), /^http:\/\/127\.0\.0\.1:1881\//, 'examples point at the npm start sandbox');
    n.baseUrl = String(n.baseUrl).replace('http://127.0.0.1:1881', sandbox.url);
    creds[String(n.id)] = SANDBOX_CREDENTIALS[String(n.provider)];
  }
  const core = ['20-inject.js', '21-debug.js', '90-comment.js'].map((f) => require(path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core', 'common', f)));
  await helper.load([...allNodes(), ...core], flow, creds);
  return flow;
}

export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await delay(50);
  }
}

describe('examples/delivergo-resale-units.json against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  sandboxPerTest((s) => (sandbox = s));

  it('is laid out to be read: inside the workspace, no overlaps, no wire across a node, no "seed" wording', () => {
    const file = 'delivergo-resale-units.json';
    assertExampleLayout(JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8')) as Array<Record<string, unknown> & { id: string; type: string }>, file);
  });

  it('adds, updates and deletes through its injects, in XML', async () => {
    await loadExample('delivergo-resale-units.json', sandbox);
    helper.getNode('dg_add')?.receive({});
    await until(() => [...sandbox.delivergo.customers.values()].some((units) => units.has(2)));
    helper.getNode('dg_update')?.receive({});
    await until(() => [...sandbox.delivergo.customers.values()].some((units) => units.get(2)?.Active === true));
    helper.getNode('dg_delete')?.receive({});
    await until(() => [...sandbox.delivergo.customers.values()].every((units) => !units.has(2)));
    helper.getNode('dg_bad')?.receive({});
    await delay(100);
    assert.deepStrictEqual(sandbox.delivergo.received.map((r) => `${r.method} ${r.format}`), ['PUT xml', 'POST xml', 'DELETE xml']);
  });
});
