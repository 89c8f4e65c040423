import assert from 'assert';
import path from 'path';
import { makeUserDir, startNodeRed, NodeRedProcess, request } from '../support/process';


describe('provider descriptors reach the editor (a real Node-RED process)', function () {
  this.timeout(60_000);
  let red: NodeRedProcess | undefined;
  afterEach(async () => red?.stop());

  it('exports every descriptor, and one registered from settings.js, in GET /settings without a secret', async () => {
    const providers = path.resolve(__dirname, '..', '..', 'nodes', 'providers', 'index.js');
    // A provider added without touching the package: registered before the nodes load.
    const register = `_dummyProvider: require(${JSON.stringify(providers)}).registerProvider({
      name: 'dummyprint', label: 'Dummy Print', sandboxPath: '/dummy', guide: 'docs/dummy.md',
      credentials: [{ key: 'apiKey', secret: true, label: { 'en-US': 'Dummy key', de: 'Dummy-Schlüssel', nl: 'Dummy-sleutel', fr: 'Clé factice' } }],
      credentialSets: [['apiKey']], settings: [],
      capabilities: { order: true, result: false, status: [], callback: [], operations: [], nodes: [] },
      create: () => { throw new Error('not used'); },
    }),`;
    const flows = [{ id: 'acc', type: 'fulfillment-account', provider: 'planviewer' }];
    red = await startNodeRed(makeUserDir(flows, { acc: { apiKey: 'desc-key', apiSecret: 'desc-secret-value' } }, undefined, register));
    const settings = await request(`${red.url}/settings`);
    assert.strictEqual(settings.status, 200);
    const body = JSON.parse(settings.body) as { fulfillmentAccountProviders?: Array<{ name: string; defaultBaseUrl?: string; credentials: Array<{ key: string }> }> };
    const names = (body.fulfillmentAccountProviders ?? []).map((p) => p.name);
    assert.deepStrictEqual(names, ['planviewer', 'postgreen', 'probo', 'delivergo', 'arri', 'dummyprint']);
    assert.deepStrictEqual(body.fulfillmentAccountProviders?.[5].credentials.map((c) => c.key), ['apiKey']);
    assert.ok(!settings.body.includes('desc-secret-value'));
  });
});
