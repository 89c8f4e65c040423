/**
 * ARRI Webgate / Yamdu Orders emulation, as ARRI's guide documents it.
 *
 * Every ARRI customer has its own Webgate host (https://<customer>.webgate.io),
 * so the sandbox gives each customer its own path: /arri/<customer> stands for
 * that host. OAuth lives at its root, resources under /api:
 *   POST /arri/<customer>/oauth/token   {grant_type: "password", username, password}
 *        -> 200 {access_token, refresh_token, token_type: "bearer", expires_in, created_at, user}
 *   POST /arri/<customer>/oauth/revoke  Authorization: Bearer <token> -> 200 {}
 *   POST /arri/<customer>/api/orders    {"order": {...}} -> 201 {status: 201, status_message: "Created", info: "", data: {order}}
 *   GET  /arri/<customer>/api/orders/:order_hash -> 200 {status: 200, status_message: "OK", info: "", data: {order}}
 * Tokens and orders belong to the customer that issued them: another
 * customer's path refuses the token (401) and knows no such order (404). The
 * bare /arri/... paths are one more customer, kept for older flows.
 *
 * Orders move one state per read: pending, packing, then packed. GET sends the
 * state as both `state` (the documented attribute) and `status` (the field the
 * create answer shows); the create answer echoes the POSTed attributes,
 * admin_user_access_token included, with `status: null`, as documented.
 *
 * Logins: a token lives 24 h (`expires_in` counts down from 86400). A refused
 * login answers HTTP 200 with {error: "invalid_grant", error_description},
 * as the guide says for the first three failed attempts. What follows is not
 * documented; the sandbox locks the user out: the 4th failed attempt and every
 * later login of that user (even with the right password) answer HTTP 403
 * {error: "account_locked"}. A good login resets the count.
 *
 * Test values (the products are a fixed list, so outcomes are picked by name):
 *   project_name "Packing Errors"  -> ends in has_packing_errors (packing_errors explains why)
 *   project_name "Need Human"      -> need_human for two reads (ARRI's staff at work), then packed
 *   client_name  "Taken Client"    -> HTTP 200 with an error envelope {status: 422, error: {base: [...]}}
 *   client_name  "Short Hash Films" -> an order_hash of 12 characters (the guide says 16, its example has 32)
 *   an unknown product             -> HTTP 422 {status: 422, status_message: "Unprocessable Entity", error: {product: [...]}}
 *   client_id without admin_user_access_token -> HTTP 422 envelope
 *   password "wrong"               -> login refused with HTTP 200 (then locked out, see above)
 *   grant_type other than password -> HTTP 400 {error: "unsupported_grant_type"}
 *   access token "sandbox-token"   -> valid for every customer
 *   order_hash 74853f7b0b78c3c74676e686dc103f5e (the guide's example) -> known to every customer, packed
 */
import { randomBytes } from 'crypto';
import { Router, RouteContext } from '../router';

export const ARRI_SANDBOX = {
  staticToken: 'sandbox-token',
  /** The customer the example flow's account points at: http://127.0.0.1:1881/arri/example-studio. */
  customer: 'example-studio',
  wrongPassword: 'wrong',
  packingErrorsProject: 'Packing Errors',
  needHumanProject: 'Need Human',
  takenClient: 'Taken Client',
  shortHashClient: 'Short Hash Films',
  exampleOrderHash: '74853f7b0b78c3c74676e686dc103f5e',
  tokenLifetimeS: 86_400,
  /** Refused logins answered with HTTP 200 before the user is locked out. */
  refusalsBeforeLockout: 3,
  packingErrors: 'Project "Packing Errors" could not be created: the client has reached its project limit',
} as const;

const PRODUCTS = ['Starter', 'Commercial', 'Studio', 'Dailies', 'Yamdu FREE', 's', 'm', 'l', 'xl'];
const FIELDS = ['admin_user_access_token', 'client_id', 'client_name', 'product', 'project_id', 'project_name', 'redirection_uri', 'user_email', 'user_first_name', 'user_last_name', 'user_login'];
/** The bare /arri paths. */
const DEFAULT_CUSTOMER = '';

export interface ArriSandboxOrder {
  order: Record<string, unknown>;
  reads: number;
  customer: string;
}

export interface ArriSandboxToken {
  customer: string;
  createdAt: number;
  expires: number;
}

export interface ArriState {
  orders: Map<string, ArriSandboxOrder>;
  tokens: Map<string, ArriSandboxToken>;
  /** Login requests seen. */
  logins: number;
  /** Failed logins per `<customer>/<username>` since the last good one. */
  failedLogins: Map<string, number>;
  /** `<customer>/<username>` locked out after too many refusals. */
  lockedOut: Set<string>;
  /** Tokens revoked through /oauth/revoke. */
  revoked: string[];
}

function envelopeError(ctx: RouteContext, httpStatus: number, status: number, message: string, error: Record<string, string[]>): void {
  ctx.send(httpStatus, { status, status_message: message, info: '', error });
}

function stateOf(entry: ArriSandboxOrder): { state: string; packing_errors: string | null } {
  if (entry.reads <= 1) return { state: 'pending', packing_errors: null };
  if (entry.reads === 2) return { state: 'packing', packing_errors: null };
  if (entry.order.project_name === ARRI_SANDBOX.packingErrorsProject) return { state: 'has_packing_errors', packing_errors: ARRI_SANDBOX.packingErrors };
  if (entry.order.project_name === ARRI_SANDBOX.needHumanProject && entry.reads <= 4) return { state: 'need_human', packing_errors: null };
  return { state: 'packed', packing_errors: null };
}

/** The guide's example order, as GET would show it once packed. */
function exampleOrder(): Record<string, unknown> {
  return {
    admin_user_access_token: null, client_id: null, client_name: 'Constantin Film', order_hash: ARRI_SANDBOX.exampleOrderHash, packing_errors: null, product: 's',
    project_id: null, project_name: 'OSD Yamdu Free', redirection_uri: null, state: 'packed', status: 'packed',
    user_email: 'nicecustomer@gmx.com', user_first_name: null, user_last_name: null, user_login: 'custy1',
  };
}

export function arriRoutes(router: Router, prefix: string): ArriState {
  const state: ArriState = { orders: new Map(), tokens: new Map(), logins: 0, failedLogins: new Map(), lockedOut: new Set(), revoked: [] };
  const customerOf = (ctx: RouteContext): string => ctx.params.customer ?? DEFAULT_CUSTOMER;

  /** Registers a route for every customer (`/arri/<customer>/…`) and for the bare `/arri/…`. */
  const add = (method: string, path: string, handler: (ctx: RouteContext) => Promise<void> | void): void => {
    router.add(method, `${prefix}/:customer${path}`, handler);
    router.add(method, `${prefix}${path}`, handler);
  };

  const bearer = (ctx: RouteContext): string | undefined => /^Bearer (.+)$/.exec(ctx.req.headers.authorization ?? '')?.[1];

  const authed = (fn: (ctx: RouteContext, customer: string) => Promise<void> | void) => async (ctx: RouteContext) => {
    const token = bearer(ctx);
    const customer = customerOf(ctx);
    const issued = token ? state.tokens.get(token) : undefined;
    const valid = token === ARRI_SANDBOX.staticToken || (issued !== undefined && issued.customer === customer && Date.now() < issued.expires);
    if (!valid) return envelopeError(ctx, 401, 401, 'Unauthorized', { base: ['The access token is invalid or expired'] });
    return fn(ctx, customer);
  };

  add('POST', '/oauth/token', async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    state.logins++;
    if (body?.grant_type !== 'password') return ctx.send(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
    const user = `${customerOf(ctx)}/${typeof body.username === 'string' ? body.username : ''}`;
    if (state.lockedOut.has(user)) return ctx.send(403, { error: 'account_locked', error_description: 'Too many failed login attempts; the account is locked. Ask your Webgate administrator to unlock it.' });
    if (typeof body.username !== 'string' || !body.username || typeof body.password !== 'string' || !body.password || body.password === ARRI_SANDBOX.wrongPassword) {
      const failed = (state.failedLogins.get(user) ?? 0) + 1;
      state.failedLogins.set(user, failed);
      if (failed > ARRI_SANDBOX.refusalsBeforeLockout) {
        state.lockedOut.add(user);
        return ctx.send(403, { error: 'account_locked', error_description: 'Too many failed login attempts; the account is locked. Ask your Webgate administrator to unlock it.' });
      }
      // As the guide warns: a refused login answers 200.
      return ctx.send(200, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' });
    }
    state.failedLogins.delete(user);
    const token = randomBytes(32).toString('hex');
    const now = Date.now();
    state.tokens.set(token, { customer: customerOf(ctx), createdAt: now, expires: now + ARRI_SANDBOX.tokenLifetimeS * 1000 });
    ctx.send(200, {
      created_at: Math.floor(now / 1000),
      refresh_token: randomBytes(32).toString('hex'),
      access_token: token,
      expires_in: ARRI_SANDBOX.tokenLifetimeS,
      user: { id: 123, name: body.username, email: `${body.username}@example.com` },
      token_type: 'bearer',
    });
  });

  add('POST', '/oauth/revoke', (ctx) => {
    const token = bearer(ctx);
    const issued = token ? state.tokens.get(token) : undefined;
    if (token && issued && issued.customer === customerOf(ctx)) {
      state.tokens.delete(token);
      state.revoked.push(token);
    }
    ctx.send(200, {});
  });

  add('POST', '/api/orders', authed(async (ctx, customer) => {
    const body = await ctx.json<{ order?: Record<string, unknown> }>();
    const input = body?.order;
    if (!input || typeof input !== 'object') return envelopeError(ctx, 400, 400, 'Bad Request', { base: ['param is missing or the value is empty: order'] });
    if (typeof input.product !== 'string' || !PRODUCTS.includes(input.product)) return envelopeError(ctx, 422, 422, 'Unprocessable Entity', { product: ['is not included in the list'] });
    if (input.client_id !== undefined && !input.admin_user_access_token) return envelopeError(ctx, 422, 422, 'Unprocessable Entity', { admin_user_access_token: ["must be the client admin's token when client_id is given"] });
    if (input.client_name === ARRI_SANDBOX.takenClient) return envelopeError(ctx, 200, 422, 'Unprocessable Entity', { base: ['Client name has already been taken'] });
    const order: Record<string, unknown> = {};
    for (const f of FIELDS) order[f] = input[f] ?? null;
    order.order_hash = randomBytes(16).toString('hex').slice(0, input.client_name === ARRI_SANDBOX.shortHashClient ? 12 : 32);
    state.orders.set(order.order_hash as string, { order, reads: 0, customer });
    ctx.send(201, { status: 201, status_message: 'Created', info: '', data: { order: { ...order, status: null } } });
  }));

  add('GET', '/api/orders/:hash', authed((ctx, customer) => {
    if (ctx.params.hash === ARRI_SANDBOX.exampleOrderHash) return ctx.send(200, { status: 200, status_message: 'OK', info: '', data: { order: exampleOrder() } });
    const entry = state.orders.get(ctx.params.hash);
    if (!entry || entry.customer !== customer) return envelopeError(ctx, 404, 404, 'Not Found', { base: ['Order not found'] });
    entry.reads++;
    const now = stateOf(entry);
    ctx.send(200, { status: 200, status_message: 'OK', info: '', data: { order: { ...entry.order, ...now, status: now.state } } });
  }));

  return state;
}
