/**
 * The rows the operations sidebar shows. Plain JSON, provider-neutral, and
 * free of anything secret: no credentials, no request headers, no callback
 * URLs (they carry the callback secret), no message bodies.
 */

export interface Progress {
  current: number;
  total: number;
}

/** Why a job left the watch list without being done (the poll node's output 2). */
export type AttentionVerdict = 'failed' | 'attention' | 'timeout' | 'refused';

export interface InFlightRow {
  /** Unique among the rows: node, kind and id (and `!` for an attention row). */
  key: string;
  provider: string;
  kind: string;
  id: string;
  node: string;
  nodeName?: string;
  /** The provider's own word for the state; '' before the first answer. */
  state: string;
  progress?: Progress;
  /** Epoch ms: watching began. */
  since: number;
  /** Epoch ms: the state or progress last changed (unknown after a restart until it changes). */
  lastChange?: number;
  /** Epoch ms: the next planned status read of this node. */
  nextCheck?: number;
  /** Set on rows that need attention; they stay until dismissed. */
  attention?: { verdict: AttentionVerdict; reason: string; at: number };
}

export type CallState = 'placed' | 'failed' | 'unknown';

export interface CallRow {
  key: string;
  at: number;
  provider: string;
  node: string;
  nodeName?: string;
  /** What was sent: "place order", "create job", an operation's name. */
  operation: string;
  state: CallState;
  /** The provider's id of what was created (order id, job uuid(s)), where the answer names one. */
  providerId?: string;
  /** The caller's reference where the answer echoes one. */
  reference?: string;
  /** The repeat guard's key (msg.idempotencyKey or the hash of the body). */
  idempotencyKey?: string;
  /** For failed and unknown calls: the error message (secrets are never in it). */
  message?: string;
}

export interface CallbackRow {
  key: string;
  type: 'event' | 'refusal';
  /** Epoch ms of the first delivery (events) or of the refusal. */
  at: number;
  node: string;
  nodeName?: string;
  provider?: string;
  /** Events: the kind (uploader, order, shipment…), the provider's id and status. */
  kind?: string;
  id?: string;
  status?: string;
  /** Events: deliveries of the same event after the first (dropped, counted here). */
  repeats?: number;
  lastAt?: number;
  /** Refusals: the HTTP status answered and why. */
  httpStatus?: number;
  reason?: string;
  /** Refusals: the caller's address, so a misconfigured sender can be found. */
  from?: string;
}

export interface ListQuery {
  offset: number;
  limit: number;
  provider?: string;
  /** A state word, or `@attention` / `@watching` (in flight), `event` / `refusal` (callbacks). */
  state?: string;
  node?: string;
  /** Part of an id (case-insensitive). */
  q?: string;
}

export interface Facets {
  providers: string[];
  states: string[];
  nodes: Array<{ id: string; name?: string }>;
}

export interface ListPage<R> {
  version: number;
  total: number;
  offset: number;
  rows: R[];
  facets: Facets;
}

export type Section = 'inflight' | 'placed' | 'callbacks';

export interface Summary {
  version: number;
  /** Each list's own version: the editor reads again only the lists whose version moved. */
  sections: Record<Section, number>;
  inflight: number;
  attention: number;
  placed: number;
  unknown: number;
  callbacks: number;
  refusals: number;
}
