/**
 * The one place that knows every provider: builds a provider's client and its
 * capabilities from an account's settings. Still no Node-RED here.
 */
import { Capabilities } from '../core/capabilities';
import { FulfillmentError } from '../core/errors';
import { PlanviewerClient, PLANVIEWER_DEFAULT_BASE_URL } from './planviewer/client';
import { planviewerCapabilities } from './planviewer/capabilities';
import { DelivergoClient, DELIVERGO_DEFAULT_BASE_URL } from './delivergo/client';
import { delivergoCapabilities } from './delivergo/capabilities';
import { ArriClient, ARRI_DEFAULT_BASE_URL } from './arri/client';
import { arriCapabilities } from './arri/capabilities';
import { ProboClient, PROBO_DEFAULT_BASE_URL } from './probo/client';
import { proboCapabilities } from './probo/capabilities';
import { PostgreenClient } from './postgreen/client';
import { postgreenCapabilities } from './postgreen/capabilities';

export const PROVIDERS = ['probo', 'postgreen', 'planviewer', 'delivergo', 'arri'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface AccountCredentials {
  apiKey?: string;
  apiSecret?: string;
  username?: string;
  password?: string;
  accessToken?: string;
}

export interface AccountSettings {
  provider: ProviderName;
  baseUrl?: string;
  timeoutMs?: number;
  credentials: AccountCredentials;
  testMode?: boolean;
  authScheme?: 'bearer' | 'basic';
  portalNamespace?: string;
  customerGuid?: string;
  format?: 'json' | 'xml';
}

export interface ProviderHandle {
  provider: ProviderName;
  /** The typed client, for nodes that need provider-specific calls. */
  client: unknown;
  capabilities: Capabilities;
  close(): Promise<void>;
}

export const DEFAULT_BASE_URLS: Record<ProviderName, string> = {
  probo: PROBO_DEFAULT_BASE_URL,
  postgreen: 'https://api.postgreen.com',
  planviewer: PLANVIEWER_DEFAULT_BASE_URL,
  delivergo: DELIVERGO_DEFAULT_BASE_URL,
  arri: ARRI_DEFAULT_BASE_URL,
};

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

type Factory = (settings: AccountSettings) => ProviderHandle;

const factories: Partial<Record<ProviderName, Factory>> = {
  planviewer: (s) => {
    const client = new PlanviewerClient({ baseUrl: s.baseUrl, apiKey: s.credentials.apiKey ?? '', apiSecret: s.credentials.apiSecret ?? '', timeoutMs: s.timeoutMs });
    return { provider: 'planviewer', client, capabilities: planviewerCapabilities(client), close: async () => client.close() };
  },
  delivergo: (s) => {
    const client = new DelivergoClient({
      baseUrl: s.baseUrl,
      apiKey: s.credentials.apiKey ?? '',
      apiSecret: s.credentials.apiSecret ?? '',
      portalNamespace: s.portalNamespace ?? '',
      customerGuid: s.customerGuid ?? '',
      format: s.format,
      timeoutMs: s.timeoutMs,
    });
    return { provider: 'delivergo', client, capabilities: delivergoCapabilities(client), close: async () => client.close() };
  },
  arri: (s) => {
    const c = s.credentials;
    const client = new ArriClient({ baseUrl: s.baseUrl, accessToken: c.accessToken, username: c.username, password: c.password, timeoutMs: s.timeoutMs });
    return { provider: 'arri', client, capabilities: arriCapabilities(client), close: async () => client.close() };
  },
  probo: (s) => {
    const client = new ProboClient({ baseUrl: s.baseUrl, apiKey: s.credentials.apiKey ?? '', authScheme: s.authScheme, testMode: s.testMode, timeoutMs: s.timeoutMs });
    return { provider: 'probo', client, capabilities: proboCapabilities(client), close: async () => client.close() };
  },
  postgreen: (s) => {
    const client = new PostgreenClient({ baseUrl: s.baseUrl, login: s.credentials.username ?? '', password: s.credentials.password ?? '', timeoutMs: s.timeoutMs });
    return { provider: 'postgreen', client, capabilities: postgreenCapabilities(client), close: () => client.close() };
  },
};

export function createProvider(settings: AccountSettings): ProviderHandle {
  if (!isProviderName(settings.provider)) {
    throw new FulfillmentError({ kind: 'config', field: 'provider', message: `unknown provider "${String(settings.provider)}"; choose one of ${PROVIDERS.join(', ')}` });
  }
  const factory = factories[settings.provider];
  if (!factory) {
    throw new FulfillmentError({ kind: 'unsupported', provider: settings.provider, message: `${settings.provider}: not supported yet by this version of node-red-contrib-fulfillment` });
  }
  return factory(settings);
}
