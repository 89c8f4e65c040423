/**
 * Remembers orders already sent, so a repeated message within a window is
 * refused with the earlier answer instead of ordering twice. Storage is
 * injected (Node-RED context in the nodes), so it can survive a restart and
 * be shared between instances.
 */
import { createHash } from 'crypto';
import { FulfillmentError } from './errors';

export interface LedgerEntry {
  at: number;
  state: 'sending' | 'placed' | 'unknown';
  answer?: unknown;
}

export type Ledger = Record<string, LedgerEntry>;

export interface LedgerStorage {
  load(): Promise<Ledger | undefined>;
  save(ledger: Ledger): Promise<void>;
}

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
  // Serialises ledger read-modify-write so two messages cannot both pass.
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: LedgerStorage, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private prune(ledger: Ledger): Ledger {
    const now = this.now();
    const out: Ledger = {};
    for (const [k, v] of Object.entries(ledger)) if (v && now - v.at < this.windowMs) out[k] = v;
    return out;
  }

  /** Claims the key or throws a `duplicate` error carrying the earlier answer. */
  async claim(key: string, provider: string): Promise<void> {
    if (this.windowMs <= 0) return;
    await this.locked(async () => {
      const ledger = this.prune((await this.storage.load()) ?? {});
      const earlier = ledger[key];
      if (this.inFlight.has(key) || earlier) {
        const state = this.inFlight.has(key) ? 'sending' : earlier.state;
        const what = state === 'placed' ? 'this order was already placed' : state === 'unknown' ? 'an earlier attempt of this order has an unknown outcome' : 'this order is being sent right now';
        throw new FulfillmentError({
          provider,
          kind: 'duplicate',
          providerCode: state,
          message: `${provider}: ${what} (${new Date(earlier?.at ?? this.now()).toISOString()}); not sent again. Use a new msg.idempotencyKey to order it once more`,
          response: earlier?.answer,
        });
      }
      this.inFlight.add(key);
      ledger[key] = { at: this.now(), state: 'sending' };
      await this.storage.save(ledger);
    });
  }

  async settle(key: string, outcome: { state: 'placed' | 'unknown'; answer?: unknown } | { state: 'failed' }): Promise<void> {
    if (this.windowMs <= 0) return;
    await this.locked(async () => {
      this.inFlight.delete(key);
      const ledger = this.prune((await this.storage.load()) ?? {});
      // A definite failure placed nothing: the same order may be sent again.
      if (outcome.state === 'failed') delete ledger[key];
      else ledger[key] = { at: this.now(), state: outcome.state, answer: outcome.state === 'placed' ? outcome.answer : undefined };
      await this.storage.save(ledger);
    });
  }
}
