/**
 * The HTTP layer every provider client stands on: one axios instance and one
 * keep-alive agent pair per account, a timeout, a retry policy that never
 * repeats a request that may already have created something, and errors that
 * carry what was sent and what came back, with secrets removed.
 */
import http from 'http';
import https from 'https';
import { Readable } from 'stream';
import axios, { AxiosInstance, AxiosResponse, AxiosRequestConfig } from 'axios';
import FormData from 'form-data';
import { FulfillmentError, ErrorKind, SentRequest } from './errors';
import { Redactor } from './redact';
import { DEFAULT_RETRY, RetryPolicy, backoffDelay, parseRetryAfter, sleep } from './retry';
import { Shape, ShapeMismatch } from './shape';
import { ACCEPTED_ENCODINGS, BodyError, BodyProblem, cutOffText, declaredLength, decodedBody, describeBodyProblem, readBody } from './body';
import { releaseWritten } from './upload-file';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | ReadonlyArray<string | number>;
export type ResponseKind = 'json' | 'text' | 'buffer' | 'stream';

export interface RequestSpec {
  method: HttpMethod;
  path: string;
  /** Array values are repeated under the same key, e.g. `uuids[]`. */
  query?: Record<string, QueryValue>;
  json?: unknown;
  /** A raw body with its content type (XML, say). */
  raw?: { body: string | Buffer; contentType: string };
  form?: FormData;
  headers?: Record<string, string>;
  responseType?: ResponseKind;
  /**
   * May this request be sent again after it could have reached the server?
   * Default: true for GET and HEAD only. Order and job creation leave it false.
   */
  safeToRetry?: boolean;
  /** Retry a 429 even when not safeToRetry: for providers whose 429 means "not processed". */
  retryOn429?: boolean;
  /** Statuses treated as success; default 2xx. */
  okStatus?: (status: number) => boolean;
  signal?: AbortSignal;
  /** Skip the account's auth headers (a login call). */
  noAuth?: boolean;
  /** What the error should show as the sent body instead of `json` (e.g. a list of files). */
  describeBody?: unknown;
  /**
   * The documented shape of a 2xx JSON answer. An answer that does not fit is
   * an error; for a request that is not safe to retry (it may have created
   * something) the error is `outcome_unknown`, so the repeat guard keeps the key.
   */
  expect?: Shape<unknown>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string>;
  data: T;
  requestId?: string;
}

export interface ErrorDescription {
  message?: string;
  /** The setting or credential of the account the refusal is about (e.g. a key refused with 401). */
  field?: string;
  providerCode?: string;
  providerMessage?: string;
  retryable?: boolean;
}

export interface HttpClientOptions {
  provider: string;
  baseUrl: string;
  timeoutMs?: number;
  redactor?: Redactor;
  retry?: Partial<RetryPolicy>;
  /** Headers to authenticate a request (called per request, so tokens can rotate). */
  authHeaders?: () => Promise<Record<string, string>> | Record<string, string>;
  /** Turns a provider's error answer into a clear message. */
  describeError?: (status: number, body: unknown, spec: RequestSpec) => ErrorDescription | undefined;
  /**
   * Largest answer read into memory (json, text and buffer answers, after
   * decompression); default DEFAULT_MAX_RESPONSE_BYTES. An answer that
   * declares a larger Content-Length is refused before a byte of it is read
   * and never retried; one without a declared length is read up to this and
   * then refused. Stream answers (downloads) are bounded by their consumer.
   */
  maxResponseBytes?: number;
  userAgent?: string;
  /**
   * How long to wait before retrying a 429/5xx when the provider says so in
   * its own headers (e.g. `x-ratelimit-reset`). Consulted only when there is
   * no Retry-After; undefined = use the backoff.
   */
  retryDelayFromHeaders?: (headers: Record<string, string>, status: number) => number | undefined;
}

/**
 * 10 MiB: far above any answer the providers document (status lists,
 * catalogues, a portal's resale units: kilobytes to a few megabytes). An
 * answer without a declared length costs about twice what is read before it
 * is refused (Node's HTTP parser copies each body part out of its socket
 * buffer, and both wait for the next garbage collection), so this keeps a
 * node under 32 MB of memory growth even then (`npm run bench`: ~24 MB).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** How much of an error (non-2xx) answer is read: enough for any error document, never a runaway body. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_ERROR_BODY_CHARS = 4000;

export class HttpClient {
  readonly provider: string;
  readonly baseUrl: string;
  readonly redactor: Redactor;
  private readonly axios: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly policy: RetryPolicy;
  private readonly options: HttpClientOptions;
  private readonly maxResponseBytes: number;
  private readonly timeoutMs: number;
  private closed = false;
  /** Counts requests put on the wire; benchmarks and tests read it. */
  requestCount = 0;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.provider = options.provider;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.redactor = options.redactor ?? new Redactor();
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.maxResponseBytes = options.maxResponseBytes && options.maxResponseBytes > 0 ? options.maxResponseBytes : DEFAULT_MAX_RESPONSE_BYTES;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
    this.axios = axios.create({
      timeout: this.timeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 3,
      // Every answer comes as a stream and is bounded here (body.ts), before
      // and while it is read; axios would read a whole body before judging it.
      responseType: 'stream',
      maxContentLength: -1,
      decompress: false,
      maxBodyLength: Infinity,
      validateStatus: () => true,
      transformResponse: [(d: unknown) => d],
      // Never let axios read HTTP(S)_PROXY on its own: a proxy would see credentials.
      proxy: false,
    });
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const base = `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
    if (!query) return base;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
      else params.append(key, String(value));
    }
    const qs = params.toString();
    return qs ? `${base}?${qs}` : base;
  }

  request<T>(spec: RequestSpec & { expect: Shape<T> }): Promise<HttpResponse<T>>;
  request<T = unknown>(spec: RequestSpec): Promise<HttpResponse<T>>;
  async request<T = unknown>(spec: RequestSpec): Promise<HttpResponse<T>> {
    if (this.closed) {
      throw new FulfillmentError({ provider: this.provider, kind: 'cancelled', message: `${this.provider}: the account was closed (redeploy or shutdown)` });
    }
    const safe = spec.safeToRetry ?? (spec.method === 'GET' || spec.method === 'HEAD');
    const url = this.url(spec.path, spec.query);
    // What was sent, redacted: built only when an error needs it, off the hot path.
    let sentCache: SentRequest | undefined;
    const sent = (): SentRequest => (sentCache ??= { method: spec.method, url: this.redactor.text(url), body: this.redactor.data(spec.describeBody ?? spec.json ?? spec.raw?.body) });
    for (let attempt = 1; ; attempt++) {
      let outcome: { response?: AxiosResponse; error?: FulfillmentError };
      try {
        outcome = { response: await this.send(spec, url) };
      } catch (e) {
        outcome = { error: this.networkError(e, spec, safe, sent) };
      }
      const { response, error } = outcome;
      const last = attempt >= this.policy.attempts;
      if (response && (spec.okStatus ?? is2xx)(response.status)) {
        try {
          return await this.finish<T>(response, spec, sent);
        } catch (e) {
          // Only a read cut short by the connection is worth another try, and only when safe.
          if (!(e instanceof FulfillmentError) || !e.retryable || !safe || last) throw e;
          await this.wait(backoffDelay(attempt, this.policy), spec.signal, e);
          continue;
        }
      }
      if (response) {
        const failure = await this.statusError(response, spec, sent);
        const retryAfter = parseRetryAfter(headerOf(response, 'retry-after')) ?? this.providerRetryDelay(response);
        const mayRetry = RETRYABLE_STATUS.has(response.status) && (safe || (response.status === 429 && spec.retryOn429 === true));
        if (!mayRetry || last || (retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterMs)) throw failure;
        await this.wait(retryAfter ?? backoffDelay(attempt, this.policy), spec.signal, failure);
        continue;
      }
      if (!error) throw new Error('unreachable');
      const reached = !NEVER_CONNECTED.has(error.providerCode ?? '');
      if (error.kind === 'cancelled' || last || (!safe && reached)) throw error;
      await this.wait(backoffDelay(attempt, this.policy), spec.signal, error);
    }
  }

  private providerRetryDelay(response: AxiosResponse): number | undefined {
    const fn = this.options.retryDelayFromHeaders;
    if (!fn) return undefined;
    const ms = fn(flatHeaders(response), response.status);
    return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : undefined;
  }

  private async wait(ms: number, signal: AbortSignal | undefined, failure: FulfillmentError): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch {
      throw failure;
    }
  }

  private async send(spec: RequestSpec, url: string): Promise<AxiosResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Encoding': ACCEPTED_ENCODINGS, ...(this.options.userAgent ? { 'User-Agent': this.options.userAgent } : {}) };
    if (!spec.noAuth && this.options.authHeaders) {
      const auth = this.options.authHeaders();
      Object.assign(headers, auth instanceof Promise ? await auth : auth);
    }
    let data: unknown;
    if (spec.form) {
      Object.assign(headers, spec.form.getHeaders());
      data = spec.form;
    } else if (spec.raw) {
      headers['Content-Type'] = spec.raw.contentType;
      data = spec.raw.body;
    } else if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(spec.json);
    }
    Object.assign(headers, spec.headers);
    const config: AxiosRequestConfig = {
      method: spec.method,
      url,
      headers,
      data,
      signal: spec.signal,
      // The redirect layer keeps a copy of every request body to replay it: an upload must not follow redirects.
      ...(spec.form ? { maxRedirects: 0, transport: RELEASING_TRANSPORT } : {}),
    };
    this.requestCount++;
    return this.axios.request(config);
  }

  private async finish<T>(response: AxiosResponse, spec: RequestSpec, sent: () => SentRequest): Promise<HttpResponse<T>> {
    const headers = flatHeaders(response);
    const requestId = headers['x-request-id'] ?? headers['x-correlation-id'];
    const kind = spec.responseType ?? 'json';
    const raw = response.data as Readable;
    const body = decodedBody(raw, headers['content-encoding']);
    if (kind === 'stream') {
      if (body !== raw) {
        // The consumer sees the decoded bytes: the wire's length and encoding no longer describe them.
        delete headers['content-length'];
        delete headers['content-encoding'];
      }
      return { status: response.status, headers, data: body as T, requestId };
    }
    const declared = declaredLength(headers);
    let buffer: Buffer;
    try {
      buffer = await readBody(raw, body, { maxBytes: this.maxResponseBytes, declared, idleMs: this.timeoutMs });
    } catch (e) {
      if (!(e instanceof BodyError)) throw this.networkError(e, spec, false, sent);
      throw this.bodyError(e.problem, e.partial, spec, response.status, requestId, sent());
    }
    if (kind === 'buffer') return { status: response.status, headers, data: buffer as unknown as T, requestId };
    const text = buffer.toString('utf8');
    if (kind === 'text') return { status: response.status, headers, data: text as unknown as T, requestId };
    let data: unknown;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (e) {
        const why = stopsEarly(text, e as Error) ? `it is not valid JSON: ${cutOffText(buffer.length)} (it stops in the middle of a value)` : 'it is not valid JSON';
        throw this.unreadableAnswer(spec, response.status, why, text, requestId, sent());
      }
    }
    if (spec.expect) data = this.checkAnswer(spec.expect, data, spec, response.status, requestId, sent());
    return { status: response.status, headers, data: data as T, requestId };
  }

  /**
   * A 2xx body that is too large, cut off or stalled. For a creating call it is
   * the provider's accepted work whose answer is lost: outcome unknown. For a
   * read, a cut-off or stall may be retried; a too-large answer never is.
   */
  private bodyError(problem: BodyProblem, partial: Buffer, spec: RequestSpec, status: number, requestId: string | undefined, sent: SentRequest): FulfillmentError {
    const shown = partial.length > 0 ? partial.toString('utf8') : undefined;
    const why = describeBodyProblem(problem);
    switch (problem.kind) {
      case 'too_large':
        return this.unreadableAnswer(spec, status, why, shown, requestId, sent, { kind: 'malformed_response', providerCode: 'answer_too_large', retryable: false });
      case 'cut_off':
        return this.unreadableAnswer(spec, status, why, shown, requestId, sent, { kind: 'network', providerCode: 'answer_cut_off', retryable: true });
      case 'idle':
        return this.unreadableAnswer(spec, status, why, shown, requestId, sent, { kind: 'timeout', providerCode: 'answer_stalled', retryable: true });
    }
  }

  /**
   * Checks an answer the client parsed itself (XML, say) against its shape,
   * with the same error as a JSON answer of the wrong shape.
   */
  checkAnswer<T>(shape: Shape<T>, data: unknown, spec: Pick<RequestSpec, 'method' | 'path' | 'safeToRetry'>, status: number, requestId?: string, sent?: SentRequest): T {
    try {
      return shape.check(data, 'answer');
    } catch (e) {
      if (!(e instanceof ShapeMismatch)) throw e;
      throw this.unreadableAnswer(spec, status, `it does not have the documented shape (${e.message})`, data, requestId, sent);
    }
  }

  /**
   * A 2xx answer that cannot be read. For a read it is `malformed_response`;
   * for a call that creates or changes something the provider has accepted
   * it, so it is `outcome_unknown`: never resend without checking.
   */
  unreadableAnswer(
    spec: Pick<RequestSpec, 'method' | 'path' | 'safeToRetry'>,
    status: number,
    why: string,
    body: unknown,
    requestId?: string,
    sent?: SentRequest,
    /** How a safe read reports it, when not `malformed_response` (a cut-off is a network failure, say). */
    asRead: { kind: ErrorKind; providerCode?: string; retryable?: boolean } = { kind: 'malformed_response' },
  ): FulfillmentError {
    const safe = spec.safeToRetry ?? (spec.method === 'GET' || spec.method === 'HEAD');
    const what = `${spec.method} ${spec.path}`;
    const shown = typeof body === 'string' ? this.redactor.text(body.slice(0, MAX_ERROR_BODY_CHARS)) : boundedData(this.redactor.data(body));
    return new FulfillmentError({
      provider: this.provider,
      kind: safe ? asRead.kind : 'outcome_unknown',
      status,
      providerCode: safe ? asRead.providerCode : 'answer_unreadable',
      retryable: safe ? asRead.retryable : false,
      message: this.redactor.text(safe
        ? `${this.provider}: the answer to ${what} (HTTP ${status}) cannot be read: ${why}`
        : `${this.provider}: the provider accepted ${what} (HTTP ${status}) but its answer cannot be read: ${why}; it has probably been done: check with the provider before sending it again`),
      requestId,
      request: sent,
      response: shown,
    });
  }

  private async statusError(response: AxiosResponse, spec: RequestSpec, sent: () => SentRequest): Promise<FulfillmentError> {
    const headers = flatHeaders(response);
    const body = await readBodyForError(response, headers);
    const described = this.options.describeError?.(response.status, body, spec) ?? {};
    const providerMessage = described.providerMessage ?? extractMessage(body);
    const base = `${this.provider}: ${spec.method} ${spec.path} failed with HTTP ${response.status}`;
    return new FulfillmentError({
      provider: this.provider,
      kind: 'http',
      status: response.status,
      message: this.redactor.text(described.message !== undefined ? withStatus(described.message, response.status) : providerMessage ? `${base}: ${providerMessage}` : base),
      providerCode: described.providerCode,
      field: described.field,
      providerMessage: providerMessage === undefined ? undefined : this.redactor.text(providerMessage),
      retryable: described.retryable ?? RETRYABLE_STATUS.has(response.status),
      requestId: headers['x-request-id'] ?? headers['x-correlation-id'],
      request: sent(),
      response: this.redactor.data(body),
    });
  }

  private networkError(e: unknown, spec: RequestSpec, safe: boolean, sent: () => SentRequest): FulfillmentError {
    if (e instanceof FulfillmentError) return e;
    const err = e as { code?: string; message?: string; name?: string };
    const code = err.code ?? 'ERR_UNKNOWN';
    if (axios.isCancel(e) || code === 'ERR_CANCELED' || err.name === 'CanceledError') {
      return new FulfillmentError({ provider: this.provider, kind: 'cancelled', message: `${this.provider}: ${spec.method} ${spec.path} was cancelled`, request: sent() });
    }
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(err.message ?? '');
    const reached = !NEVER_CONNECTED.has(code);
    let kind: ErrorKind = timedOut ? 'timeout' : 'network';
    let message = timedOut
      ? `${this.provider}: ${spec.method} ${spec.path} timed out`
      : `${this.provider}: ${spec.method} ${spec.path} failed: ${code}`;
    if (!safe && reached) {
      kind = 'outcome_unknown';
      message += ' after the request may have reached the server; outcome unknown, check with the provider before sending it again';
    }
    return new FulfillmentError({ provider: this.provider, kind, providerCode: code, message: this.redactor.text(message), retryable: safe || !reached, request: sent() });
  }

  /** Frees sockets; later requests fail with a clear error instead of hanging. */
  close(): void {
    this.closed = true;
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** Keeps an unreadable answer in an error small: a huge parsed body becomes its first characters. */
function boundedData(data: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch {
    return String(data).slice(0, MAX_ERROR_BODY_CHARS);
  }
  return text !== undefined && text.length > MAX_ERROR_BODY_CHARS ? `${text.slice(0, MAX_ERROR_BODY_CHARS)}…` : data;
}

/** A provider's own wording of an error still names the status it reports. */
function withStatus(message: string, status: number): string {
  return message.includes(`HTTP ${status}`) ? message : `${message} (HTTP ${status})`;
}

/** Did JSON.parse fail because the text ends too soon (rather than on a wrong character)? */
function stopsEarly(text: string, e: Error): boolean {
  if (/end of JSON input|Unterminated string/i.test(e.message)) return true;
  const at = /at position (\d+)/.exec(e.message);
  return at !== null && Number(at[1]) >= text.trimEnd().length;
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

function flatHeaders(response: AxiosResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function headerOf(response: AxiosResponse, name: string): string | undefined {
  return flatHeaders(response)[name];
}

/** An error answer, read up to MAX_ERROR_BODY_BYTES whatever it declares; parsed when it is JSON. */
async function readBodyForError(response: AxiosResponse, headers: Record<string, string>): Promise<unknown> {
  let text: string;
  const data: unknown = response.data;
  if (data instanceof Readable) {
    const body = decodedBody(data, headers['content-encoding']);
    // A truncating read only rejects on a cancel; the status error is what matters then.
    text = (await readBody(data, body, { maxBytes: MAX_ERROR_BODY_BYTES, truncate: true }).catch(() => Buffer.alloc(0))).toString('utf8');
  } else if (Buffer.isBuffer(data)) text = data.toString('utf8');
  else if (typeof data === 'string') text = data;
  else return data;
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.length > MAX_ERROR_BODY_CHARS ? `${text.slice(0, MAX_ERROR_BODY_CHARS)}…` : text;
  }
}

/** Finds a human message in the usual error shapes (object, array of objects, plain text). */
export function extractMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? body.trim().slice(0, 500) : undefined;
  if (Array.isArray(body)) return body.length > 0 ? extractMessage(body[0]) : undefined;
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const key of ['message', 'error_description', 'status_message', 'error', 'detail', 'title', 'errorMessage']) {
      const v = o[key];
      if (typeof v === 'string' && v.trim() && v !== 'true') return v;
      if (v && typeof v === 'object') {
        const inner = extractMessage(v);
        if (inner) return inner;
      }
    }
    // A list of reasons, or one string of them a line each (as Probo's refusals are seen): every reason, not the first.
    if (typeof o.errors === 'string' && o.errors.trim()) return o.errors.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join('; ').slice(0, 500);
    if (Array.isArray(o.errors)) {
      const reasons = o.errors.map((e) => extractMessage(e)).filter((m): m is string => m !== undefined);
      return reasons.length > 0 ? reasons.join('; ').slice(0, 500) : undefined;
    }
    if (Array.isArray(o.base)) return o.base.map(String).join('; ');
  }
  return undefined;
}

/**
 * Node's own request, whose writes give a file buffer back to its upload
 * stream once the socket has written it (upload-file.ts); only for uploads,
 * which never follow redirects.
 */
const RELEASING_TRANSPORT = {
  request(options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
    return releasingWrites(options.protocol === 'https:' ? https.request(options, callback) : http.request(options, callback));
  },
};

function releasingWrites(req: http.ClientRequest): http.ClientRequest {
  const write = req.write as (this: http.ClientRequest, chunk: unknown, ...rest: unknown[]) => boolean;
  req.write = function (this: http.ClientRequest, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const given = typeof encoding === 'function' ? encoding : callback;
    const done = (err?: Error | null): void => {
      // After an error the chunk may still be referenced: leave it to the collector.
      if (!err) releaseWritten(chunk);
      if (typeof given === 'function') (given as (e?: Error | null) => void)(err);
    };
    return typeof encoding === 'string' ? write.call(this, chunk, encoding, done) : write.call(this, chunk, done);
  } as typeof req.write;
  return req;
}
