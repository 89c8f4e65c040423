/**
 * ARRI bearer tokens from the OAuth password grant: one login shared by every
 * concurrent caller, reused until shortly before it runs out (a token lives
 * 24 hours), then fetched again; revoked when the account closes.
 *
 * A refused login comes back as HTTP 200 with an `error` body, and ARRI's
 * guide does not say what happens after the third refusal (a lockout is
 * likely). So a refused login is never repeated on its own: after
 * `loginAttempts` refusals (default 1) no further login is sent with these
 * credentials, and every call fails at once with a clear message until the
 * account is changed or redeployed (which builds a new client).
 */
import { HttpClient } from '../../core/http';
import { FulfillmentError } from '../../core/errors';
import { ArriTokenError, ArriTokenResponse } from './types';
import { REVOKE_ANSWER, TOKEN_ANSWER } from './shapes';

export const ARRI_TOKEN_PATH = '/oauth/token';
export const ARRI_REVOKE_PATH = '/oauth/revoke';
/** ARRI: "a token lives 24 hours". */
export const ARRI_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** The guide documents the HTTP 200 refusal for the first three attempts only. */
export const ARRI_MAX_LOGIN_ATTEMPTS = 3;
export const ARRI_DEFAULT_LOGIN_ATTEMPTS = 1;
/** Closing must not hold a redeploy: the revoke gets this long. */
const REVOKE_TIMEOUT_MS = 3000;
/** Statuses with which an OAuth server refuses the credentials themselves (beside ARRI's HTTP 200). */
const REFUSAL_STATUS = new Set([400, 401, 403]);

export interface TokenSourceOptions {
  http: HttpClient;
  username: string;
  password: string;
  now: () => number;
  refreshMarginMs: number;
  /** Refused logins allowed with these credentials (1 to 3). */
  loginAttempts: number;
}

interface Token {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

export class ArriTokenSource {
  private token?: Token;
  private pending?: Promise<string>;
  private lastRefusal?: FulfillmentError;
  private readonly maxAttempts: number;
  /** Login requests sent (tests and benchmarks read it). */
  logins = 0;
  /** Logins ARRI refused with these credentials since the last accepted one. */
  refusals = 0;

  constructor(private readonly opts: TokenSourceOptions) {
    opts.http.redactor.add(opts.password);
    this.maxAttempts = clampAttempts(opts.loginAttempts);
  }

  /** A token valid for at least the refresh margin. */
  get(): Promise<string> {
    const t = this.token;
    if (t && this.opts.now() < t.refreshAt) return Promise.resolve(t.value);
    if (!this.pending) {
      if (this.refusals >= this.maxAttempts) return Promise.reject(this.stopped());
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

  /**
   * `POST /oauth/revoke` with the token as `Authorization: Bearer` (ARRI
   * answers `{}`). Only tokens this source fetched are revoked: a static
   * access token belongs to the user.
   */
  async revoke(): Promise<boolean> {
    if (this.pending) await withTimeout(this.pending.catch(() => undefined), REVOKE_TIMEOUT_MS);
    const t = this.token;
    this.token = undefined;
    if (!t || this.opts.now() >= t.expiresAt) return false;
    await this.opts.http.request({
      method: 'POST',
      path: ARRI_REVOKE_PATH,
      noAuth: true,
      headers: { Authorization: `Bearer ${t.value}` },
      // Closing: one try, bounded, whatever happens.
      safeToRetry: false,
      signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
      expect: REVOKE_ANSWER,
    });
    return true;
  }

  private async login(): Promise<string> {
    this.logins++;
    const { http, username, password } = this.opts;
    let res;
    try {
      res = await http.request({
        method: 'POST',
        path: ARRI_TOKEN_PATH,
        json: { grant_type: 'password' as const, username, password },
        noAuth: true,
        // A login creates nothing; the HTTP layer repeats it only after a 5xx, 429 or lost connection, never after a refusal.
        safeToRetry: true,
        describeBody: { grant_type: 'password', username, password: '***' },
        expect: TOKEN_ANSWER,
      });
    } catch (e) {
      if (e instanceof FulfillmentError && e.kind === 'http' && e.status !== undefined && REFUSAL_STATUS.has(e.status)) {
        const body = (e.response && typeof e.response === 'object' ? e.response : {}) as Partial<ArriTokenError>;
        throw this.refused(e.status, { error: typeof body.error === 'string' ? body.error : 'login_refused', error_description: typeof body.error_description === 'string' ? body.error_description : undefined }, e.response);
      }
      throw e;
    }
    const answer = res.data;
    if (answer.kind === 'refused') throw this.refused(res.status, answer.refusal, answer.refusal);
    this.refusals = 0;
    this.lastRefusal = undefined;
    this.token = this.tokenFrom(answer.token);
    http.redactor.add(answer.token.access_token, answer.token.refresh_token);
    return answer.token.access_token;
  }

  /**
   * When it runs out: `expires_in` seconds from now (read as the time left, as
   * the guide's example of 79427 s for a 24 h token suggests), but never later
   * than 24 h after `created_at` when that is a plausible time on our clock.
   */
  private tokenFrom(data: ArriTokenResponse): Token {
    const now = this.opts.now();
    let expiresAt = now + (typeof data.expires_in === 'number' && data.expires_in > 0 ? Math.min(data.expires_in * 1000, ARRI_TOKEN_LIFETIME_MS) : ARRI_TOKEN_LIFETIME_MS);
    if (typeof data.created_at === 'number' && data.created_at > 0) {
      const byCreation = data.created_at * 1000 + ARRI_TOKEN_LIFETIME_MS;
      // A clock far off ours would make every call log in again: then created_at is ignored.
      if (byCreation > now + this.opts.refreshMarginMs && byCreation < expiresAt) expiresAt = byCreation;
    }
    const lifetime = expiresAt - now;
    // A short-lived token is still used for most of its life, not fetched anew on every call.
    const margin = Math.min(this.opts.refreshMarginMs, lifetime / 10);
    return { value: data.access_token, expiresAt, refreshAt: expiresAt - margin };
  }

  private refused(status: number, refusal: ArriTokenError, body: unknown): FulfillmentError {
    this.refusals++;
    const { http, username } = this.opts;
    const left = this.maxAttempts - this.refusals;
    const why = `${refusal.error}${refusal.error_description ? `: ${refusal.error_description}` : ''}`;
    const next = left > 0
      ? `; the account tries ${left} more time${left === 1 ? '' : 's'} with these credentials, then stops`
      : '; no further login is tried with these credentials until the account is changed or redeployed (ARRI may lock an account after repeated refusals)';
    this.lastRefusal = new FulfillmentError({
      provider: 'arri',
      kind: 'config',
      field: 'password',
      providerCode: refusal.error,
      providerMessage: refusal.error_description,
      message: http.redactor.text(`arri: login as "${username}" was refused (${why}; HTTP ${status}); check the username and password of the account${next}`),
      retryable: false,
      request: { method: 'POST', url: http.url(ARRI_TOKEN_PATH), body: { grant_type: 'password', username, password: '***' } },
      response: http.redactor.data(body),
    });
    return this.lastRefusal;
  }

  /** The error for every call once the refusals are used up: no request is sent. */
  private stopped(): FulfillmentError {
    const last = this.lastRefusal;
    const { username } = this.opts;
    return new FulfillmentError({
      provider: 'arri',
      kind: 'config',
      field: 'password',
      providerCode: last?.providerCode,
      providerMessage: last?.providerMessage,
      message: this.opts.http.redactor.text(
        `arri: no login sent: ARRI refused the login as "${username}" ${this.refusals === 1 ? 'once' : `${this.refusals} times`}${last?.providerCode ? ` (${last.providerCode})` : ''}; correct the username or password of the account, or redeploy it, to try again`,
      ),
      retryable: false,
      request: last?.request,
      response: last?.response,
    });
  }
}

export function clampAttempts(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : ARRI_DEFAULT_LOGIN_ATTEMPTS;
  return Math.min(ARRI_MAX_LOGIN_ATTEMPTS, Math.max(1, n));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}
