/** Probo (print on demand): who it is, what the account needs, what it can do. */
import { optionOf, ProviderDescriptor, same } from '../../core/descriptor';
import { operationInfos } from '../../core/capabilities';
import { ProboClient, PROBO_DEFAULT_BASE_URL } from './client';
import { proboCapabilities } from './capabilities';
import { PROBO_OPERATIONS } from './operations';

export const proboDescriptor: ProviderDescriptor<ProboClient> = {
  name: 'probo',
  label: 'Probo',
  defaultBaseUrl: PROBO_DEFAULT_BASE_URL,
  sandboxPath: '/probo',
  guide: 'docs/probo.md',
  credentials: [{ key: 'apiKey', secret: true, label: { 'en-US': 'API key', de: 'API-Schlüssel', nl: 'API-sleutel', fr: 'Clé API' } }],
  credentialSets: [['apiKey']],
  settings: [
    {
      key: 'testMode',
      type: 'checkbox',
      default: true,
      label: { 'en-US': 'Test mode', de: 'Testmodus', nl: 'Testmodus', fr: 'Mode test' },
      hint: {
        'en-US': 'send orders as order_type "test"',
        de: 'Aufträge als order_type "test" senden',
        nl: 'orders versturen als order_type "test"',
        fr: 'envoyer les commandes avec order_type "test"',
      },
    },
    {
      key: 'authScheme',
      type: 'select',
      // What every public client that works against the live API sends; an account saved without the property gets it too.
      default: 'basic',
      label: { 'en-US': 'Auth scheme', de: 'Authentifizierung', nl: 'Authenticatie', fr: 'Authentification' },
      hint: {
        'en-US': 'Basic sends the key as Probo issues it (Authorization: Basic <key>)',
        de: 'Basic sendet den Schlüssel so, wie Probo ihn ausgibt (Authorization: Basic <Schlüssel>)',
        nl: 'Basic stuurt de sleutel zoals Probo die uitgeeft (Authorization: Basic <sleutel>)',
        fr: 'Basic envoie la clé telle que Probo la délivre (Authorization: Basic <clé>)',
      },
      options: [
        { value: 'basic', label: same('Basic') },
        { value: 'bearer', label: same('Bearer') },
      ],
    },
  ],
  capabilities: {
    order: true,
    result: false,
    status: [{ name: 'order', label: { 'en-US': 'order', de: 'Auftrag', nl: 'order', fr: 'commande' }, defaultIntervalMs: 30 * 60_000 }],
    callback: [
      { name: 'uploader', label: { 'en-US': 'uploader session', de: 'Uploader-Sitzung', nl: 'uploadersessie', fr: "session d'upload" } },
      { name: 'order', label: { 'en-US': 'order status', de: 'Auftragsstatus', nl: 'orderstatus', fr: 'état de commande' } },
    ],
    operations: operationInfos(PROBO_OPERATIONS),
    nodes: ['fulfillment-uploader-session'],
  },
  create(s) {
    const client = new ProboClient({
      baseUrl: s.baseUrl,
      apiKey: s.credentials.apiKey ?? '',
      authScheme: optionOf(s, 'authScheme', 'basic') === 'bearer' ? 'bearer' : 'basic',
      testMode: optionOf(s, 'testMode', true),
      timeoutMs: s.timeoutMs,
      maxResponseBytes: s.maxResponseBytes,
    });
    return { provider: 'probo', client, capabilities: proboCapabilities(client), close: async () => client.close() };
  },
};
