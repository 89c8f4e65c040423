/** delivergo (web2print resale units): who it is, what the account needs, what it can do. */
import { optionOf, ProviderDescriptor, same } from '../../core/descriptor';
import { DelivergoClient, DELIVERGO_DEFAULT_BASE_URL } from './client';
import { delivergoCapabilities } from './capabilities';

export const delivergoDescriptor: ProviderDescriptor<DelivergoClient> = {
  name: 'delivergo',
  label: 'delivergo',
  defaultBaseUrl: DELIVERGO_DEFAULT_BASE_URL,
  sandboxPath: '/delivergo',
  guide: 'docs/delivergo.md',
  credentials: [
    { key: 'apiKey', secret: true, label: { 'en-US': 'API key', de: 'API-Schlüssel', nl: 'API-sleutel', fr: 'Clé API' } },
    { key: 'apiSecret', secret: true, label: { 'en-US': 'API secret', de: 'API-Geheimnis', nl: 'API-geheim', fr: 'Secret API' } },
  ],
  credentialSets: [['apiKey', 'apiSecret']],
  settings: [
    { key: 'portalNamespace', type: 'text', required: true, default: '', label: { 'en-US': 'Portal namespace', de: 'Portal-Namespace', nl: 'Portal-namespace', fr: 'Espace de noms du portail' } },
    { key: 'customerGuid', type: 'text', required: true, default: '', label: { 'en-US': 'Customer GUID', de: 'Kunden-GUID', nl: 'Klant-GUID', fr: 'GUID client' } },
    {
      key: 'format',
      type: 'select',
      default: 'json',
      label: { 'en-US': 'Wire format', de: 'Datenformat', nl: 'Berichtformaat', fr: 'Format des échanges' },
      options: [
        { value: 'json', label: same('JSON') },
        { value: 'xml', label: same('XML') },
      ],
    },
  ],
  capabilities: { order: false, result: false, status: [], callback: [], operations: [], nodes: ['fulfillment-resale-unit'] },
  create(s) {
    const client = new DelivergoClient({
      baseUrl: s.baseUrl,
      apiKey: s.credentials.apiKey ?? '',
      apiSecret: s.credentials.apiSecret ?? '',
      portalNamespace: optionOf(s, 'portalNamespace', ''),
      customerGuid: optionOf(s, 'customerGuid', ''),
      format: optionOf(s, 'format', 'json') === 'xml' ? 'xml' : 'json',
      timeoutMs: s.timeoutMs,
      maxResponseBytes: s.maxResponseBytes,
    });
    return { provider: 'delivergo', client, capabilities: delivergoCapabilities(client), close: async () => client.close() };
  },
};
