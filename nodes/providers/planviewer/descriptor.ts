/** Planviewer Product API: who it is, what the account needs, what it can do. */
import { ProviderDescriptor } from '../../core/descriptor';
import { PlanviewerClient, PLANVIEWER_DEFAULT_BASE_URL } from './client';
import { planviewerCapabilities } from './capabilities';
import { PLANVIEWER_OPERATIONS } from './operations';
import { operationInfos } from '../../core/capabilities';

export const planviewerDescriptor: ProviderDescriptor<PlanviewerClient> = {
  name: 'planviewer',
  label: 'Planviewer',
  defaultBaseUrl: PLANVIEWER_DEFAULT_BASE_URL,
  sandboxPath: '/planviewer',
  guide: 'docs/planviewer.md',
  credentials: [
    { key: 'apiKey', secret: true, label: { 'en-US': 'Access key id', de: 'Zugriffsschlüssel-ID', nl: 'Toegangssleutel-id', fr: "ID de clé d'accès" } },
    { key: 'apiSecret', secret: true, label: { 'en-US': 'Secret', de: 'Geheimnis', nl: 'Geheim', fr: 'Secret' } },
  ],
  credentialSets: [['apiKey', 'apiSecret']],
  settings: [],
  capabilities: {
    order: true,
    result: true,
    status: [{ name: 'job', label: { 'en-US': 'job', de: 'Job', nl: 'job', fr: 'job' }, defaultIntervalMs: 10_000 }],
    callback: [],
    operations: operationInfos(PLANVIEWER_OPERATIONS),
    nodes: [],
  },
  create(s) {
    const client = new PlanviewerClient({
      baseUrl: s.baseUrl,
      apiKey: s.credentials.apiKey ?? '',
      apiSecret: s.credentials.apiSecret ?? '',
      timeoutMs: s.timeoutMs,
      maxResponseBytes: s.maxResponseBytes,
    });
    return { provider: 'planviewer', client, capabilities: planviewerCapabilities(client), close: async () => client.close() };
  },
};
