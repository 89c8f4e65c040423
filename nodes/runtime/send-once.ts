/**
 * The repeat guard around a creating call (an order, a job, a delivery
 * command, a resale unit change), shared by the nodes that create things: read msg.idempotencyKey, claim the key, send once,
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
  return sendClaimed(guard, key, provider, send, outcome, record);
}

/**
 * For a call that first needs reads and checks at the provider (a delivery
 * command's CheckOptions): the key is claimed before them, so a repeat is
 * refused before anything at all is sent. A failure while preparing sent
 * nothing that creates: it frees the key and is not listed as a call.
 */
export async function prepareThenSendOnce<P, T>(
  guard: IdempotencyGuard,
  key: string | undefined,
  provider: string,
  prepare: () => Promise<P>,
  send: (prepared: P) => Promise<T>,
  outcome: (result: T) => Outcome,
  record?: CallRecording<T>,
): Promise<{ prepared: P; result: T }> {
  if (key) await guard.claim(key, provider);
  let prepared: P;
  try {
    prepared = await prepare();
  } catch (e) {
    const fe = asFulfillmentError(e, provider);
    if (key) await guard.settle(key, fe.outcomeUnknown ? { state: 'unknown' } : { state: 'failed' });
    throw fe;
  }
  const result = await sendClaimed(guard, key, provider, () => send(prepared), outcome, record);
  return { prepared, result };
}

async function sendClaimed<T>(guard: IdempotencyGuard, key: string | undefined, provider: string, send: () => Promise<T>, outcome: (result: T) => Outcome, record?: CallRecording<T>): Promise<T> {
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
