/** An account node's properties and credentials as provider settings, read by the provider's descriptor. */
import { AccountSettings, CREDENTIAL_KEYS, CredentialKey, SettingField, SettingValue } from '../core/descriptor';
import { FulfillmentError } from '../core/errors';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../core/http';
import { descriptorOf } from '../providers';
import { numberProp } from './props';
import { NodeDef } from './red';

/** Default for answers read into memory, in MiB (the account's "largest answer"): the HTTP layer's own default. */
export const DEFAULT_MAX_RESPONSE_MB = DEFAULT_MAX_RESPONSE_BYTES / (1024 * 1024);

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A property as the editor stores it (checkboxes may arrive as "false" from an imported flow). */
function settingValue(field: SettingField, raw: unknown): SettingValue {
  switch (field.type) {
    case 'checkbox':
      if (raw === undefined || raw === null || raw === '') return field.default;
      return raw !== false && raw !== 'false';
    case 'number':
      return numberProp(raw, Number(field.default), field.min ?? -Infinity);
    case 'select': {
      const v = text(raw);
      return v !== undefined && (field.options ?? []).some((o) => o.value === v) ? v : field.default;
    }
    default:
      return text(raw) ?? field.default;
  }
}

export function settingsFrom(def: NodeDef, creds: Record<string, string | undefined>): AccountSettings {
  const descriptor = descriptorOf(def.provider);
  if (!descriptor) throw new FulfillmentError({ kind: 'config', field: 'provider', message: 'no valid provider' });
  const credentials: Partial<Record<CredentialKey, string>> = {};
  for (const key of CREDENTIAL_KEYS) {
    // A password may have meaningful spaces; names and keys are trimmed.
    const v = key === 'password' ? creds[key] || undefined : text(creds[key]);
    if (v !== undefined) credentials[key] = v;
  }
  const options: AccountSettings['options'] = {};
  for (const field of descriptor.settings) options[field.key] = settingValue(field, def[field.key]);
  return {
    provider: descriptor.name,
    baseUrl: text(def.baseUrl),
    timeoutMs: numberProp(def.timeout, 30_000, 1000),
    maxResponseBytes: Math.round(numberProp(def.maxResponseMb, DEFAULT_MAX_RESPONSE_MB, 1) * 1024 * 1024),
    credentials,
    options,
  };
}
