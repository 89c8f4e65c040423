/**
 * ARRI bearer tokens from the OAuth password grant: one login shared by every
 * concurrent caller, reused until shortly before it expires (24 h), then
 * fetched again. A refused login can come back as HTTP 200 with an `error`
 * body, so the body is checked, not only the status.
 */
import { HttpClient } from '../../core/http';
import { FulfillmentError } from '../../core/errors';
import { ArriTokenResponse } from './types';

export const ARRI_TOKEN_PATH = '/oauth/token';
const DEFAULT_LIFETIME_S = 24 * 60 * 60;

export interface TokenSourceOptions {
  http: HttpClient;
  username: string;
  password: string;
  now: () => number;
  refreshMarginMs: number;
}

export class ArriTokenSource {
  private token?: { value: string; expiresAt: number; refreshAt: number };
  private pending?: Promise<string>;
  /** How many logins were made (tests and benchmarks read it). */
  logins = 0;

  constructor(private readonly opts: TokenSourceOptions) {
    opts.http.redactor.add(opts.password);
  }

  /** A token valid for at least the refresh margin. */
  get(): Promise<string> {
    const t = this.token;
    if (t && this.opts.now() < t.refreshAt) return Promise.resolve(t.value);
    if (!this.pending) {
      this.pending = this.login().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Drops a token the server refused, so the next get() logs in again. */
  invalidate(value?: string): void {
    if (!value || this.token?.value === value) this.token = undefined;
  }

  get expiresAt(): number | undefined {
    return this.token?.expiresAt;
  }

  private async login(): Promise<string> {
    this.logins++;
    const { http, username, password } = this.opts;
    const body = { grant_type: 'password' as const, username, password };
    const res = await http.request<unknown>({
      method: 'POST',
      path: ARRI_TOKEN_PATH,
      json: body,
      noAuth: true,
      // A login creates nothing, so repeating it is harmless.
      safeToRetry: true,
      describeBody: { grant_type: 'password', username, password: '***' },
    });
    const data = res.data as Partial<ArriTokenResponse> & { error?: unknown; error_description?: unknown } | undefined;
    if (!data || typeof data !== 'object' || data.error !== undefined || typeof data.access_token !== 'string' || data.access_token === '') {
      throw loginError(res.status, data, http, username);
    }
    http.redactor.add(data.access_token, data.refresh_token);
    const lifetime = typeof data.expires_in === 'number' && data.expires_in > 0 ? data.expires_in : DEFAULT_LIFETIME_S;
    const now = this.opts.now();
    // A short-lived token is still used for most of its life, not fetched anew on every call.
    const margin = Math.min(this.opts.refreshMarginMs, lifetime * 100);
    this.token = { value: data.access_token, expiresAt: now + lifetime * 1000, refreshAt: now + lifetime * 1000 - margin };
    return data.access_token;
  }
}

export function loginError(status: number, data: unknown, http: HttpClient, username: string): FulfillmentError {
  const o = (data && typeof data === 'object' ? data : {}) as { error?: unknown; error_description?: unknown };
  const code = typeof o.error === 'string' ? o.error : undefined;
  const description = typeof o.error_description === 'string' ? o.error_description : undefined;
  const why = code ? `${code}${description ? `: ${description}` : ''}` : 'the answer holds no access_token';
  return new FulfillmentError({
    provider: 'arri',
    kind: 'http',
    status,
    providerCode: code ?? 'no_token',
    providerMessage: description,
    message: http.redactor.text(`arri: login as "${username}" was refused (${why}; HTTP ${status}); check the username and password of the account`),
    retryable: false,
    request: { method: 'POST', url: http.url(ARRI_TOKEN_PATH), body: { grant_type: 'password', username, password: '***' } },
    response: http.redactor.data(data),
  });
}
