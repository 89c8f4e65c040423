/**
 * The one error type of the package. Everything that reaches a flow (msg.error,
 * node status, a log line) is built from these fields only, never from an
 * axios error, whose config carries the Authorization header.
 */
export type ErrorKind =
  | 'invalid_input'
  | 'http'
  | 'network'
  | 'timeout'
  | 'outcome_unknown'
  | 'malformed_response'
  | 'unsupported'
  | 'cancelled'
  | 'config'
  | 'duplicate'
  /** The shared state (Redis) that several Node-RED instances coordinate through did not answer. */
  | 'shared_state';

export interface SentRequest {
  method: string;
  url: string;
  body?: unknown;
}

export interface ErrorFields {
  provider?: string;
  kind: ErrorKind;
  message: string;
  status?: number;
  providerCode?: string;
  providerMessage?: string;
  retryable?: boolean;
  requestId?: string;
  field?: string;
  request?: SentRequest;
  response?: unknown;
}

export class FulfillmentError extends Error {
  readonly provider?: string;
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly providerCode?: string;
  readonly providerMessage?: string;
  readonly retryable: boolean;
  readonly requestId?: string;
  readonly field?: string;
  request?: SentRequest;
  response?: unknown;

  constructor(fields: ErrorFields) {
    super(fields.message);
    this.name = 'FulfillmentError';
    this.provider = fields.provider;
    this.kind = fields.kind;
    this.status = fields.status;
    this.providerCode = fields.providerCode;
    this.providerMessage = fields.providerMessage;
    this.retryable = fields.retryable ?? false;
    this.requestId = fields.requestId;
    this.field = fields.field;
    this.request = fields.request;
    this.response = fields.response;
  }

  get outcomeUnknown(): boolean {
    return this.kind === 'outcome_unknown';
  }

  /** The plain object a flow sees as `msg.error`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      message: this.message,
      kind: this.kind,
      retryable: this.retryable,
    };
    const optional: Array<[string, unknown]> = [
      ['provider', this.provider],
      ['status', this.status],
      ['providerCode', this.providerCode],
      ['providerMessage', this.providerMessage],
      ['requestId', this.requestId],
      ['field', this.field],
      ['request', this.request],
      ['response', this.response],
    ];
    for (const [k, v] of optional) if (v !== undefined) out[k] = v;
    if (this.kind === 'outcome_unknown') out.outcomeUnknown = true;
    return out;
  }
}

export function invalidInput(field: string, message: string, provider?: string): FulfillmentError {
  return new FulfillmentError({ kind: 'invalid_input', field, message: `${field}: ${message}`, provider });
}

export function isFulfillmentError(e: unknown): e is FulfillmentError {
  return e instanceof FulfillmentError;
}

/** Any thrown value as a FulfillmentError, without copying foreign objects into it. */
export function asFulfillmentError(e: unknown, provider?: string): FulfillmentError {
  if (e instanceof FulfillmentError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FulfillmentError({ kind: 'config', message, provider });
}
