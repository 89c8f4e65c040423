/**
 * What a provider is, in one place: its name, where its API lives, the
 * account fields it needs and what it can do. Each provider folder holds one
 * descriptor; the runtime's provider list, the account dialog, the poll and
 * callback kinds, the operation lists and "which providers this node accepts"
 * are all read from the descriptors, never copied.
 *
 * `ProviderInfo` is plain data (it is sent to the editor as is); the
 * descriptor adds the factory that builds the provider's client.
 */
import { Capabilities } from './capabilities';

/** The editor languages every user-facing text comes in. */
export const LANGUAGES = ['en-US', 'de', 'nl', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Localized = Record<Language, string>;

/** One shared set of credential names; each provider labels the ones it uses. */
export const CREDENTIAL_KEYS = ['apiKey', 'apiSecret', 'username', 'password', 'accessToken'] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

export interface CredentialField {
  key: CredentialKey;
  label: Localized;
  /** A secret is stored as a `password` credential, which never travels back to the editor. */
  secret: boolean;
  hint?: Localized;
}

export type SettingValue = string | number | boolean;

/** A provider-specific property of the account node. */
export interface SettingField {
  key: string;
  type: 'text' | 'select' | 'checkbox' | 'number';
  label: Localized;
  hint?: Localized;
  default: SettingValue;
  options?: Array<{ value: string; label: Localized }>;
  /** A text that must not be empty. */
  required?: boolean;
  min?: number;
  max?: number;
}

export interface StatusKindInfo {
  name: string;
  label: Localized;
  /** The provider's advice, or ours where it gives none (see the provider's guide). */
  defaultIntervalMs: number;
}

export interface CallbackKindInfo {
  name: string;
  label: Localized;
}

export interface OperationInfo {
  /** Part of the contract: flows name it in `msg.operation`. */
  name: string;
  label: Localized;
  description: Localized;
  /** What `msg.payload` holds. */
  input: Localized;
  /** What the node outputs (`msg.payload` and its named fields). */
  output: Localized;
  /** An input that works against the sandbox; shown in the editor. */
  example?: unknown;
  /** Changes something at the provider: sent once, guarded like an order. */
  changes: boolean;
  /** The HTTP call, for the editor and the help (`POST /order/cancel`). */
  call: string;
  /**
   * An input field that takes a code from one of the provider's live lists
   * (`capabilities.choices`, by name): the editor offers that list while a
   * typed value stays allowed, and the operation node fills the field from
   * its setting when msg.payload leaves it out (`many`: as a one-item array).
   */
  choice?: { field: string; list: string; many?: boolean };
}

export interface ProviderInfo {
  name: string;
  label: string;
  /** Undefined where the provider has no one public address (each customer has its own host). */
  defaultBaseUrl?: string;
  /** Where the base URL comes from; shown under the field. */
  baseUrlHint?: Localized;
  /** The sandbox's path for this provider (`npm start` serves it under http://127.0.0.1:1881). */
  sandboxPath: string;
  /** This package's guide for the provider. */
  guide: string;
  credentials: CredentialField[];
  /** Each entry is one set of credentials that is enough on its own. */
  credentialSets: CredentialKey[][];
  settings: SettingField[];
  capabilities: {
    order: boolean;
    result: boolean;
    status: StatusKindInfo[];
    callback: CallbackKindInfo[];
    operations: OperationInfo[];
    /** Node types that only this provider (and others listing them) serves: `fulfillment-create-job`. */
    nodes: string[];
  };
}

/** An account node's properties and credentials, as a provider's factory receives them. */
export interface AccountSettings {
  provider: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** Largest answer read into memory; bigger ones are refused before they are read. */
  maxResponseBytes?: number;
  credentials: Partial<Record<CredentialKey, string>>;
  /** The provider's own settings, keyed as in its descriptor. */
  options: Record<string, SettingValue | undefined>;
}

export interface ProviderHandle<C = unknown> {
  provider: string;
  /** The typed client, for nodes that make provider-specific calls. */
  client: C;
  capabilities: Capabilities;
  close(): Promise<void>;
}

export interface ProviderDescriptor<C = unknown> extends ProviderInfo {
  create(settings: AccountSettings): ProviderHandle<C>;
}

/** The plain-data part, for the editor. */
export function infoOf(d: ProviderDescriptor): ProviderInfo {
  const { create: _create, ...info } = d;
  void _create;
  return info;
}

/** A setting's value from the account, or its default. */
export function optionOf(settings: AccountSettings, key: string, fallback: string): string;
export function optionOf(settings: AccountSettings, key: string, fallback: number): number;
export function optionOf(settings: AccountSettings, key: string, fallback: boolean): boolean;
export function optionOf(settings: AccountSettings, key: string, fallback: SettingValue): SettingValue {
  const v = settings.options[key];
  return v === undefined || typeof v !== typeof fallback ? fallback : v;
}

/** The same text in every language (names, codes). */
export function same(text: string): Localized {
  return { 'en-US': text, de: text, nl: text, fr: text };
}
