/** PostGreen on the Nirva platform (print & post): who it is, what the account needs, what it can do. */
import { ProviderDescriptor } from '../../core/descriptor';
import { PostgreenClient, POSTGREEN_DEFAULT_BASE_URL } from './client';
import { postgreenCapabilities, POSTGREEN_POLL_INTERVAL_MS } from './capabilities';

export const postgreenDescriptor: ProviderDescriptor<PostgreenClient> = {
  name: 'postgreen',
  label: 'PostGreen (Nirva)',
  defaultBaseUrl: POSTGREEN_DEFAULT_BASE_URL,
  sandboxPath: '/postgreen',
  guide: 'docs/postgreen.md',
  credentials: [
    { key: 'username', secret: false, label: { 'en-US': 'Login', de: 'Login', nl: 'Login', fr: 'Identifiant' } },
    { key: 'password', secret: true, label: { 'en-US': 'Password', de: 'Passwort', nl: 'Wachtwoord', fr: 'Mot de passe' } },
  ],
  credentialSets: [['username', 'password']],
  settings: [],
  capabilities: {
    order: false,
    result: false,
    status: [
      { name: 'job', label: { 'en-US': 'job', de: 'Job', nl: 'job', fr: 'job' }, defaultIntervalMs: POSTGREEN_POLL_INTERVAL_MS },
      { name: 'deliveries', label: { 'en-US': 'deliveries of a job', de: 'Zustellungen eines Jobs', nl: 'leveringen van een job', fr: "livraisons d'un job" }, defaultIntervalMs: POSTGREEN_POLL_INTERVAL_MS },
    ],
    callback: [{ name: 'shipment', label: { 'en-US': 'shipment webhook', de: 'Sendungs-Webhook', nl: 'zendingswebhook', fr: "webhook d'envoi" } }],
    operations: [],
    nodes: ['fulfillment-authenticate', 'fulfillment-create-job', 'fulfillment-edit-packgroup', 'fulfillment-create-delivery', 'fulfillment-track-shipment'],
  },
  create(s) {
    const client = new PostgreenClient({
      baseUrl: s.baseUrl,
      login: s.credentials.username ?? '',
      password: s.credentials.password ?? '',
      timeoutMs: s.timeoutMs,
      maxResponseBytes: s.maxResponseBytes,
    });
    return { provider: 'postgreen', client, capabilities: postgreenCapabilities(client), close: () => client.close() };
  },
};
