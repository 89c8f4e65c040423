import assert from 'assert';
import fs from 'fs';
import path from 'path';
import { helper, delay, sandboxPerTest } from '../support/red';
import { loadExample, root, until } from '../support/examples';
import { Sandbox } from '../../sandbox/server';
import { assertExampleLayout } from './example-layout';

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
