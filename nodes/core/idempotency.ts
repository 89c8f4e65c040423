/**
 * Remembers orders already sent, so a repeated message within a window is
 * refused with the earlier answer instead of ordering twice. The records go
 * through a `ClaimStore`: the node's context for one Node-RED (`ledgerClaims`
 * below; persistent with a persistent store), or Redis when several instances
 * share an account, where the claim is one atomic step.
 */
import { createHash, randomUUID } from 'crypto';
import { FulfillmentError } from './errors';
import { ClaimStore } from './coordination';

export interface LedgerEntry {
  at: number;
  state: 'sending' | 'placed' | 'unknown';
  answer?: unknown;
  /** Names the claim, so only the one who made it replaces it (shared stores). */
  token?: string;
}

/** Key-value storage for `ledgerClaims` (the node's context in the nodes). */
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

function isStore(s: LedgerStorage | ClaimStore): s is ClaimStore {
  return typeof (s as ClaimStore).claim === 'function';
}

/**
 * A claim store over plain key-value storage, for one Node-RED. Its get and
 * set are not atomic, so keys being claimed are also held in memory: two
 * messages of this instance cannot both pass. Expired entries are swept now
 * and then, so the ledger does not grow without end.
 */
export function ledgerClaims(storage: LedgerStorage, now: () => number = Date.now): ClaimStore {
  const inFlight = new Set<string>();
  let claims = 0;
  const fresh = (entry: LedgerEntry | undefined, windowMs: number): entry is LedgerEntry => !!entry && typeof entry.at === 'number' && now() - entry.at < windowMs;
  const sweep = async (windowMs: number): Promise<void> => {
    for (const key of await storage.keys()) {
      if (inFlight.has(key)) continue;
      if (!fresh(await storage.get(key), windowMs)) await storage.set(key, undefined);
    }
  };
  return {
    async claim(key, entry, windowMs) {
      // Checked and taken before the first await, so two messages cannot both pass.
      if (inFlight.has(key)) return { at: now(), state: 'sending' };
      inFlight.add(key);
      try {
        const earlier = await storage.get(key);
        if (fresh(earlier, windowMs)) {
          inFlight.delete(key);
          return earlier;
        }
        await storage.set(key, entry);
      } catch (e) {
        inFlight.delete(key);
        throw e;
      }
      if (++claims % SWEEP_EVERY === 0) await sweep(windowMs).catch(() => undefined);
      return undefined;
    },
    async settle(key, _claimed, next) {
      try {
        await storage.set(key, next);
      } finally {
        inFlight.delete(key);
      }
    },
    async list(windowMs) {
      const out: Array<{ key: string; entry: LedgerEntry }> = [];
      for (const key of await storage.keys()) {
        const entry = await storage.get(key);
        if (fresh(entry, windowMs)) out.push({ key, entry });
      }
      return out.sort((a, b) => b.entry.at - a.entry.at);
    },
  };
}

/** How a refusal names what was guarded: "this order was already placed … to order it once more". */
export interface GuardWording {
  /** "this order", "this delivery command". */
  what: string;
  /** "placed", "sent". */
  done: string;
  /** "order it once more". */
  again: string;
}

export const ORDER_WORDING: GuardWording = { what: 'this order', done: 'placed', again: 'order it once more' };

export class IdempotencyGuard {
  readonly store: ClaimStore;
  /** Claims this guard made and has not settled yet. */
  private readonly mine = new Map<string, LedgerEntry>();

  /** A `LedgerStorage` is wrapped in `ledgerClaims` (one Node-RED); a `ClaimStore` is used as it is. */
  constructor(
    storage: LedgerStorage | ClaimStore,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly wording: GuardWording = ORDER_WORDING,
  ) {
    this.store = isStore(storage) ? storage : ledgerClaims(storage, now);
  }

  /** A window of 0 turns the guard off: callers need not compute keys then. */
  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** Claims the key or throws a `duplicate` error carrying the earlier answer. */
  async claim(key: string, provider: string): Promise<void> {
    if (this.windowMs <= 0) return;
    const entry: LedgerEntry = { at: this.now(), state: 'sending', token: randomUUID() };
    const earlier = await this.store.claim(key, entry, this.windowMs);
    if (earlier) throw this.duplicate(provider, earlier.state, earlier);
    this.mine.set(key, entry);
  }

  async settle(key: string, outcome: { state: 'placed' | 'unknown'; answer?: unknown } | { state: 'failed' }): Promise<void> {
    if (this.windowMs <= 0) return;
    const claimed = this.mine.get(key) ?? { at: this.now(), state: 'sending' };
    this.mine.delete(key);
    // A definite failure placed nothing: the same order may be sent again.
    const next: LedgerEntry | undefined =
      outcome.state === 'failed' ? undefined : { at: this.now(), state: outcome.state, answer: outcome.state === 'placed' ? outcome.answer : undefined, token: claimed.token };
    await this.store.settle(key, claimed, next, this.windowMs);
  }

  /** What this guard remembers, newest first. */
  list(): Promise<Array<{ key: string; entry: LedgerEntry }>> {
    return this.windowMs > 0 ? this.store.list(this.windowMs) : Promise.resolve([]);
  }

  private duplicate(provider: string, state: LedgerEntry['state'], earlier: LedgerEntry | undefined): FulfillmentError {
    const w = this.wording;
    const what = state === 'placed' ? `${w.what} was already ${w.done}` : state === 'unknown' ? `an earlier attempt of ${w.what} has an unknown outcome` : `${w.what} is being sent right now`;
    return new FulfillmentError({
      provider,
      kind: 'duplicate',
      providerCode: state,
      message: `${provider}: ${what} (${new Date(earlier?.at ?? this.now()).toISOString()}); not sent again. Use a new msg.idempotencyKey to ${w.again}`,
      response: earlier?.answer,
    });
  }
}
