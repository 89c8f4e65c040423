/**
 * Probo API client (seed 000 + issue 4). One method per API call; usable
 * without Node-RED:
 *   const probo = new ProboClient({ apiKey, testMode: true });
 *   const { calculation_id } = await probo.price({ language: 'en', products: [...] });
 *   const session = await probo.createUploader({ calculation_id, callback_url, language: 'nl' });
 *
 * Rate limit: 300 calls a minute per key; a 429 `{"error":"Quota has been
 * exceeded"}` means the call was NOT processed, so every call (orders too)
 * waits for `x-ratelimit-reset` and tries again. Any other failure after an
 * order may have reached Probo is never retried.
 */
import { HttpClient, RequestSpec, ErrorDescription, extractMessage } from '../../core/http';
import { Redactor } from '../../core/redact';
import { requireCredential } from '../../core/auth';
import { FulfillmentError, asFulfillmentError } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { checkOrder, checkPriceRequest, checkUploaderRequest, orderIds } from './validate';
import {
  ProboClientOptions,
  ProboConfigureAnswer,
  ProboConfigureRequest,
  ProboOrderAnswer,
  ProboOrderRequest,
  ProboOrderStatus,
  ProboOrderStatusRequest,
  ProboPriceAnswer,
  ProboPriceRequest,
  ProboUploaderCreateRequest,
  ProboUploaderSession,
} from './types';

export const PROBO_DEFAULT_BASE_URL = 'https://api.proboprints.com';
/** Probo answers at most 5 orders per status call. */
export const PROBO_STATUS_BATCH = 5;
const PROVIDER = 'probo';
const DUPLICATE = /order with customer order id\s*(.*?)\s*already exists?/i;

export class ProboClient {
  readonly http: HttpClient;
  readonly testMode: boolean;

  constructor(options: ProboClientOptions) {
    const redactor = new Redactor();
    redactor.add(options.apiKey);
    this.testMode = options.testMode !== false;
    const scheme = options.authScheme === 'basic' ? 'Basic' : 'Bearer';
    this.http = new HttpClient({
      provider: PROVIDER,
      baseUrl: options.baseUrl || PROBO_DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      redactor,
      retry: { attempts: options.attempts ?? 4, maxRetryAfterMs: options.maxQuotaWaitMs ?? 65_000 },
      authHeaders: () => ({ Authorization: `${scheme} ${requireCredential(PROVIDER, 'API key', options.apiKey)}` }),
      describeError: describeProboError,
      retryDelayFromHeaders: (headers) => quotaResetDelay(headers),
    });
  }

  /** POST /price: prices and a `calculation_id` for the uploader. A read: retried. */
  async price(request: ProboPriceRequest): Promise<ProboPriceAnswer> {
    const body = checkPriceRequest(request, 'request');
    const res = await this.http.request<unknown>({ method: 'POST', path: '/price', json: body, safeToRetry: true });
    return objectAnswer(res.data, 'price') as ProboPriceAnswer;
  }

  /** POST /products/configure: a (completed) configuration also carries a `calculation_id`. */
  async configure(request: ProboConfigureRequest): Promise<ProboConfigureAnswer> {
    const body = checkPriceRequest(request, 'request');
    const res = await this.http.request<unknown>({ method: 'POST', path: '/products/configure', json: body, safeToRetry: true });
    return objectAnswer(res.data, 'products/configure') as ProboConfigureAnswer;
  }

  /**
   * POST /products/uploader/create. Not retried once it may have reached
   * Probo (a second session would be harmless but confusing); 429 is retried.
   */
  async createUploader(request: ProboUploaderCreateRequest): Promise<ProboUploaderSession> {
    const body = checkUploaderRequest(request, 'request');
    const res = await this.http.request<unknown>({ method: 'POST', path: '/products/uploader/create', json: body, safeToRetry: false, retryOn429: true });
    const data = unwrap(objectAnswer(res.data, 'products/uploader/create'), ['uploader', 'data']);
    const session = data as Partial<ProboUploaderSession>;
    if (session.id === undefined || session.external_id === undefined || typeof session.url !== 'string') {
      throw malformed('products/uploader/create', 'expected id, external_id and url', res.data);
    }
    return data as ProboUploaderSession;
  }

  /** The body `placeOrder` sends: `order_type: "test"` added in test mode unless the order sets it. */
  orderBody(order: ProboOrderRequest): ProboOrderRequest {
    const body = checkOrder(order, 'order');
    return this.testMode && body.order_type === undefined ? { ...body, order_type: 'test' } : { ...body };
  }

  /**
   * POST /order, sent once. A repeated `id` comes back as a `duplicate` error
   * (providerCode `order_exists`) carrying the existing order's id and reference.
   */
  async placeOrder(order: ProboOrderRequest, signal?: AbortSignal): Promise<ProboOrderAnswer> {
    const body = this.orderBody(order);
    let res;
    try {
      res = await this.http.request<unknown>({ method: 'POST', path: '/order', json: body, safeToRetry: false, retryOn429: true, signal });
    } catch (e) {
      throw duplicateOrSame(asFulfillmentError(e, PROVIDER), body);
    }
    const answer = objectAnswer(res.data ?? {}, 'order');
    const text = extractMessage(answer);
    if (text && DUPLICATE.test(text)) throw duplicateOrSame(new FulfillmentError({ provider: PROVIDER, kind: 'http', status: res.status, message: text, providerMessage: text, response: answer }), body);
    if (answer.status === 'error') {
      throw new FulfillmentError({ provider: PROVIDER, kind: 'http', status: res.status, message: `probo: the order was refused: ${text ?? 'no reason given'}`, providerMessage: text, response: answer, request: { method: 'POST', url: this.http.url('/order'), body } });
    }
    return answer as ProboOrderAnswer;
  }

  /** POST /order/status, in batches of at most 5 orders; answers in one list. */
  async orderStatus(ids: Array<string | number>): Promise<ProboOrderStatus[]> {
    const checked = orderIds(ids, 'ids');
    const batches: string[][] = [];
    for (let i = 0; i < checked.length; i += PROBO_STATUS_BATCH) batches.push(checked.slice(i, i + PROBO_STATUS_BATCH));
    const out: ProboOrderStatus[] = [];
    // One batch after another: 300 calls a minute is shared with everything else on the key.
    for (const batch of batches) {
      const request: ProboOrderStatusRequest = { orders: batch.map((id) => ({ id })) };
      const res = await this.http.request<unknown>({ method: 'POST', path: '/order/status', json: request, safeToRetry: true });
      const list = unwrap(res.data, ['orders', 'data', 'result']);
      const items = Array.isArray(list) ? list : isPlainObject(list) && list.id !== undefined ? [list] : undefined;
      if (!items) throw malformed('order/status', 'expected a list of orders', res.data);
      for (const item of items) {
        if (!isPlainObject(item) || item.id === undefined) throw malformed('order/status', 'each order needs an id', res.data);
        const status = typeof item.status === 'string' ? item.status : typeof item.order_status === 'string' ? item.order_status : undefined;
        if (!status) throw malformed('order/status', `order ${String(item.id)} has no status`, res.data);
        out.push({ ...item, id: item.id as string | number, status });
      }
    }
    return out;
  }

  /** GET /products (first page, one item): a cheap read that proves the key works. */
  async probe(): Promise<unknown> {
    const res = await this.http.request<unknown>({ method: 'GET', path: '/products', query: { page: 1, per_page: 1 } });
    return res.data;
  }

  close(): void {
    this.http.close();
  }
}

/** The `calculation_id` of a price / configure answer: at the top, else on the first product that has one. */
export function calculationIdOf(answer: ProboPriceAnswer): number | string | undefined {
  if (answer.calculation_id !== undefined) return answer.calculation_id;
  return answer.products?.find((p) => p && p.calculation_id !== undefined)?.calculation_id;
}

/** `x-ratelimit-reset` in ms: a delay, or (when it looks like one) an epoch time. */
export function quotaResetDelay(headers: Record<string, string>, now = Date.now()): number | undefined {
  const raw = headers['x-ratelimit-reset'];
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  const n = parseFloat(raw);
  if (n > 1e12) return Math.max(0, n - now);
  if (n > 1e9) return Math.max(0, n * 1000 - now);
  return n;
}

function unwrap(data: unknown, keys: string[]): unknown {
  if (!isPlainObject(data)) return data;
  for (const k of keys) if (data[k] !== undefined && (Array.isArray(data[k]) || isPlainObject(data[k]))) return data[k];
  return data;
}

function objectAnswer(data: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(data)) throw malformed(what, 'expected a JSON object', data);
  return data;
}

function malformed(what: string, detail: string, body: unknown): FulfillmentError {
  return new FulfillmentError({ provider: PROVIDER, kind: 'malformed_response', message: `probo: unexpected answer from ${what}: ${detail}`, response: body });
}

/** A refused repeat of an order id becomes `duplicate`; anything else passes through. */
function duplicateOrSame(fe: FulfillmentError, body: ProboOrderRequest): FulfillmentError {
  const text = fe.providerMessage ?? extractMessage(fe.response) ?? '';
  if (fe.kind !== 'http' || !DUPLICATE.test(text)) return fe;
  const reference = typeof body.reference === 'string' ? body.reference : undefined;
  return new FulfillmentError({
    provider: PROVIDER,
    kind: 'duplicate',
    status: fe.status,
    field: 'msg.payload.id',
    providerCode: 'order_exists',
    providerMessage: text,
    message: `probo: an order with id "${String(body.id)}"${reference ? ` (reference "${reference}")` : ''} already exists; it was not placed again`,
    retryable: false,
    requestId: fe.requestId,
    request: fe.request,
    response: { existing: { id: body.id, ...(reference ? { reference } : {}) }, answer: fe.response },
  });
}

export function describeProboError(status: number, body: unknown, spec: RequestSpec): ErrorDescription | undefined {
  const text = extractMessage(body);
  if (status === 429) {
    return { message: `probo: quota exceeded on ${spec.method} ${spec.path} (300 calls a minute per API key); the call was not processed (HTTP 429)`, providerCode: 'quota_exceeded', retryable: true };
  }
  if (status === 401 || status === 403) return { message: `probo: the API key was refused (HTTP ${status}); check the key and the account's auth scheme (Bearer / Basic)`, providerCode: 'unauthorized', retryable: false };
  if (text && DUPLICATE.test(text)) return { providerCode: 'order_exists', retryable: false };
  return undefined;
}
