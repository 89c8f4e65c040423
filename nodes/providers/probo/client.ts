/**
 * Probo API client. One method per API call; usable without Node-RED:
 *   const probo = new ProboClient({ apiKey, testMode: true });
 *   const { calculation_id } = await probo.price({ language: 'en', products: [...] });
 *   const { session } = await probo.createUploader({ calculation_id, callback_url, language: 'nl' });
 *
 * Every method declares the shape of its answer; an answer that does not
 * fit is an error (`outcome_unknown` for an order or a cancel, which Probo
 * may have carried out), never a success.
 *
 * Rate limit: 300 calls a minute per key; a 429 `{"error":"Quota has been
 * exceeded"}` means the call was NOT processed, so every call (orders too)
 * waits for `x-ratelimit-reset` and tries again. Any other failure after an
 * order or a cancel may have reached Probo is never retried.
 */
import { HttpClient, RequestSpec, ErrorDescription, extractMessage } from '../../core/http';
import { Redactor } from '../../core/redact';
import { requireCredential } from '../../core/auth';
import { FulfillmentError, asFulfillmentError } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { checkOrder, checkOrderRef, checkPriceRequest, checkUploaderRequest, orderIds } from './validate';
import { cancelAnswer, configureAnswer, orderAnswer, priceAnswer, productAnswer, productsAnswer, statusAnswer, uploaderAnswer } from './shapes';
import { isDuplicateMessage, normalizeState } from './states';
import {
  ProboCancelAnswer,
  ProboCatalogueEntry,
  ProboClientOptions,
  ProboConfigureAnswer,
  ProboConfigureRequest,
  ProboOrderAnswer,
  ProboOrderRef,
  ProboOrderRequest,
  ProboOrderStatus,
  ProboOrderStatusRequest,
  ProboPageMeta,
  ProboPreparedOrder,
  ProboPriceAnswer,
  ProboPriceRequest,
  ProboProductDetail,
  ProboProductsPage,
  ProboProductsQuery,
  ProboUploaderCreateRequest,
  ProboUploaderCreated,
  ProboUploaderSession,
} from './types';

export const PROBO_DEFAULT_BASE_URL = 'https://api.proboprints.com';
/** Probo answers at most 5 orders per status call. */
export const PROBO_STATUS_BATCH = 5;
const PROVIDER = 'probo';

export class ProboClient {
  readonly http: HttpClient;
  readonly testMode: boolean;
  readonly authScheme: 'basic' | 'bearer';

  constructor(options: ProboClientOptions) {
    const redactor = new Redactor();
    redactor.add(options.apiKey);
    this.testMode = options.testMode !== false;
    this.authScheme = options.authScheme === 'bearer' ? 'bearer' : 'basic';
    const scheme = this.authScheme === 'bearer' ? 'Bearer' : 'Basic';
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
    const res = await this.http.request({ method: 'POST', path: '/price', json: body, safeToRetry: true, expect: priceAnswer });
    if (res.data.status === 'error') throw refused('/price', res.status, res.data, this.http.url('/price'), body);
    return res.data as ProboPriceAnswer;
  }

  /**
   * POST /products/configure. A complete configuration carries a
   * `calculation_id`; an incomplete one (`status: "error"`, `can_order: false`)
   * is an answer too: it lists the options still to choose.
   */
  async configure(request: ProboConfigureRequest): Promise<ProboConfigureAnswer> {
    const body = checkPriceRequest(request, 'request', 'configure');
    const res = await this.http.request({ method: 'POST', path: '/products/configure', json: body, safeToRetry: true, expect: configureAnswer });
    return res.data as ProboConfigureAnswer;
  }

  /** GET /products: one page of the catalogue. */
  async products(query: ProboProductsQuery = {}, signal?: AbortSignal): Promise<ProboProductsPage> {
    const res = await this.http.request({ method: 'GET', path: '/products', query: { ...query }, expect: productsAnswer, signal });
    const answer = res.data as Record<string, unknown>;
    const list = (Array.isArray(answer.products) ? answer.products : answer.data) as ProboCatalogueEntry[];
    return { products: list, meta: isPlainObject(answer.meta) ? (answer.meta as ProboPageMeta) : undefined, answer };
  }

  /**
   * Every page of GET /products, one after another (the rate limit is shared
   * with everything else on the key), from page 1 until `meta.pages`, a short
   * page, or `maxPages`.
   */
  async allProducts(query: Omit<ProboProductsQuery, 'page'> = {}, maxPages = 100, signal?: AbortSignal): Promise<{ products: ProboCatalogueEntry[]; pages: number; complete: boolean; meta?: ProboPageMeta }> {
    const products: ProboCatalogueEntry[] = [];
    let meta: ProboPageMeta | undefined;
    for (let page = 1; page <= maxPages; page++) {
      const got = await this.products({ ...query, page }, signal);
      products.push(...got.products);
      meta = got.meta ?? meta;
      const pages = typeof got.meta?.pages === 'number' ? got.meta.pages : undefined;
      const perPage = typeof got.meta?.per_page === 'number' ? got.meta.per_page : query.per_page;
      const last = pages !== undefined ? page >= pages : got.products.length === 0 || (perPage !== undefined && got.products.length < perPage) || got.meta === undefined;
      if (last) return { products, pages: page, complete: true, meta };
    }
    return { products, pages: maxPages, complete: false, meta };
  }

  /** GET /products/product/{code}: one product with its option tree. */
  async product(code: string, language?: string, signal?: AbortSignal): Promise<{ product: ProboProductDetail; answer: Record<string, unknown> }> {
    const res = await this.http.request({ method: 'GET', path: `/products/product/${encodeURIComponent(code)}`, query: { language }, expect: productAnswer, signal });
    const answer = res.data as Record<string, unknown>;
    const inner = isPlainObject(answer.product) ? answer.product : isPlainObject(answer.data) && typeof answer.code !== 'string' ? answer.data : answer;
    return { product: inner as ProboProductDetail, answer };
  }

  /**
   * POST /products/uploader/create. Not retried once it may have reached
   * Probo (a second session would be harmless but confusing); 429 is retried.
   * Reads the guide's answer `{id, external_id, url}` and the
   * specification's `{uploaders: [{product_id, id, url}]}`.
   */
  async createUploader(request: ProboUploaderCreateRequest): Promise<ProboUploaderCreated> {
    const body = checkUploaderRequest(request, 'request');
    const res = await this.http.request({ method: 'POST', path: '/products/uploader/create', json: body, safeToRetry: false, retryOn429: true, expect: uploaderAnswer });
    const answer = res.data;
    const sessions = (Array.isArray(answer.uploaders) ? answer.uploaders : [isPlainObject(answer.uploader) ? answer.uploader : isPlainObject(answer.data) ? answer.data : answer]) as ProboUploaderSession[];
    return { session: sessions[0], sessions, answer };
  }

  /**
   * The body `sendOrder` sends, checked once: `callback_url` becomes
   * `callback_urls`, and in test mode `order_type: "test"` is added unless
   * the order sets one.
   */
  prepareOrder(order: unknown, field = 'order'): ProboPreparedOrder {
    const body = checkOrder(order, field);
    return this.testMode && body.order_type === undefined ? { ...body, order_type: 'test' } : body;
  }

  /**
   * POST /order with a prepared body, sent once. Probo answers 202 `queued`;
   * its checks come later, by callback (a repeated id: `not_accepted`). A
   * refusal on the spot for a repeated id (as older APIs and the sandbox's
   * `sync` mode do) is a `duplicate` error carrying the order's id and reference.
   */
  async sendOrder(body: ProboPreparedOrder, signal?: AbortSignal): Promise<ProboOrderAnswer> {
    let res;
    try {
      res = await this.http.request({ method: 'POST', path: '/order', json: body, safeToRetry: false, retryOn429: true, expect: orderAnswer, signal });
    } catch (e) {
      throw duplicateOrSame(asFulfillmentError(e, PROVIDER), body);
    }
    const answer = res.data as ProboOrderAnswer;
    const text = extractMessage(answer);
    if (isDuplicateMessage(text)) {
      throw duplicateOrSame(new FulfillmentError({ provider: PROVIDER, kind: 'http', status: res.status, message: text ?? '', providerMessage: text, response: answer }), body);
    }
    if (answer.status === 'error') throw refused('/order', res.status, answer, this.http.url('/order'), body, 'the order was refused');
    return answer;
  }

  /** Checks and sends an order (prepareOrder + sendOrder). */
  async placeOrder(order: ProboOrderRequest, signal?: AbortSignal): Promise<ProboOrderAnswer> {
    return this.sendOrder(this.prepareOrder(order), signal);
  }

  /**
   * POST /order/status, in batches of at most 5 orders; answers in one list.
   * An order Probo does not know is missing from the answer.
   */
  async orderStatus(ids: Array<string | number>): Promise<ProboOrderStatus[]> {
    const checked = orderIds(ids, 'ids');
    const out: ProboOrderStatus[] = [];
    // One batch after another: 300 calls a minute is shared with everything else on the key.
    for (let i = 0; i < checked.length; i += PROBO_STATUS_BATCH) {
      const request: ProboOrderStatusRequest = { orders: checked.slice(i, i + PROBO_STATUS_BATCH).map((id) => ({ id })) };
      const res = await this.http.request({ method: 'POST', path: '/order/status', json: request, safeToRetry: true, expect: statusAnswer });
      for (const item of res.data.orders) {
        const raw = [item.status_code, item.status, item.order_status].find((v): v is string => typeof v === 'string' && v.trim() !== '') as string;
        out.push({ id: item.id, status: normalizeState(raw), raw: item });
      }
    }
    return out;
  }

  /**
   * POST /order/cancel `{id}` or `{supplier_order_number}`: sent once (429
   * only is retried). Probo refuses with HTTP 400 and its reason once the
   * order is in production.
   */
  async cancelOrder(ref: ProboOrderRef, signal?: AbortSignal): Promise<ProboCancelAnswer> {
    return this.orderChange('/order/cancel', checkOrderRef(ref, 'order'), 'the order could not be canceled', signal);
  }

  /** POST /order/release: frees a canceled order's id for a new order. Sent once. */
  async releaseOrder(ref: ProboOrderRef, signal?: AbortSignal): Promise<ProboCancelAnswer> {
    return this.orderChange('/order/release', checkOrderRef(ref, 'order'), 'the order could not be released', signal);
  }

  private async orderChange(path: string, body: ProboOrderRef, what: string, signal?: AbortSignal): Promise<ProboCancelAnswer> {
    const res = await this.http.request({ method: 'POST', path, json: body, safeToRetry: false, retryOn429: true, expect: cancelAnswer, signal });
    if (res.data.status === 'error') throw refused(path, res.status, res.data, this.http.url(path), body, what);
    return res.data as ProboCancelAnswer;
  }

  /** GET /products (first page, one item): a cheap read that proves the key works. */
  async probe(): Promise<ProboProductsPage> {
    return this.products({ page: 1, per_page: 1 });
  }

  close(): void {
    this.http.close();
  }
}

/** The `calculation_id` of a price / configure answer: at the top, else on the first product that has one. */
export function calculationIdOf(answer: ProboPriceAnswer): number | string | undefined {
  if (answer.calculation_id !== undefined && answer.calculation_id !== null) return answer.calculation_id;
  const found = answer.products?.find((p) => p && p.calculation_id !== undefined && p.calculation_id !== null)?.calculation_id;
  return found ?? undefined;
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

/** A 2xx answer that says `status: "error"`: Probo did not do it. */
function refused(path: string, status: number, answer: Record<string, unknown>, url: string, body: unknown, what = 'the request was refused'): FulfillmentError {
  const text = extractMessage(answer);
  return new FulfillmentError({
    provider: PROVIDER,
    kind: 'http',
    status,
    message: `probo: ${what}: ${text ?? 'no reason given'}`,
    providerMessage: text,
    response: answer,
    request: { method: 'POST', url, body },
  });
}

/** A refused repeat of an order id becomes `duplicate`; anything else passes through. */
function duplicateOrSame(fe: FulfillmentError, body: ProboPreparedOrder): FulfillmentError {
  const text = fe.providerMessage ?? extractMessage(fe.response) ?? '';
  if (fe.kind !== 'http' || !isDuplicateMessage(text)) return fe;
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
  if (status === 401 || status === 403) return { message: `probo: the API key was refused (HTTP ${status}); check the key and the account's auth scheme (Basic / Bearer)`, providerCode: 'unauthorized', field: 'apiKey', retryable: false };
  if (isDuplicateMessage(text)) return { providerCode: 'order_exists', retryable: false };
  if (status === 400 && spec.path === '/order/cancel') return { message: `probo: the order could not be canceled: ${text ?? 'no reason given'} (HTTP 400)`, providerCode: 'cancel_refused', retryable: false };
  if (status === 400 && spec.path === '/order/release') return { message: `probo: the order could not be released: ${text ?? 'no reason given'} (HTTP 400)`, providerCode: 'release_refused', retryable: false };
  return undefined;
}
