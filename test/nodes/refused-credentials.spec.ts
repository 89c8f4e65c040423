/**
 * Credentials the provider refuses: for each provider the error on the Catch
 * path names the account field to fix, and holds none of the secrets.
 */
import assert from 'assert';
import { Sandbox } from '../../sandbox/server';
import { helper, allNodes, collect, catchTo, accountNode, sandboxPerTest } from '../support/red';

const SECRET = 'not-shown-anywhere-7731';

interface Case {
  provider: Parameters<Sandbox['providerUrl']>[0];
  credentials: Record<string, string>;
  node: Record<string, unknown>;
  field: string;
}

const CASES: Case[] = [
  { provider: 'planviewer', credentials: { apiKey: 'denied', apiSecret: SECRET }, node: { type: 'fulfillment-operation', operation: 'products' }, field: 'apiKey' },
  { provider: 'probo', credentials: { apiKey: 'denied' }, node: { type: 'fulfillment-operation', operation: 'products' }, field: 'apiKey' },
  { provider: 'postgreen', credentials: { username: 'denied', password: SECRET }, node: { type: 'fulfillment-operation', operation: 'optionTypes' }, field: 'password' },
  { provider: 'delivergo', credentials: { apiKey: 'denied', apiSecret: SECRET }, node: { type: 'fulfillment-resale-unit', operation: 'list' }, field: 'apiKey' },
];

describe('credentials a provider refuses (a real runtime against the sandbox)', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  sandboxPerTest((s) => (sandbox = s));

  for (const c of CASES) {
    it(`${c.provider}: the error names the account field "${c.field}" and holds no secret`, async () => {
      const settings = c.provider === 'delivergo' ? { portalNamespace: 'rel', customerGuid: '1186f976-8aae-4929-b6f2-3ce99553e248' } : {};
      const flow = [
        { id: 'f1', type: 'tab' },
        accountNode('acc', c.provider, sandbox.providerUrl(c.provider), settings),
        { id: 'n', z: 'f1', account: 'acc', ...c.node, wires: [[]] },
        ...catchTo(),
      ];
      await helper.load(allNodes(), flow, { acc: c.credentials });
      const errors = collect('errors');
      helper.getNode('n')?.receive({ payload: {} });
      const [msg] = await errors.wait(1);
      const error = msg.error as { message: string; cause: { field?: string; status?: number } };
      assert.strictEqual(error.cause.field, c.field, error.message);
      assert.strictEqual(error.cause.status, 401);
      assert.ok(!JSON.stringify(msg).includes(SECRET), 'no secret in the message');
      assert.ok(!JSON.stringify(helper.log().args).includes(SECRET), 'no secret in the log');
    });
  }
});
