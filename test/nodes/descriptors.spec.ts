import assert from 'assert';
import { helper, allNodes } from '../support/red';
import { LANGUAGES, Localized, ProviderDescriptor } from '../../nodes/core/descriptor';
import { descriptors, providerInfos, registerProvider, createProvider } from '../../nodes/providers';

function localized(where: string, text: Localized | undefined): void {
  assert.ok(text, `${where}: missing`);
  for (const lang of LANGUAGES) assert.ok(typeof text[lang] === 'string' && text[lang].trim() !== '', `${where}: no ${lang} text`);
}

describe('provider descriptors', () => {
  it('every provider says in four languages what its account fields, kinds and operations are', () => {
    assert.deepStrictEqual(descriptors().map((d) => d.name).slice(0, 5), ['planviewer', 'postgreen', 'probo', 'delivergo', 'arri']);
    for (const d of descriptors()) {
      assert.ok(d.credentialSets.length > 0, `${d.name}: credential sets`);
      for (const set of d.credentialSets) for (const key of set) assert.ok(d.credentials.some((c) => c.key === key), `${d.name}: ${key} is declared`);
      for (const c of d.credentials) localized(`${d.name} credential ${c.key}`, c.label);
      for (const f of d.settings) {
        localized(`${d.name} setting ${f.key}`, f.label);
        for (const o of f.options ?? []) localized(`${d.name} ${f.key} option ${o.value}`, o.label);
      }
      for (const k of [...d.capabilities.status, ...d.capabilities.callback]) localized(`${d.name} kind ${k.name}`, k.label);
      for (const o of d.capabilities.operations) for (const part of ['label', 'description', 'input', 'output'] as const) localized(`${d.name} operation ${o.name} ${part}`, o[part]);
      assert.strictEqual(JSON.parse(JSON.stringify(providerInfos().find((i) => i.name === d.name))).name, d.name, 'the editor part is plain data');
    }
  });

  describe('a provider added at run time', () => {
    const dummy: ProviderDescriptor<{ hello: string }> = {
      name: 'dummyprint',
      label: 'Dummy Print',
      sandboxPath: '/dummy',
      guide: 'docs/dummy.md',
      credentials: [{ key: 'apiKey', secret: true, label: { 'en-US': 'Dummy key', de: 'Dummy-Schlüssel', nl: 'Dummy-sleutel', fr: 'Clé factice' } }],
      credentialSets: [['apiKey']],
      settings: [{ key: 'region', type: 'select', default: 'eu', label: { 'en-US': 'Region', de: 'Region', nl: 'Regio', fr: 'Région' }, options: [{ value: 'eu', label: { 'en-US': 'EU', de: 'EU', nl: 'EU', fr: 'UE' } }, { value: 'us', label: { 'en-US': 'US', de: 'US', nl: 'VS', fr: 'É.-U.' } }] }],
      capabilities: { order: true, result: false, status: [], callback: [], operations: [], nodes: [] },
      create: (s) => ({
        provider: 'dummyprint',
        client: { hello: String(s.options.region) },
        capabilities: { order: { prepare: (x: unknown) => x, place: async (x: unknown) => ({ payload: { placed: x, region: s.options.region }, fields: {} }) } },
        close: async () => undefined,
      }),
    };
    before(() => registerProvider(dummy));
    afterEach(() => helper.unload());

    it('is built from its descriptor with its own settings', () => {
      const handle = createProvider({ provider: 'dummyprint', credentials: { apiKey: 'k' }, options: { region: 'us' } });
      assert.deepStrictEqual(handle.client, { hello: 'us' });
    });

    it('is an account for place order like any other', async () => {
      {
        await helper.load(allNodes(), [
          { id: 'f1', type: 'tab' },
          { id: 'acc', type: 'fulfillment-account', provider: 'dummyprint', region: 'us' },
          { id: 'po', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 0, wires: [['out']] },
          { id: 'out', type: 'helper', z: 'f1' },
        ], { acc: { apiKey: 'dummy-secret-key' } });
        const got = new Promise<Record<string, unknown>>((resolve) => helper.getNode('out')?.on('input', resolve));
        helper.getNode('po')?.receive({ payload: { n: 1 } });
        const msg = await got;
        assert.deepStrictEqual(msg.payload, { placed: { n: 1 }, region: 'us' });
      }
    });
  });
});
