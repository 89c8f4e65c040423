/**
 * The one place that knows every provider: builds a provider's client and its
 * capabilities from an account's settings. Still no Node-RED here.
 */
import { Capabilities } from '../core/capabilities';
import { FulfillmentError } from '../core/errors';
import { PlanviewerClient, PLANVIEWER_DEFAULT_BASE_URL } from './planviewer/client';
import { planviewerCapabilities } from './planviewer/capabilities';
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
  probo: 'https://api.proboprints.com',
  postgreen: 'https://api.postgreen.com',
  planviewer: PLANVIEWER_DEFAULT_BASE_URL,
  delivergo: 'https://api.delivergo.com',
  arri: 'https://webgate.arri.com',
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
