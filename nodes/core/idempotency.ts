/**
 * Remembers orders already sent, so a repeated message within a window is
 * refused with the earlier answer instead of ordering twice. Storage is
 * injected (Node-RED context in the nodes), so it can survive a restart and
 * be shared between instances. One entry per key keeps each check O(1);
 * expired entries are swept now and then.
 */
import { createHash } from 'crypto';
import { FulfillmentError } from './errors';

export interface LedgerEntry {
  at: number;
  state: 'sending' | 'placed' | 'unknown';
  answer?: unknown;
}

export interface LedgerStorage {
  get(key: string): Promise<LedgerEntry | undefined>;
  /** `undefined` deletes. */
  set(key: string, entry: LedgerEntry | undefined): Promise<void>;
  keys(): Promise<string[]>;
}

const SWEEP_EVERY = 200;

/** JSON with sorted keys, so the same body always hashes the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function idempotencyKey(provider: string, body: unknown): string {
  return createHash('sha256').update(`${provider}\n${stableStringify(body)}`).digest('hex');
}

export class IdempotencyGuard {
  private readonly inFlight = new Set<string>();
  private claims = 0;

  constructor(private readonly storage: LedgerStorage, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** A window of 0 turns the guard off: callers need not compute keys then. */
  get enabled(): boolean {
    return this.windowMs > 0;
  }

  private fresh(entry: LedgerEntry | undefined): entry is LedgerEntry {
    return !!entry && typeof entry.at === 'number' && this.now() - entry.at < this.windowMs;
  }

  /** Claims the key or throws a `duplicate` error carrying the earlier answer. */
  async claim(key: string, provider: string): Promise<void> {
    if (this.windowMs <= 0) return;
    // Checked and taken before the first await, so two messages cannot both pass.
    if (this.inFlight.has(key)) throw this.duplicate(provider, 'sending', undefined);
    this.inFlight.add(key);
    try {
      const earlier = await this.storage.get(key);
      if (this.fresh(earlier)) throw this.duplicate(provider, earlier.state, earlier);
      await this.storage.set(key, { at: this.now(), state: 'sending' });
    } catch (e) {
      this.inFlight.delete(key);
      throw e;
    }
    if (++this.claims % SWEEP_EVERY === 0) await this.sweep().catch(() => undefined);
  }

  async settle(key: string, outcome: { state: 'placed' | 'unknown'; answer?: unknown } | { state: 'failed' }): Promise<void> {
    if (this.windowMs <= 0) return;
    try {
      // A definite failure placed nothing: the same order may be sent again.
      if (outcome.state === 'failed') await this.storage.set(key, undefined);
      else await this.storage.set(key, { at: this.now(), state: outcome.state, answer: outcome.state === 'placed' ? outcome.answer : undefined });
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async sweep(): Promise<void> {
    for (const key of await this.storage.keys()) {
      if (this.inFlight.has(key)) continue;
      if (!this.fresh(await this.storage.get(key))) await this.storage.set(key, undefined);
    }
  }

  private duplicate(provider: string, state: LedgerEntry['state'], earlier: LedgerEntry | undefined): FulfillmentError {
    const what = state === 'placed' ? 'this order was already placed' : state === 'unknown' ? 'an earlier attempt of this order has an unknown outcome' : 'this order is being sent right now';
    return new FulfillmentError({
      provider,
      kind: 'duplicate',
      providerCode: state,
      message: `${provider}: ${what} (${new Date(earlier?.at ?? this.now()).toISOString()}); not sent again. Use a new msg.idempotencyKey to order it once more`,
      response: earlier?.answer,
    });
  }
}
