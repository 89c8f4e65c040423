/**
 * The answers ARRI documents, declared once: the HTTP layer checks every 2xx
 * answer against them before a client method reads it.
 *
 * - success envelope `{status, status_message, info, data: {order}}`;
 * - error envelope `{status, status_message, error: {base: [...], field: [...]}}`,
 *   which ARRI may send under HTTP 200 too;
 * - the token answer `{access_token, token_type, expires_in, created_at, refresh_token, user}`,
 *   or a refused login `{error, error_description}` (HTTP 200).
 */
import { s, Shape } from '../../core/shape';
import { ArriOrder, ArriTokenError, ArriTokenResponse } from './types';

/** Every field is optional but `order_hash`; the guide shows most of them as null in answers. */
export const ORDER: Shape<ArriOrder> = s.object({
  order_hash: s.text(),
  state: s.maybe(s.string()),
  status: s.maybe(s.string()),
  product: s.maybe(s.string()),
  client_id: s.maybe(s.id()),
  project_id: s.maybe(s.id()),
}) as Shape<ArriOrder>;

/** An envelope that carries `error` (any form: `{base: [...]}`, a list, a text). */
export interface ArriErrorEnvelope {
  status?: number | string | null;
  status_message?: string | null;
  info?: unknown;
  error: unknown;
}

export const ERROR_ENVELOPE: Shape<ArriErrorEnvelope> = s.refine(
  s.object({ status: s.maybe(s.id()), status_message: s.maybe(s.string()), error: s.unknown() }),
  'an error envelope with a non-empty error',
  (o) => o.error !== undefined && o.error !== null && o.error !== '',
) as Shape<ArriErrorEnvelope>;

export type OrderAnswer = { kind: 'order'; order: ArriOrder; envelope: Record<string, unknown> } | { kind: 'error'; envelope: ArriErrorEnvelope };

/**
 * One order: `data.order` as documented; an order at the top level
 * (`{order: {...}}`) is read too, since it costs nothing.
 */
export const ORDER_ANSWER: Shape<OrderAnswer> = s.oneOf(
  s.map(ERROR_ENVELOPE, (envelope): OrderAnswer => ({ kind: 'error', envelope })),
  s.map(s.object({ status: s.maybe(s.id()), status_message: s.maybe(s.string()), data: s.object({ order: ORDER }) }), (envelope): OrderAnswer => ({ kind: 'order', order: envelope.data.order, envelope })),
  s.map(s.object({ order: ORDER }), (envelope): OrderAnswer => ({ kind: 'order', order: envelope.order, envelope })),
);

export type TokenAnswer = { kind: 'token'; token: ArriTokenResponse } | { kind: 'refused'; refusal: ArriTokenError };

export const TOKEN_ANSWER: Shape<TokenAnswer> = s.oneOf(
  s.map(
    s.refine(s.object({ error: s.unknown(), error_description: s.maybe(s.string()) }), 'a refusal with an error', (o) => o.error !== undefined && o.error !== null && o.error !== ''),
    (o): TokenAnswer => ({
      kind: 'refused',
      refusal: { error: typeof o.error === 'string' ? o.error : JSON.stringify(o.error), ...(typeof o.error_description === 'string' ? { error_description: o.error_description } : {}) },
    }),
  ),
  s.map(
    s.object({ access_token: s.text(), token_type: s.maybe(s.string()), expires_in: s.maybe(s.number()), created_at: s.maybe(s.number()), refresh_token: s.maybe(s.string()) }),
    (token): TokenAnswer => ({ kind: 'token', token: token as ArriTokenResponse }),
  ),
);

/** `POST /oauth/revoke` answers `{}`; anything readable is fine, the token is dropped either way. */
export const REVOKE_ANSWER: Shape<unknown> = s.unknown();
