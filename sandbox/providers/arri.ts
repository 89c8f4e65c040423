/**
 * ARRI Webgate / Yamdu Orders emulation (seed 004), under /arri:
 *   POST /arri/oauth/token   {grant_type: "password", username, password} -> {access_token, token_type, expires_in: 86400, created_at}
 *   POST /arri/api/orders    {"order": {...}} -> 201 {status: 201, status_message: "Created", info: "", data: {order}}
 *   GET  /arri/api/orders/:order_hash -> 200 {status: 200, status_message: "OK", info: "", data: {order}}
 *
 * Orders move one state per read: pending, packing, then packed. The create
 * answer echoes the POSTed attributes, admin_user_access_token included, with
 * `status: null`, as the seed shows.
 *
 * Test values (the products are a fixed list, so the outcome is picked by project_name):
 *   project_name "Packing Errors"  -> ends in has_packing_errors (packing_errors explains why)
 *   project_name "Need Human"      -> ends in need_human
 *   client_name  "Taken Client"    -> HTTP 200 with an error envelope {status: 422, error: {base: [...]}}
 *   an unknown product             -> HTTP 422 {status: 422, status_message: "Unprocessable Entity", error: {product: [...]}}
 *   client_id without admin_user_access_token -> HTTP 422 envelope
 *   password "wrong"               -> login refused with HTTP 200 and {error: "invalid_grant", error_description}
 *   grant_type other than password -> HTTP 400 {error: "unsupported_grant_type"}
 *   access token "sandbox-token"   -> always valid; tokens from /oauth/token are valid for expires_in (24 h, by Date.now())
 */
import { randomBytes } from 'crypto';
import { Router, RouteContext } from '../router';

export const ARRI_SANDBOX = {
  staticToken: 'sandbox-token',
  wrongPassword: 'wrong',
  packingErrorsProject: 'Packing Errors',
  needHumanProject: 'Need Human',
  takenClient: 'Taken Client',
  tokenLifetimeS: 86_400,
  packingErrors: 'Project "Packing Errors" could not be created: the client has reached its project limit',
} as const;

const PRODUCTS = ['Starter', 'Commercial', 'Studio', 'Dailies', 'Yamdu FREE', 's', 'm', 'l', 'xl'];
const FIELDS = ['admin_user_access_token', 'client_id', 'client_name', 'product', 'project_id', 'project_name', 'redirection_uri', 'user_email', 'user_first_name', 'user_last_name', 'user_login'];

export interface ArriSandboxOrder {
  order: Record<string, unknown>;
  reads: number;
}

export interface ArriState {
  orders: Map<string, ArriSandboxOrder>;
  tokens: Map<string, number>;
  logins: number;
}

function envelopeError(ctx: RouteContext, httpStatus: number, status: number, message: string, error: Record<string, string[]>): void {
  ctx.send(httpStatus, { status, status_message: message, info: '', error });
}

function stateOf(entry: ArriSandboxOrder): { state: string; packing_errors: string | null } {
  if (entry.reads <= 1) return { state: 'pending', packing_errors: null };
  if (entry.reads === 2) return { state: 'packing', packing_errors: null };
  if (entry.order.project_name === ARRI_SANDBOX.packingErrorsProject) return { state: 'has_packing_errors', packing_errors: ARRI_SANDBOX.packingErrors };
  if (entry.order.project_name === ARRI_SANDBOX.needHumanProject) return { state: 'need_human', packing_errors: null };
  return { state: 'packed', packing_errors: null };
}

export function arriRoutes(router: Router, prefix: string): ArriState {
  const state: ArriState = { orders: new Map(), tokens: new Map(), logins: 0 };

  const authed = (fn: (ctx: RouteContext) => Promise<void> | void) => async (ctx: RouteContext) => {
    const m = /^Bearer (.+)$/.exec(ctx.req.headers.authorization ?? '');
    const token = m?.[1];
    const expires = token ? state.tokens.get(token) : undefined;
    const valid = token === ARRI_SANDBOX.staticToken || (expires !== undefined && Date.now() < expires);
    if (!valid) return envelopeError(ctx, 401, 401, 'Unauthorized', { base: ['The access token is invalid or expired'] });
    return fn(ctx);
  };

  router.add('POST', `${prefix}/oauth/token`, async (ctx) => {
    const body = await ctx.json<Record<string, unknown>>();
    state.logins++;
    if (body?.grant_type !== 'password') return ctx.send(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
    if (typeof body.username !== 'string' || !body.username || typeof body.password !== 'string' || !body.password || body.password === ARRI_SANDBOX.wrongPassword) {
      // As the seed warns: a refused login can answer 200.
      return ctx.send(200, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' });
    }
    const token = randomBytes(32).toString('hex');
    state.tokens.set(token, Date.now() + ARRI_SANDBOX.tokenLifetimeS * 1000);
    ctx.send(200, { access_token: token, token_type: 'bearer', expires_in: ARRI_SANDBOX.tokenLifetimeS, created_at: Math.floor(Date.now() / 1000) });
  });

  router.add('POST', `${prefix}/api/orders`, authed(async (ctx) => {
    const body = await ctx.json<{ order?: Record<string, unknown> }>();
    const input = body?.order;
    if (!input || typeof input !== 'object') return envelopeError(ctx, 400, 400, 'Bad Request', { base: ['param is missing or the value is empty: order'] });
    if (typeof input.product !== 'string' || !PRODUCTS.includes(input.product)) return envelopeError(ctx, 422, 422, 'Unprocessable Entity', { product: ['is not included in the list'] });
    if (input.client_id !== undefined && !input.admin_user_access_token) return envelopeError(ctx, 422, 422, 'Unprocessable Entity', { admin_user_access_token: ["must be the client admin's token when client_id is given"] });
    if (input.client_name === ARRI_SANDBOX.takenClient) return envelopeError(ctx, 200, 422, 'Unprocessable Entity', { base: ['Client name has already been taken'] });
    const order: Record<string, unknown> = {};
    for (const f of FIELDS) order[f] = input[f] ?? null;
    order.order_hash = randomBytes(16).toString('hex');
    state.orders.set(order.order_hash as string, { order, reads: 0 });
    ctx.send(201, { status: 201, status_message: 'Created', info: '', data: { order: { ...order, status: null } } });
  }));

  router.add('GET', `${prefix}/api/orders/:hash`, authed((ctx) => {
    const entry = state.orders.get(ctx.params.hash);
    if (!entry) return envelopeError(ctx, 404, 404, 'Not Found', { base: ['Order not found'] });
    entry.reads++;
    ctx.send(200, { status: 200, status_message: 'OK', info: '', data: { order: { ...entry.order, ...stateOf(entry) } } });
  }));

  return state;
}
