/** Request and response shapes of the delivergo Resale Unit API, as delivergo documents it. */
export type DelivergoFormat = 'json' | 'xml';
export type ResaleUnitOperation = 'list' | 'add' | 'update' | 'delete';
export const RESALE_UNIT_OPERATIONS: readonly ResaleUnitOperation[] = ['list', 'add', 'update', 'delete'];

export interface ResaleUnitTranslation {
  /** Two letter ISO 639-1 code, e.g. "DE". */
  LanguageToken: string;
  Name: string;
  Description?: string | null;
}

/**
 * One Resale Unit as callers see it, whatever the wire format. Dates are ISO
 * 8601 strings. The documented JSON says "Guid", the field table "guid": both are
 * read, "Guid" is what callers get and what is sent.
 */
export interface ResaleUnit {
  Id?: number;
  Guid?: string | null;
  /** Three letter ISO currency code; the provider defaults to EUR. */
  CurrencyToken?: string | null;
  /** Returned by the provider. */
  Created?: string | null;
  Creator?: string | null;
  Modified?: string | null;
  Modifier?: string | null;
  Active?: boolean;
  ResaleUnitTranslation?: ResaleUnitTranslation[];
}

/** add: no Id; Active and one translation required. */
export interface ResaleUnitAdd extends ResaleUnit {
  Active: boolean;
  ResaleUnitTranslation: ResaleUnitTranslation[];
}

/** update: identified by Id. */
export interface ResaleUnitUpdate extends ResaleUnit {
  Id: number;
}

/** delete: only the Id is sent, as documented. */
export interface ResaleUnitDelete {
  Id: number;
}

export interface DelivergoClientOptions {
  baseUrl?: string;
  apiKey: string;
  apiSecret: string;
  portalNamespace: string;
  customerGuid: string;
  /** JSON (default) or XML on the wire; callers get the same objects either way. */
  format?: DelivergoFormat;
  timeoutMs?: number;
  /** Largest answer read into memory (default: the HTTP layer's). */
  maxResponseBytes?: number;
}
