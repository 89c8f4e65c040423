/** An account node's properties and credentials as provider settings. */
import { AccountSettings, isProviderName } from '../providers';
import { FulfillmentError } from '../core/errors';
import { numberProp } from './props';
import { NodeDef } from './red';

export function settingsFrom(def: NodeDef, creds: Record<string, string | undefined>): AccountSettings {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  if (!isProviderName(def.provider)) throw new FulfillmentError({ kind: 'config', field: 'provider', message: 'no valid provider' });
  return {
    provider: def.provider,
    baseUrl: str(def.baseUrl),
    timeoutMs: numberProp(def.timeout, 30_000, 1000),
    credentials: {
      apiKey: str(creds.apiKey),
      apiSecret: str(creds.apiSecret),
      username: str(creds.username),
      password: creds.password || undefined,
      accessToken: str(creds.accessToken),
    },
    testMode: def.testMode !== false && def.testMode !== 'false',
    authScheme: def.authScheme === 'basic' ? 'basic' : 'bearer',
    portalNamespace: str(def.portalNamespace),
    customerGuid: str(def.customerGuid),
    format: def.format === 'xml' ? 'xml' : 'json',
  };
}
