/**
 * ARRI Webgate / Yamdu Orders client (seed 004). One method per API call;
 * usable without Node-RED:
 *   const arri = new ArriClient({ username, password });
 *   const order = await arri.createOrder({ product: 'Yamdu FREE' });
 *   const later = await arri.getOrder(order.order_hash);
 *
 * Paths: the seed's Actions table shows `/orders/{order_hash}`, its example
 * `POST /api/orders`; this client uses `/api/orders` for both, consistently.
 */
import { HttpClient, RequestSpec, ErrorDescription } from '../../core/http';
import { Redactor } from '../../core/redact';
import { bearerAuth } from '../../core/auth';
import { FulfillmentError, SentRequest, invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { ArriClientOptions, ArriOrder, ArriOrderRequest } from './types';
import { checkOrder, isOrderHash } from './validate';
import { ArriTokenSource, ARRI_TOKEN_PATH } from './token';

export const ARRI_DEFAULT_BASE_URL = 'https://webgate.arri.com';
export const ARRI_ORDERS_PATH = '/api/orders';
const PROVIDER = 'arri';
const MASK = '***';

export class ArriClient {
  readonly http: HttpClient;
  /** Present when the account logs in with username + password. */
  readonly tokens?: ArriTokenSource;
  private readonly staticToken?: string;

  constructor(options: ArriClientOptions) {
    const redactor = new Redactor();
    redactor.add(options.accessToken, options.password);
    this.http = new HttpClient({
      provider: PROVIDER,
      baseUrl: options.baseUrl || ARRI_DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      redactor,
      authHeaders: async () => bearerAuth(await this.bearer(), redactor),
      describeError: describeArriError,
    });
    if (!options.accessToken && options.username && options.password) {
      this.tokens = new ArriTokenSource({
        http: this.http,
        username: options.username,
        password: options.password,
        now: options.now ?? Date.now,
        refreshMarginMs: options.refreshMarginMs ?? 5 * 60_000,
      });
    }
    this.staticToken = options.accessToken;
  }

  private async bearer(): Promise<string> {
    if (this.staticToken) return this.staticToken;
    if (this.tokens) return this.tokens.get();
    throw new FulfillmentError({ provider: PROVIDER, kind: 'config', field: 'accessToken', message: 'arri: the account has neither an access token nor a username and password; open the account node and fill them in' });
  }

  /** POST /oauth/token now (password grant); normally done on demand. */
  async login(): Promise<void> {
    if (!this.tokens) throw new FulfillmentError({ provider: PROVIDER, kind: 'config', message: 'arri: the account uses a static access token; there is nothing to log in with' });
    this.tokens.invalidate();
    await this.tokens.get();
  }

  /** POST /api/orders `{"order": {...}}`. Never retried once it may have reached the server. */
  async createOrder(order: ArriOrderRequest, signal?: AbortSignal): Promise<ArriOrder> {
    const checked = checkOrder(order, 'order');
    this.http.redactor.add(checked.admin_user_access_token);
    const body = { order: checked };
    const data = await this.send({ method: 'POST', path: ARRI_ORDERS_PATH, json: body, safeToRetry: false, signal });
    return this.orderFrom(data, { method: 'POST', url: this.http.url(ARRI_ORDERS_PATH), body: this.http.redactor.data(body) });
  }

  /** GET /api/orders/{order_hash}. */
  async getOrder(orderHash: string, signal?: AbortSignal): Promise<ArriOrder> {
    if (!isOrderHash(orderHash)) throw invalidInput('order_hash', `not an order_hash (hexadecimal): ${JSON.stringify(orderHash)}`, PROVIDER);
    const path = `${ARRI_ORDERS_PATH}/${orderHash}`;
    const data = await this.send({ method: 'GET', path, signal });
    return this.orderFrom(data, { method: 'GET', url: this.http.url(path) });
  }

  /**
   * Sends with the bearer token. With a password login, a 401 means the token
   * went stale: log in again and send once more (the server refused the first
   * request, so nothing was created by it).
   */
  private async send(spec: RequestSpec): Promise<unknown> {
    const usedToken = this.tokens ? await this.tokens.get() : undefined;
    try {
      return (await this.http.request<unknown>(spec)).data;
    } catch (e) {
      if (!(e instanceof FulfillmentError) || e.status !== 401 || !this.tokens) throw e;
      this.tokens.invalidate(usedToken);
      return (await this.http.request<unknown>(spec)).data;
    }
  }

  /** The envelope's data.order; an envelope error (even under HTTP 2xx) becomes a FulfillmentError. */
  private orderFrom(data: unknown, sent: SentRequest): ArriOrder {
    if (!isPlainObject(data)) throw this.malformed('expected a JSON object', data, sent);
    const envelopeError = envelopeFailure(data);
    if (envelopeError) {
      throw new FulfillmentError({
        provider: PROVIDER,
        kind: 'http',
        status: typeof data.status === 'number' ? data.status : undefined,
        providerCode: typeof data.status === 'number' ? String(data.status) : 'error',
        providerMessage: this.http.redactor.text(envelopeError.detail),
        message: this.http.redactor.text(`arri: ${sent.method} ${ARRI_ORDERS_PATH} was refused: ${envelopeError.text}`),
        retryable: false,
        request: sent,
        response: this.http.redactor.data(data),
      });
    }
    const inner = isPlainObject(data.data) ? data.data.order : data.order;
    if (!isPlainObject(inner) || typeof inner.order_hash !== 'string') throw this.malformed('the envelope has no data.order with an order_hash', data, sent);
    return redactOrder(inner as unknown as ArriOrder);
  }

  private malformed(detail: string, body: unknown, sent: SentRequest): FulfillmentError {
    return new FulfillmentError({ provider: PROVIDER, kind: 'malformed_response', message: `arri: unexpected answer to ${sent.method} ${ARRI_ORDERS_PATH}: ${detail}`, response: this.http.redactor.data(body), request: sent });
  }

  close(): void {
    this.http.close();
  }
}

/** The seed echoes admin_user_access_token in its answers; flows get "***" instead. */
export function redactOrder(order: ArriOrder): ArriOrder {
  const out = { ...order };
  if (typeof out.admin_user_access_token === 'string' && out.admin_user_access_token !== '') out.admin_user_access_token = MASK;
  return out;
}

/** `{status: 422, status_message, error: {base: [...], product: [...]}}` -> readable text. */
export function envelopeFailure(body: unknown): { text: string; detail: string } | undefined {
  if (!isPlainObject(body)) return undefined;
  const status = typeof body.status === 'number' ? body.status : undefined;
  const hasError = body.error !== undefined && body.error !== null;
  if (!hasError && (status === undefined || status < 400)) return undefined;
  const parts: string[] = [];
  if (isPlainObject(body.error)) {
    for (const [key, value] of Object.entries(body.error)) {
      for (const m of Array.isArray(value) ? value : [value]) parts.push(key === 'base' ? String(m) : `${key} ${String(m)}`);
    }
  } else if (typeof body.error === 'string') parts.push(body.error);
  const head = [status, typeof body.status_message === 'string' ? body.status_message : undefined].filter((x) => x !== undefined).join(' ');
  const detail = parts.join('; ') || (typeof body.info === 'string' && body.info ? body.info : 'no reason given');
  return { text: head ? `${head}: ${detail}` : detail, detail };
}

export function describeArriError(status: number, body: unknown, spec: RequestSpec): ErrorDescription | undefined {
  if (spec.path === ARRI_TOKEN_PATH) {
    const o = isPlainObject(body) ? body : {};
    const code = typeof o.error === 'string' ? o.error : undefined;
    return { message: `arri: login was refused (${code ?? 'no reason given'}${typeof o.error_description === 'string' ? `: ${o.error_description}` : ''}; HTTP ${status}); check the username and password of the account`, providerCode: code ?? 'login_refused', retryable: status >= 500 || status === 429 };
  }
  const envelope = envelopeFailure(body);
  const reason = envelope ? `: ${envelope.text}` : '';
  if (status === 401) return { message: `arri: the access token was refused (HTTP 401)${reason}`, providerCode: 'unauthorized', retryable: false };
  if (status === 404 && spec.method === 'GET') return { message: `arri: no such order ${spec.path.split('/').pop()} (HTTP 404)`, providerCode: 'not_found', retryable: false };
  if (envelope) return { message: `arri: ${spec.method} ${spec.path} was refused (HTTP ${status})${reason}`, providerCode: String(status), providerMessage: envelope.detail, retryable: status >= 500 || status === 429 };
  return undefined;
}
