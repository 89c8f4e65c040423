/** Reading an ARRI order's state, shared by poll status and the order operation. */
import { ArriOrder } from './types';

/**
 * The guide documents `state` for GET, and its create answer shows `status`
 * (null): read `state` first, then `status`; no value yet means pending.
 */
export function stateOf(order: ArriOrder): string {
  return typeof order.state === 'string' && order.state !== '' ? order.state : typeof order.status === 'string' && order.status !== '' ? order.status : 'pending';
}

/** `packing_errors` is documented as text; a list or an object is read too. */
export function packingErrors(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ') || undefined;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return undefined;
}

