/**
 * How the nodes decide who acts: the repeat guard's claims, the poller's
 * watch list and the callback node's first-seen marks and ranks, each behind one
 * interface. A single Node-RED keeps them in its own context (today's
 * behaviour: `ledgerClaims` in idempotency.ts, `LocalWatchStore` in
 * watch-store.ts, runtime/seen-keys.ts). Several instances share them through
 * Redis (redis/coordination.ts), where every step that decides who acts is one
 * atomic script, so two instances can never both win.
 */
import { FulfillmentError } from './errors';
import type { LedgerEntry } from './idempotency';
import type { PollReport, WatchEntry } from './poller';

/** The repeat guard's records. */
export interface ClaimStore {
  /** Records `entry` under `key` unless a fresh entry is there; then returns that one and records nothing. */
  claim(key: string, entry: LedgerEntry, windowMs: number): Promise<LedgerEntry | undefined>;
  /** Replaces our own claim with `next`, or removes it (`undefined`); someone else's entry is left alone. */
  settle(key: string, claimed: LedgerEntry, next: LedgerEntry | undefined, windowMs: number): Promise<void>;
  /** The entries still within the window, newest first (for an overview of what was placed). */
  list(windowMs: number): Promise<Array<{ key: string; entry: LedgerEntry }>>;
}

/** The callback node's memory of events already output. */
export interface SeenStore {
  /** True for the first offer of a key within the window, across everyone sharing the store. */
  first(key: string, windowMs: number): Promise<boolean>;
}

/** The callback node's highest rank output per subject (an order), so a late event never moves it backwards. */
export interface RankStore {
  /** True when `rank` is not below the highest admitted for `subject` within the window; records the higher one. */
  admit(subject: string, rank: number, windowMs: number): Promise<boolean>;
}

export interface WatchClaim<M> {
  /** The jobs to ask about now. */
  entries: Array<WatchEntry<M>>;
  /** How many jobs the list holds in all. */
  total: number;
}

/** What one tick found out; the store keeps what it decides and returns what this instance must report. */
export interface TickOutcome<M> {
  /** Reached a terminal state: removed from the list, reported once. */
  finished: Array<{ entry: WatchEntry<M>; report: PollReport }>;
  /** Waited longer than the maximum: removed, reported once. */
  expired: Array<WatchEntry<M>>;
  /** A new status or progress: `entry` as claimed, `next` with the new state; reported once (`quiet`: recorded only). */
  progressed: Array<{ entry: WatchEntry<M>; next: WatchEntry<M>; report: PollReport; quiet?: boolean }>;
  /** Not asked about because the provider failed: not due again before `delayMs` from now. */
  deferred?: { entries: Array<WatchEntry<M>>; delayMs: number };
}

/** A watched job and, in a shared list, when it is next due (epoch ms). */
export type ListedEntry<M> = WatchEntry<M> & { nextCheck?: number };

export interface WatchStore<M> {
  /** Shared with other instances: the poller then ticks even when it knows of no job itself. */
  readonly shared: boolean;
  /** How many jobs the list held when last seen. */
  readonly size: number;
  /** Starts watching; a job already watched keeps its start time. */
  add(entries: Array<Omit<WatchEntry<M>, 'since'> & { since?: number }>, now: number): Promise<void>;
  /** Stops watching; returns the entries this call removed (a job removed by someone else is not returned). */
  remove(kind: string, ids: string[]): Promise<Array<WatchEntry<M>>>;
  /** The jobs to ask about now: all of them (one instance), or this instance's share of those due (shared). */
  claim(intervalMs: number): Promise<WatchClaim<M>>;
  /** One watched job to ask about at once ("check now"), claimed like a round would; undefined when not watched. */
  claimOne(kind: string, id: string, intervalMs: number): Promise<WatchEntry<M> | undefined>;
  /** Records one tick's findings; returns the part this instance won, each entry with its `meta`. */
  settle(outcome: TickOutcome<M>): Promise<TickOutcome<M>>;
  list(): Promise<Array<ListedEntry<M>>>;
  /** How many jobs are watched now, without reading them. */
  count(): Promise<number>;
  /** Leaves the list to the others (a shared store forgets this instance). */
  close(): Promise<void>;
}

/**
 * A short list of records for people to read and clear (the operations
 * sidebar's jobs that need attention): kept where every instance sees them,
 * so a row reported by one instance can be dismissed from another's editor.
 */
export interface RecordStore<T> {
  /** Adds or replaces the record under `key`; beyond `max` records the oldest go. */
  put(key: string, record: T, max: number): Promise<void>;
  /** True when this call removed it. */
  remove(key: string): Promise<boolean>;
  /** Removes every record; returns how many there were. */
  clear(): Promise<number>;
  /** Oldest first. */
  all(): Promise<T[]>;
  count(): Promise<number>;
}

/** Everything an account's nodes share, each part named by a scope (the node's id). */
export interface Coordination {
  /** Where the state lives, for status lines and logs: never a password or user name. */
  readonly label: string;
  claims(scope: string): ClaimStore;
  seen(scope: string): SeenStore;
  ranks(scope: string): RankStore;
  /** `onPending`: told of jobs received while the shared state was away (keep them across a restart). */
  watchList<M>(scope: string, onPending?: (entries: Array<Omit<WatchEntry<M>, 'since'> & { since?: number }>) => void): WatchStore<M>;
  /** Records named `name` of one node (`valid` checks each one read back). */
  records<T>(scope: string, name: string, valid: (x: unknown) => x is T): RecordStore<T>;
  close(): Promise<void>;
}

/** The error of every operation refused because the shared state did not answer. */
export function sharedStateUnavailable(label: string, what: string, cause?: string): FulfillmentError {
  return new FulfillmentError({
    kind: 'shared_state',
    retryable: true,
    field: 'sharedState',
    message: `shared state (${label}) is unreachable${cause ? ` (${cause})` : ''}: ${what}`,
  });
}
