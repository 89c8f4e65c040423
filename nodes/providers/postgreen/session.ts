/**
 * One PostGreen session per account: authenticate once, share one in-flight
 * authentication between every concurrent caller, forget a token the server
 * refused (only if no newer one replaced it), log out on close.
 */
import { FulfillmentError } from '../../core/errors';
import { HttpClient } from '../../core/http';
import { requireCredential } from '../../core/auth';
import { parseProfile, tokenFromBody } from './profile';
import { AUTHENTICATE_ANSWER } from './shapes';
import { PostgreenAuthenticateRequest, PostgreenProfile } from './types';

export const PROVIDER = 'postgreen';
export const AUTH_HEADER = 'X-Auth-Token';

export interface SessionState {
  token: string;
  profile: PostgreenProfile;
  raw: unknown;
  at: number;
}

export class PostgreenSession {
  private current?: SessionState;
  private pending?: Promise<SessionState>;
  /** Authentications put on the wire; tests and benchmarks read it. */
  authentications = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly login: string,
    private readonly password: string,
  ) {}

  get token(): string | undefined {
    return this.current?.token;
  }

  get profile(): PostgreenProfile | undefined {
    return this.current?.profile;
  }

  /** The live session, authenticating if there is none; concurrent callers share one request. */
  async get(): Promise<SessionState> {
    if (this.current) return this.current;
    return this.authenticate();
  }

  /** Authenticates now (even with a live token), still sharing an authentication already under way. */
  authenticate(): Promise<SessionState> {
    if (this.pending) return this.pending;
    const run = this.doAuthenticate();
    this.pending = run;
    run.then(
      () => { if (this.pending === run) this.pending = undefined; },
      () => { if (this.pending === run) this.pending = undefined; },
    );
    return run;
  }

  /** Forgets `token` after the server refused it, unless a newer token already replaced it. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async doAuthenticate(): Promise<SessionState> {
    const body: PostgreenAuthenticateRequest = {
      login: requireCredential(PROVIDER, 'login', this.login),
      password: requireCredential(PROVIDER, 'password', this.password),
      withProfileDetail: true,
    };
    this.http.redactor.add(body.password);
    this.authentications++;
    const spec = {
      method: 'POST' as const,
      path: '/authentication/authenticate',
      // The guide lists "withProfileDetail:true" under the call without saying where it goes: body and query both.
      query: { withProfileDetail: 'true' },
      json: body,
      noAuth: true,
      // A login creates nothing: safe to repeat after a dropped connection.
      safeToRetry: true,
      describeBody: { login: body.login, password: '***', withProfileDetail: true },
      // Read as text: the pages do not say whether the token comes as JSON, as a bare body or in the header.
      responseType: 'text' as const,
    };
    let res;
    try {
      res = await this.http.request<string>(spec);
    } catch (e) {
      if (e instanceof FulfillmentError && (e.status === 401 || e.status === 403)) {
        throw new FulfillmentError({ ...fieldsOf(e), providerCode: 'login_refused', field: 'password', message: `postgreen: the login or password was refused (HTTP ${e.status}); check the account's credentials` });
      }
      throw e;
    }
    const headerToken = res.headers[AUTH_HEADER.toLowerCase()];
    const parsed = authenticateBody(res.data, headerToken);
    if (parsed === UNREADABLE) throw this.http.unreadableAnswer(spec, res.status, 'it is neither JSON nor a token', res.data, res.requestId);
    const data = this.http.checkAnswer(AUTHENTICATE_ANSWER, parsed, spec, res.status, res.requestId);
    const token = res.headers[AUTH_HEADER.toLowerCase()] || (typeof data === 'string' ? data : tokenFromBody(data));
    if (!token) {
      throw new FulfillmentError({ provider: PROVIDER, kind: 'malformed_response', status: res.status, message: 'postgreen: authenticate answered without a token (neither an X-Auth-Token header nor a body token)', response: this.http.redactor.data(data) });
    }
    this.http.redactor.add(token);
    const state: SessionState = { token, profile: parseProfile(data), raw: data, at: Date.now() };
    const previous = this.current;
    this.current = state;
    // A forced re-authentication leaves the old token alive on the server: log it out ("clean and logout").
    if (previous && previous.token !== token) void this.logoutToken(previous.token);
    return state;
  }

  private async logoutToken(token: string): Promise<boolean> {
    try {
      await this.http.request({ method: 'POST', path: '/authentication/logout', headers: { [AUTH_HEADER]: token }, safeToRetry: false, responseType: 'text' });
      return true;
    } catch {
      return false;
    }
  }

  /** POST /authentication/logout with the live token; failures are ignored (the token expires anyway). */
  async logout(): Promise<boolean> {
    const pending = this.pending;
    if (pending) await pending.catch(() => undefined);
    const state = this.current;
    this.current = undefined;
    if (!state) return false;
    return this.logoutToken(state.token);
  }
}

const UNREADABLE = Symbol('unreadable');

/**
 * The authenticate body: JSON (an object, or a quoted token), a bare token, or
 * nothing. With the token in the header, a body that is not JSON is ignored.
 */
function authenticateBody(text: string, headerToken: string | undefined): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    if (headerToken) return undefined;
    return /^[\w.~+/=-]{8,4096}$/.test(t) ? t : UNREADABLE;
  }
}

export function fieldsOf(e: FulfillmentError): ConstructorParameters<typeof FulfillmentError>[0] {
  return {
    provider: e.provider,
    kind: e.kind,
    message: e.message,
    status: e.status,
    providerCode: e.providerCode,
    providerMessage: e.providerMessage,
    retryable: e.retryable,
    requestId: e.requestId,
    field: e.field,
    request: e.request,
    response: e.response,
  };
}
