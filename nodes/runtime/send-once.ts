/**
 * The repeat guard around a creating call (an order, a job), shared by the
 * nodes that create things: read msg.idempotencyKey, claim the key, send once,
 * and record the outcome so a repeat is refused with the earlier answer.
 */
import { asFulfillmentError, invalidInput } from '../core/errors';
import { IdempotencyGuard } from '../core/idempotency';
import { NodeMessage } from './red';

export function explicitIdempotencyKey(msg: NodeMessage, provider?: string): string | undefined {
  const key = msg.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > 200)) {
    throw invalidInput('msg.idempotencyKey', 'must be a non-empty string of at most 200 characters', provider);
  }
  return key;
}

export type Outcome = { state: 'placed'; answer: unknown } | { state: 'failed' };

/** `key` undefined = not guarded. A definite failure frees the key; an unknown outcome keeps it. */
export async function sendOnce<T>(guard: IdempotencyGuard, key: string | undefined, provider: string, send: () => Promise<T>, outcome: (result: T) => Outcome): Promise<T> {
  if (key) await guard.claim(key, provider);
  let result: T;
  try {
    result = await send();
  } catch (e) {
    const fe = asFulfillmentError(e, provider);
    if (key) await guard.settle(key, fe.outcomeUnknown ? { state: 'unknown' } : { state: 'failed' });
    throw fe;
  }
  if (key) await guard.settle(key, outcome(result));
  return result;
}
