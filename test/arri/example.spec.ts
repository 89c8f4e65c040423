import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { ARRI_SANDBOX as A } from '../../sandbox/providers/arri';
import { loadExample, until } from '../support/examples';
import { assertExampleLayout } from '../delivergo/example-layout';

const FILE = 'arri-order.json';

describe('examples/arri-order.json against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  sandboxPerTest((s) => (sandbox = s));

  it('is laid out to be read: inside the workspace, no overlaps, no wire across a node, no "seed" wording', () => {
    const flow = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'examples', FILE), 'utf8')) as Array<Record<string, unknown> & { id: string; type: string }>;
    assertExampleLayout(flow, FILE);
    const account = flow.find((n) => n.type === 'fulfillment-account');
    assert.strictEqual(account?.baseUrl, `http://127.0.0.1:1881/arri/${A.customer}`, 'the sandbox host of one customer');
  });

  it('orders the documented example at the customer host and polls it to packed', async () => {
    await loadExample(FILE, sandbox);
    helper.getNode('arri_inject_ok')?.receive({});
    await until(() => sandbox.arri.orders.size === 1);
    const [entry] = [...sandbox.arri.orders.values()];
    await until(() => entry.reads >= 3);
    assert.strictEqual(entry.order.client_name, 'Constantin Film');
    assert.strictEqual(entry.customer, A.customer);
    assert.strictEqual(sandbox.count(`/arri/${A.customer}/api/orders`, 'POST'), 1);
  });
});
