/**
 * The repeat guard around a creating call (an order, a job), shared by the
 * nodes that create things: read msg.idempotencyKey, claim the key, send once,
 * and record the outcome so a repeat is refused with the earlier answer.
 */
import { asFulfillmentError, invalidInput } from '../core/errors';
import { IdempotencyGuard } from '../core/idempotency';
import { NodeMessage } from './red';
import type { CallLog } from './activity';

export function explicitIdempotencyKey(msg: NodeMessage, provider?: string): string | undefined {
  const key = msg.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > 200)) {
    throw invalidInput('msg.idempotencyKey', 'must be a non-empty string of at most 200 characters', provider);
  }
  return key;
}

export type Outcome = { state: 'placed'; answer: unknown } | { state: 'failed' };

/** Where a creating call is listed for the operations sidebar (and its CSV export). */
export interface CallRecording<T> {
  log: CallLog;
  /** "place order", "create job", an operation's name. */
  operation: string;
  /** The provider's id of what was created, and the caller's reference, from the answer. */
  idOf?: (result: T) => string | undefined;
  referenceOf?: (result: T) => string | undefined;
}

/** `key` undefined = not guarded. A definite failure frees the key; an unknown outcome keeps it. */
export async function sendOnce<T>(guard: IdempotencyGuard, key: string | undefined, provider: string, send: () => Promise<T>, outcome: (result: T) => Outcome, record?: CallRecording<T>): Promise<T> {
  if (key) await guard.claim(key, provider);
  let result: T;
  try {
    result = await send();
  } catch (e) {
    const fe = asFulfillmentError(e, provider);
    record?.log.add({ provider, operation: record.operation, state: fe.outcomeUnknown ? 'unknown' : 'failed', idempotencyKey: key, message: fe.message });
    if (key) await guard.settle(key, fe.outcomeUnknown ? { state: 'unknown' } : { state: 'failed' });
    throw fe;
  }
  const settled = outcome(result);
  record?.log.add({ provider, operation: record.operation, state: settled.state, idempotencyKey: key, providerId: record.idOf?.(result), reference: record.referenceOf?.(result) });
  if (key) await guard.settle(key, settled);
  return result;
}

/** A creating call that has no repeat guard, listed for the sidebar all the same. */
export async function sendRecorded<T>(provider: string, send: () => Promise<T>, record: CallRecording<T>): Promise<T> {
  let result: T;
  try {
    result = await send();
  } catch (e) {
    const fe = asFulfillmentError(e, provider);
    record.log.add({ provider, operation: record.operation, state: fe.outcomeUnknown ? 'unknown' : 'failed', message: fe.message });
    throw e;
  }
  record.log.add({ provider, operation: record.operation, state: 'placed', providerId: record.idOf?.(result), reference: record.referenceOf?.(result) });
  return result;
}
