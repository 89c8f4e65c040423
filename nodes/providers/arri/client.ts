/**
 * ARRI Webgate / Yamdu Orders client. One method per API call; usable
 * without Node-RED:
 *   const arri = new ArriClient({ baseUrl: 'https://mystudio.webgate.io', username, password });
 *   const order = await arri.createOrder({ product: 'Yamdu FREE' });
 *   const later = await arri.getOrder(order.order_hash);
 *   await arri.close(); // revokes the token it fetched
 *
 * Every customer has its own Webgate host, so there is no default base URL.
 * OAuth lives at the host root (`/oauth/token`), resources under `/api`
 * (the guide's Actions table writes `/orders`, its example `POST /api/orders`).
 */
import { HttpClient, RequestSpec, ErrorDescription } from '../../core/http';
import { Redactor } from '../../core/redact';
import { bearerAuth } from '../../core/auth';
import { FulfillmentError, SentRequest, invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { ArriClientOptions, ArriOrder, ArriOrderRequest } from './types';
import { checkOrder, isOrderHash } from './validate';
import { ArriTokenSource, ARRI_TOKEN_PATH, ARRI_REVOKE_PATH, clampAttempts } from './token';
import { ArriErrorEnvelope, ORDER_ANSWER, OrderAnswer } from './shapes';

export const ARRI_ORDERS_PATH = '/api/orders';
const PROVIDER = 'arri';
const MASK = '***';

/** Where the host comes from, for every message that asks for it. */
export const ARRI_HOST_HINT = "your organisation's own Webgate address, e.g. https://<customer>.webgate.io (the address you log in to ARRI Webgate with; OAuth at its root, resources under /api)";

/**
 * The account's base URL as the client uses it: required, http(s), without a
 * trailing `/api` (OAuth lives at the host root, so a URL copied from an API
 * example is taken back to its root).
 */
export function arriBaseUrl(value: string | undefined): string {
  const url = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
  if (url === '') {
    throw new FulfillmentError({ provider: PROVIDER, kind: 'config', field: 'baseUrl', message: `arri: the account has no base URL; ARRI has no one public host: enter ${ARRI_HOST_HINT}` });
  }
  if (!/^https?:\/\/[^\s/]+/i.test(url)) {
    throw new FulfillmentError({ provider: PROVIDER, kind: 'config', field: 'baseUrl', message: `arri: the account's base URL ${JSON.stringify(url)} is not an http(s) address; enter ${ARRI_HOST_HINT}` });
  }
  return url.replace(/\/api$/i, '');
}

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
      baseUrl: arriBaseUrl(options.baseUrl),
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
        loginAttempts: clampAttempts(options.loginAttempts),
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
    const answer = await this.send({ method: 'POST', path: ARRI_ORDERS_PATH, json: body, safeToRetry: false, signal, expect: ORDER_ANSWER });
    return this.orderFrom(answer, ARRI_ORDERS_PATH, { method: 'POST', url: this.http.url(ARRI_ORDERS_PATH), body: this.http.redactor.data(body) });
  }

  /** GET /api/orders/{order_hash}. */
  async getOrder(orderHash: string, signal?: AbortSignal): Promise<ArriOrder> {
    if (!isOrderHash(orderHash)) throw invalidInput('order_hash', `not an order_hash (hexadecimal): ${JSON.stringify(orderHash)}`, PROVIDER);
    const path = `${ARRI_ORDERS_PATH}/${encodeURIComponent(orderHash)}`;
    const answer = await this.send({ method: 'GET', path, signal, expect: ORDER_ANSWER });
    return this.orderFrom(answer, path, { method: 'GET', url: this.http.url(path) });
  }

  /**
   * Sends with the bearer token. With a password login, a 401 means the token
   * went stale: log in again and send once more (the server refused the first
   * request, so nothing was created by it).
   */
  private async send(spec: RequestSpec & { expect: typeof ORDER_ANSWER }): Promise<{ answer: OrderAnswer; status: number }> {
    const usedToken = this.tokens ? await this.tokens.get() : undefined;
    try {
      const res = await this.http.request(spec);
      return { answer: res.data, status: res.status };
    } catch (e) {
      if (!(e instanceof FulfillmentError) || e.status !== 401 || !this.tokens) throw e;
      this.tokens.invalidate(usedToken);
      const res = await this.http.request(spec);
      return { answer: res.data, status: res.status };
    }
  }

  /** The envelope's order; an envelope error (even under HTTP 2xx) becomes a FulfillmentError. */
  private orderFrom({ answer, status }: { answer: OrderAnswer; status: number }, path: string, sent: SentRequest): ArriOrder {
    if (answer.kind === 'order') return redactOrder(answer.order);
    const failure = envelopeFailure(answer.envelope) ?? { text: 'no reason given', detail: 'no reason given' };
    const envelopeStatus = Number(answer.envelope.status);
    const shownStatus = Number.isInteger(envelopeStatus) && envelopeStatus >= 400 ? envelopeStatus : status;
    return this.refusedUnderOk(shownStatus, status, failure, answer.envelope, path, sent);
  }

  private refusedUnderOk(shownStatus: number, httpStatus: number, failure: { text: string; detail: string }, envelope: ArriErrorEnvelope, path: string, sent: SentRequest): never {
    throw new FulfillmentError({
      provider: PROVIDER,
      kind: 'http',
      status: shownStatus,
      providerCode: shownStatus === 404 ? 'not_found' : undefined,
      providerMessage: this.http.redactor.text(failure.detail),
      message: this.http.redactor.text(`arri: ${sent.method} ${path} was refused: ${failure.text}${httpStatus !== shownStatus ? ` (an error envelope under HTTP ${httpStatus})` : ''}`),
      retryable: false,
      request: sent,
      response: this.http.redactor.data(envelope),
    });
  }

  /**
   * Revokes the token this client fetched (never a static access token: that
   * belongs to the user), then frees the sockets. Never throws.
   */
  async close(): Promise<void> {
    try {
      await this.tokens?.revoke();
    } catch {
      // The token expires on its own within 24 h.
    } finally {
      this.http.close();
    }
  }
}

/** ARRI echoes admin_user_access_token in its answers; flows get "***" instead. */
export function redactOrder(order: ArriOrder): ArriOrder {
  const out = { ...order };
  if (typeof out.admin_user_access_token === 'string' && out.admin_user_access_token !== '') out.admin_user_access_token = MASK;
  return out;
}

/** `{status: 422, status_message, error: {base: [...], product: [...]}}` -> readable text. */
export function envelopeFailure(body: unknown): { text: string; detail: string } | undefined {
  if (!isPlainObject(body)) return undefined;
  const status = typeof body.status === 'number' ? body.status : typeof body.status === 'string' && /^\d{3}$/.test(body.status) ? Number(body.status) : undefined;
  const hasError = body.error !== undefined && body.error !== null && body.error !== '';
  if (!hasError && (status === undefined || status < 400)) return undefined;
  const parts: string[] = [];
  const add = (key: string | undefined, value: unknown): void => {
    for (const m of Array.isArray(value) ? value : [value]) {
      const text = typeof m === 'string' ? m : JSON.stringify(m);
      parts.push(key === undefined || key === 'base' ? text : `${key} ${text}`);
    }
  };
  if (isPlainObject(body.error)) for (const [key, value] of Object.entries(body.error)) add(key, value);
  else if (hasError) add(undefined, body.error);
  const head = [status, typeof body.status_message === 'string' ? body.status_message : undefined].filter((x) => x !== undefined).join(' ');
  const detail = parts.join('; ') || (typeof body.info === 'string' && body.info ? body.info : 'no reason given');
  return { text: head ? `${head}: ${detail}` : detail, detail };
}

/**
 * Messages for non-2xx answers. ARRI has no error codes of its own: the
 * status line reads "HTTP 422" and the reasons go to providerMessage.
 */
export function describeArriError(status: number, body: unknown, spec: RequestSpec): ErrorDescription | undefined {
  if (spec.path === ARRI_TOKEN_PATH) {
    const o = isPlainObject(body) ? body : {};
    const code = typeof o.error === 'string' ? o.error : undefined;
    const description = typeof o.error_description === 'string' ? o.error_description : undefined;
    if (status === 404 || status === 405) {
      return { message: `arri: POST ${ARRI_TOKEN_PATH} was not found (HTTP ${status}); check the account's base URL: it must be ${ARRI_HOST_HINT}`, providerCode: code, providerMessage: description, retryable: false };
    }
    return { message: `arri: login was refused (${code ?? 'no reason given'}${description ? `: ${description}` : ''}; HTTP ${status}); check the username and password of the account`, providerCode: code, providerMessage: description, retryable: status >= 500 || status === 429 };
  }
  if (spec.path === ARRI_REVOKE_PATH) return { message: `arri: revoking the token failed (HTTP ${status})`, retryable: false };
  const envelope = envelopeFailure(body);
  const reason = envelope ? `: ${envelope.text}` : '';
  if (status === 401) return { message: `arri: the access token was refused (HTTP 401)${reason}`, providerCode: 'unauthorized', providerMessage: envelope?.detail, retryable: false };
  if (status === 404 && spec.method === 'GET') return { message: `arri: no such order ${decodeURIComponent(spec.path.split('/').pop() ?? '')} (HTTP 404)`, providerCode: 'not_found', providerMessage: envelope?.detail, retryable: false };
  if (status === 404) return { message: `arri: ${spec.method} ${spec.path} was not found (HTTP 404); check the account's base URL: it must be ${ARRI_HOST_HINT}`, retryable: false };
  if (envelope) return { message: `arri: ${spec.method} ${spec.path} was refused (HTTP ${status})${reason}`, providerMessage: envelope.detail, retryable: status >= 500 || status === 429 };
  return undefined;
}
