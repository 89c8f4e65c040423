import assert from 'assert';
import { helper } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { loadExample, until } from '../delivergo/example.spec';

describe('examples/arri-order.json against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

  it('orders the seed example and polls it to packed', async () => {
    await loadExample('arri-order.json', sandbox);
    helper.getNode('arri_inject_ok')?.receive({});
    await until(() => sandbox.arri.orders.size === 1);
    const [entry] = [...sandbox.arri.orders.values()];
    await until(() => entry.reads >= 3);
    assert.strictEqual(entry.order.client_name, 'Constantin Film');
  });
});
