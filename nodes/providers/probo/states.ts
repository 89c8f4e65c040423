/**
 * Probo's order states, as its order-status guide and callback guide publish
 * them, in one table: what each means for a flow (poll status' outputs, the
 * callback node's `msg.outcome`), why it stops or warns, and its rank, so a
 * callback that arrives late never moves an order backwards.
 */
import { PollVerdict } from '../../core/poller';

export const PROBO_ORDER_STATES = [
  'queued',
  'accepted',
  'not_accepted',
  'in_production',
  'logistics',
  'shipment_created',
  'shipment_scanned_by_carrier',
  'shipment_in_transit',
  'shipment_delayed',
  'shipment_returned',
  'shipment_exception',
  'shipment_not_at_home',
  'shipment_available_at_pickup_point',
  'shipment_picked_up',
  'shipment_delivered',
  'canceled',
] as const;

export type ProboOrderState = (typeof PROBO_ORDER_STATES)[number];

interface StateInfo {
  verdict: PollVerdict;
  /**
   * Later in an order's life = higher. Carrier states that can follow each
   * other either way share a rank. Failures rank above every progress state,
   * so a late progress callback cannot override them; a delivery ranks above
   * the carrier's failures, because a parcel can still arrive after an
   * exception was reported.
   */
  rank: number;
  /** Why the order stopped, or what to watch, for `msg.reason`. */
  reason?: string;
}

const STATES: Record<ProboOrderState, StateInfo> = {
  queued: { verdict: 'pending', rank: 0 },
  accepted: { verdict: 'pending', rank: 10 },
  in_production: { verdict: 'pending', rank: 20 },
  logistics: { verdict: 'pending', rank: 30 },
  shipment_created: { verdict: 'pending', rank: 40 },
  shipment_scanned_by_carrier: { verdict: 'pending', rank: 50 },
  shipment_in_transit: { verdict: 'pending', rank: 60 },
  shipment_delayed: { verdict: 'pending', rank: 60, reason: 'the shipment is delayed: it will miss its first delivery window' },
  shipment_not_at_home: { verdict: 'pending', rank: 60, reason: 'nobody was at home to receive the shipment; the carrier will try again or take it to a pickup point' },
  shipment_available_at_pickup_point: { verdict: 'pending', rank: 70 },
  shipment_picked_up: { verdict: 'pending', rank: 80 },
  not_accepted: { verdict: 'failed', rank: 90, reason: 'Probo did not accept the order' },
  canceled: { verdict: 'failed', rank: 90, reason: 'the order was canceled (by you, by Probo, or on receipt as a test order)' },
  shipment_returned: { verdict: 'failed', rank: 90, reason: 'the shipment was returned to the depot, usually because it could not be delivered' },
  shipment_exception: { verdict: 'failed', rank: 90, reason: 'the carrier reported a problem with the shipment' },
  shipment_delivered: { verdict: 'done', rank: 100 },
};

/** A repeated order id: "Order with customer order id '…' for customer '…' already exist". */
const DUPLICATE = /order with customer order id\b.*\balready exists?/i;

export function isDuplicateMessage(text: unknown): boolean {
  return typeof text === 'string' && DUPLICATE.test(text);
}

/**
 * A state as Probo may send it, in the words of its guides: the `order_`
 * prefix its change log removed (2020-11-20) is dropped, so `order_queued`
 * reads as `queued`; the cancel answer's spelling `cancelled` reads as the
 * state `canceled`. Unknown words pass through, trimmed and in lower case.
 */
export function normalizeState(raw: string): string {
  const word = raw.trim().toLowerCase();
  const bare = word.startsWith('order_') ? word.slice('order_'.length) : word;
  return bare === 'cancelled' ? 'canceled' : bare;
}

export function isKnownState(state: string): state is ProboOrderState {
  return Object.prototype.hasOwnProperty.call(STATES, state);
}

export interface StateReading {
  /** The normalized state. */
  status: string;
  verdict: PollVerdict;
  /** Undefined for a state not in Probo's list: such events are never held back. */
  rank?: number;
  reason?: string;
  /** A refusal because the order id exists already. */
  duplicate: boolean;
}

/** What a state (with Probo's message, when there is one) means for a flow. */
export function readState(raw: string, message?: unknown): StateReading {
  const status = normalizeState(raw);
  const duplicate = status === 'not_accepted' && isDuplicateMessage(message);
  const text = typeof message === 'string' && message.trim() !== '' ? message.trim() : undefined;
  if (!isKnownState(status)) return { status, verdict: 'pending', duplicate: false, reason: `Probo reported the state "${status}", which is not in its published list; still watching` };
  const info = STATES[status];
  const reason = info.verdict === 'failed' && text ? `${info.reason}: ${text}` : info.reason;
  return { status, verdict: info.verdict, rank: info.rank, reason: duplicate ? `the order id exists already at Probo: ${text}` : reason, duplicate };
}

/** `done` / `failed` / `progress`: the poll status output an order state goes to, for callbacks too. */
export function outcomeOf(verdict: PollVerdict): 'done' | 'failed' | 'progress' {
  return verdict === 'done' ? 'done' : verdict === 'pending' ? 'progress' : 'failed';
}
