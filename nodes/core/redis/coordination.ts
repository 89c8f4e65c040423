/**
 * The coordination of several Node-RED instances through one Redis: the
 * repeat guard's claims, the shared watch list and the callback node's
 * first-seen marks. Every decision is one atomic step in Redis (see
 * scripts.ts), so exactly one instance wins it.
 */
import { hostname } from 'os';
import { randomBytes } from 'crypto';
import { ClaimStore, Coordination, ListedEntry, RankStore, RecordStore, SeenStore, TickOutcome, WatchClaim, WatchStore } from '../coordination';
import { FulfillmentError } from '../errors';
import { LedgerEntry } from '../idempotency';
import { WatchEntry } from '../poller';
import { RedisConnection } from './connection';
import { GUARD_CLAIM, GUARD_LIST, GUARD_SETTLE, RANK_ADMIT, RECORD_ALL, RECORD_CLEAR, RECORD_PUT, RECORD_REMOVE, WATCH_ADD, WATCH_CLAIM, WATCH_CLAIM_ONE, WATCH_LIST, WATCH_REMOVE, WATCH_SETTLE } from './scripts';

/** Names this process in the shared watch lists' heartbeats (not secret: host, pid and a random tag). */
export function instanceId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/** A job's field in the shared list: unambiguous whatever the id holds. */
export function watchMember(kind: string, id: string): string {
  return JSON.stringify([kind, id]);
}

function parseJson<T>(text: unknown): T | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function isEntry(v: unknown): v is WatchEntry {
  const e = v as WatchEntry | undefined;
  return !!e && typeof e.id === 'string' && typeof e.kind === 'string' && typeof e.since === 'number';
}

/** The heartbeat outlives a slow tick, so a busy instance is not taken for a dead one. */
export function heartbeatTtl(intervalMs: number): number {
  return 2 * intervalMs + 1000;
}

export class RedisClaimStore implements ClaimStore {
  constructor(private readonly conn: RedisConnection, private readonly prefix: string, private readonly scope: string) {}

  private entryKey(key: string): string {
    return `${this.prefix}claim:${this.scope}:${key}`;
  }

  private get index(): string {
    return `${this.prefix}claims:${this.scope}`;
  }

  async claim(key: string, entry: LedgerEntry, windowMs: number): Promise<LedgerEntry | undefined> {
    const json = JSON.stringify(entry);
    try {
      const earlier = await this.conn.run<string | null>(GUARD_CLAIM, [this.entryKey(key), this.index], [json, Math.max(1, Math.round(windowMs)), key], 'nothing was sent');
      if (earlier === null || earlier === undefined) return undefined;
      return parseJson<LedgerEntry>(earlier) ?? { at: Date.now(), state: 'unknown' };
    } catch (e) {
      // A claim that got no answer may still have been recorded: it is ours, and nothing was sent, so it is taken back once Redis answers.
      if (e instanceof FulfillmentError && e.kind === 'shared_state' && /no answer within/.test(e.message)) {
        this.conn.later(() => this.release(key, entry, windowMs));
      }
      throw e;
    }
  }

  private async release(key: string, entry: LedgerEntry, windowMs: number): Promise<void> {
    await this.conn.run(GUARD_SETTLE, [this.entryKey(key), this.index], [entry.token ?? '', '', Math.max(1, Math.round(windowMs)), key], 'a claim was not taken back');
  }

  async settle(key: string, claimed: LedgerEntry, next: LedgerEntry | undefined, windowMs: number): Promise<void> {
    const send = (): Promise<void> =>
      this.conn
        .run(GUARD_SETTLE, [this.entryKey(key), this.index], [claimed.token ?? '', next ? JSON.stringify(next) : '', Math.max(1, Math.round(windowMs)), key], 'the outcome was not recorded yet')
        .then(() => undefined);
    try {
      await send();
    } catch (e) {
      if (!(e instanceof FulfillmentError) || e.kind !== 'shared_state') throw e;
      // The call was made; until Redis records its outcome, the claim ("being sent") keeps refusing repeats.
      this.conn.later(send);
    }
  }

  async list(windowMs: number): Promise<Array<{ key: string; entry: LedgerEntry }>> {
    const flat = await this.conn.run<string[]>(GUARD_LIST, [this.index], [Math.max(1, Math.round(windowMs)), `${this.prefix}claim:${this.scope}:`], 'the list was not read');
    const out: Array<{ key: string; entry: LedgerEntry }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const entry = parseJson<LedgerEntry>(flat[i + 1]);
      if (entry) out.push({ key: flat[i], entry });
    }
    return out;
  }
}

export class RedisSeenStore implements SeenStore {
  constructor(private readonly conn: RedisConnection, private readonly prefix: string, private readonly scope: string) {}

  async first(key: string, windowMs: number): Promise<boolean> {
    if (windowMs <= 0) return true;
    const set = await this.conn.command<string | null>(['SET', `${this.prefix}seen:${this.scope}:${key}`, '1', 'NX', 'PX', String(Math.round(windowMs))], 'the event was not output');
    return set !== null && set !== undefined;
  }
}

export class RedisRankStore implements RankStore {
  constructor(private readonly conn: RedisConnection, private readonly prefix: string, private readonly scope: string) {}

  async admit(subject: string, rank: number, windowMs: number): Promise<boolean> {
    if (windowMs <= 0 || !Number.isFinite(rank)) return true;
    const admitted = await this.conn.run<number>(RANK_ADMIT, [`${this.prefix}rank:${this.scope}:${subject}`], [rank, Math.round(windowMs)], 'the event was not output');
    return Number(admitted) === 1;
  }
}

export class RedisRecordStore<T> implements RecordStore<T> {
  private readonly keys: [string, string];

  constructor(private readonly conn: RedisConnection, prefix: string, scope: string, name: string, private readonly valid: (x: unknown) => x is T) {
    const base = `${prefix}records:${scope}:${name}`;
    this.keys = [base, `${base}:t`];
  }

  async put(key: string, record: T, max: number): Promise<void> {
    await this.conn.run(RECORD_PUT, this.keys, [key, JSON.stringify(record), Math.max(1, Math.floor(max))], 'the row was not recorded');
  }

  async remove(key: string): Promise<boolean> {
    return Number(await this.conn.run<number>(RECORD_REMOVE, this.keys, [key], 'the row was not removed')) === 1;
  }

  async clear(): Promise<number> {
    return Number(await this.conn.run<number>(RECORD_CLEAR, this.keys, [], 'the rows were not removed')) || 0;
  }

  async all(): Promise<T[]> {
    const flat = await this.conn.run<string[]>(RECORD_ALL, this.keys, [], 'the rows were not read');
    return flat.map((text) => parseJson<unknown>(text)).filter(this.valid);
  }

  async count(): Promise<number> {
    return Number(await this.conn.command<number>(['HLEN', this.keys[0]], 'the rows were not counted')) || 0;
  }
}

type Pending<M> = Omit<WatchEntry<M>, 'since'> & { since?: number };

export class RedisWatchStore<M> implements WatchStore<M> {
  readonly shared = true;
  private total = 0;
  /**
   * The JSON of each claimed entry as Redis holds it: a progress update applies
   * only to that. Kept per job (a "check now" may overlap a round) and dropped
   * when the job leaves the list, so it never outgrows the list.
   */
  private readonly claimedJson = new Map<string, string>();
  /** Jobs to watch that could not be written while Redis was away; written first thing once it is back. */
  private readonly pending = new Map<string, { entry: Pending<M>; now: number }>();

  constructor(
    private readonly conn: RedisConnection,
    private readonly prefix: string,
    private readonly scope: string,
    private readonly instance: string,
    /** Told whenever the jobs waiting for Redis change, to keep them across a restart. */
    private readonly onPending?: (entries: Array<Pending<M>>) => void,
  ) {}

  private key(part: 'due' | 'jobs' | 'meta' | 'live'): string {
    return `${this.prefix}watch:${this.scope}:${part}`;
  }

  get size(): number {
    return this.total + this.pending.size;
  }

  /** Jobs received while Redis was away, not yet in the shared list. */
  get waiting(): number {
    return this.pending.size;
  }

  private pendingChanged(): void {
    this.onPending?.([...this.pending.values()].map((p) => ({ ...p.entry, since: p.entry.since ?? p.now })));
  }

  async add(entries: Array<Pending<M>>, now: number): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) this.pending.set(watchMember(entry.kind, entry.id), { entry, now });
    try {
      await this.flush();
    } catch (e) {
      if (!(e instanceof FulfillmentError) || e.kind !== 'shared_state') throw e;
      // Kept (and handed to onPending), and written by the next tick that reaches Redis: no job is lost.
      this.pendingChanged();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.entries()];
    const args: string[] = [];
    for (const [member, { entry, now }] of batch) {
      const stored: WatchEntry = { id: entry.id, kind: entry.kind, since: entry.since ?? now };
      if (entry.lastStatus !== undefined) stored.lastStatus = entry.lastStatus;
      if (entry.lastProgress !== undefined) stored.lastProgress = entry.lastProgress;
      if (entry.statusSince !== undefined) stored.statusSince = entry.statusSince;
      args.push(member, JSON.stringify(stored), JSON.stringify(entry.meta ?? null));
    }
    await this.conn.run(WATCH_ADD, [this.key('due'), this.key('jobs'), this.key('meta')], args, 'the job is not watched yet');
    const hadWaiting = this.pending.size > 0;
    for (const [member, item] of batch) if (this.pending.get(member) === item) this.pending.delete(member);
    if (hadWaiting) this.pendingChanged();
  }

  async remove(kind: string, ids: string[]): Promise<Array<WatchEntry<M>>> {
    const removed: Array<WatchEntry<M>> = [];
    const members: string[] = [];
    for (const id of ids) {
      const member = watchMember(kind, id);
      const waiting = this.pending.get(member);
      if (waiting) {
        this.pending.delete(member);
        removed.push({ ...waiting.entry, since: waiting.entry.since ?? waiting.now });
      }
      members.push(member);
    }
    if (removed.length > 0) this.pendingChanged();
    if (members.length === 0) return removed;
    const flat = await this.conn.run<string[]>(WATCH_REMOVE, [this.key('due'), this.key('jobs'), this.key('meta')], members, 'the job is still watched');
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const entry = parseJson<WatchEntry<M>>(flat[i + 1]);
      const meta = parseJson<M>(flat[i + 2]);
      if (isEntry(entry)) removed.push({ ...entry, ...(meta !== undefined && meta !== null ? { meta } : {}) });
    }
    this.total = Math.max(0, this.total - removed.length);
    for (const member of members) this.claimedJson.delete(member);
    return removed;
  }

  async claim(intervalMs: number): Promise<WatchClaim<M>> {
    await this.flush();
    const flat = await this.conn.run<Array<string | number>>(WATCH_CLAIM, [this.key('due'), this.key('jobs'), this.key('live')], [this.instance, Math.max(1, Math.round(intervalMs)), heartbeatTtl(intervalMs)], 'polling is paused');
    this.total = Number(flat[1]) || 0;
    const entries: Array<WatchEntry<M>> = [];
    for (let i = 3; i < flat.length; i++) {
      const json = String(flat[i]);
      const entry = parseJson<WatchEntry<M>>(json);
      if (!isEntry(entry)) continue;
      this.claimedJson.set(watchMember(entry.kind, entry.id), json);
      entries.push(entry);
    }
    return { entries, total: this.total };
  }

  async claimOne(kind: string, id: string, intervalMs: number): Promise<WatchEntry<M> | undefined> {
    const member = watchMember(kind, id);
    const json = await this.conn.run<string | null>(WATCH_CLAIM_ONE, [this.key('due'), this.key('jobs')], [member, Math.max(1, Math.round(intervalMs))], 'the job was not asked about');
    const entry = parseJson<WatchEntry<M>>(json);
    if (!isEntry(entry)) return undefined;
    this.claimedJson.set(member, json as string);
    return entry;
  }

  async settle(outcome: TickOutcome<M>): Promise<TickOutcome<M>> {
    const removals = [...outcome.expired, ...outcome.finished.map((f) => f.entry)].map((e) => watchMember(e.kind, e.id));
    const args: Array<string | number> = [removals.length, ...removals];
    const updates = outcome.progressed.filter((p) => this.claimedJson.has(watchMember(p.entry.kind, p.entry.id)));
    args.push(updates.length);
    for (const { entry, next } of updates) {
      const member = watchMember(entry.kind, entry.id);
      const stored: WatchEntry = { id: next.id, kind: next.kind, since: next.since };
      if (next.lastStatus !== undefined) stored.lastStatus = next.lastStatus;
      if (next.lastProgress !== undefined) stored.lastProgress = next.lastProgress;
      if (next.statusSince !== undefined) stored.statusSince = next.statusSince;
      args.push(member, this.claimedJson.get(member) as string, JSON.stringify(stored));
    }
    const deferred = outcome.deferred?.entries ?? [];
    args.push(deferred.length);
    if (deferred.length > 0) args.push(Math.max(0, Math.round(outcome.deferred?.delayMs ?? 0)), ...deferred.map((e) => watchMember(e.kind, e.id)));
    const flat = await this.conn.run<Array<string | number>>(WATCH_SETTLE, [this.key('due'), this.key('jobs'), this.key('meta')], args, 'the result was not recorded; the job is asked about again');
    const won: TickOutcome<M> = { finished: [], expired: [], progressed: [] };
    const metaOf = (text: unknown): Partial<WatchEntry<M>> => {
      const meta = parseJson<M>(text);
      return meta !== undefined && meta !== null ? { meta } : {};
    };
    let i = 0;
    const removedCount = Number(flat[i++]) || 0;
    const removedMeta = new Map<string, unknown>();
    for (let k = 0; k < removedCount; k++, i += 2) removedMeta.set(String(flat[i]), flat[i + 1]);
    const updatedCount = Number(flat[i++]) || 0;
    const updatedMeta = new Map<string, unknown>();
    for (let k = 0; k < updatedCount; k++, i += 2) updatedMeta.set(String(flat[i]), flat[i + 1]);
    for (const entry of outcome.expired) {
      const m = watchMember(entry.kind, entry.id);
      if (removedMeta.has(m)) won.expired.push({ ...entry, ...metaOf(removedMeta.get(m)) });
    }
    for (const { entry, report } of outcome.finished) {
      const m = watchMember(entry.kind, entry.id);
      if (removedMeta.has(m)) won.finished.push({ entry: { ...entry, ...metaOf(removedMeta.get(m)) }, report });
    }
    for (const { entry, next, report, quiet } of updates) {
      const m = watchMember(entry.kind, entry.id);
      if (updatedMeta.has(m)) {
        const withMeta = { ...next, ...metaOf(updatedMeta.get(m)) };
        won.progressed.push({ entry: withMeta, next: withMeta, report, quiet });
      }
    }
    this.total = Math.max(0, this.total - removedCount);
    for (const member of removals) this.claimedJson.delete(member);
    for (const { entry } of updates) this.claimedJson.delete(watchMember(entry.kind, entry.id));
    return won;
  }

  async list(): Promise<Array<ListedEntry<M>>> {
    const flat = await this.conn.run<Array<string | number>>(WATCH_LIST, [this.key('due'), this.key('jobs')], [], 'the list was not read');
    const out: Array<ListedEntry<M>> = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const entry = parseJson<WatchEntry<M>>(flat[i + 2]);
      if (isEntry(entry)) out.push({ ...entry, nextCheck: Number(flat[i + 1]) });
    }
    for (const { entry, now } of this.pending.values()) out.push({ ...entry, since: entry.since ?? now });
    return out;
  }

  async count(): Promise<number> {
    const listed = Number(await this.conn.command<number>(['ZCARD', this.key('due')], 'the list was not counted')) || 0;
    return listed + this.pending.size;
  }

  async close(): Promise<void> {
    // Leaves at once, so the others take a bigger share from their next tick on.
    if (this.conn.ready) await this.conn.command(['ZREM', this.key('live'), this.instance], 'the heartbeat stays until it expires').catch(() => undefined);
  }
}

export interface RedisCoordinationOptions {
  connection: RedisConnection;
  prefix: string;
  instance?: string;
}

export class RedisCoordination implements Coordination {
  readonly label: string;
  readonly instance: string;
  readonly connection: RedisConnection;
  private readonly prefix: string;

  constructor(opts: RedisCoordinationOptions) {
    this.connection = opts.connection;
    this.prefix = opts.prefix;
    this.label = opts.connection.label;
    this.instance = opts.instance ?? instanceId();
  }

  claims(scope: string): ClaimStore {
    return new RedisClaimStore(this.connection, this.prefix, scope);
  }

  seen(scope: string): SeenStore {
    return new RedisSeenStore(this.connection, this.prefix, scope);
  }

  ranks(scope: string): RankStore {
    return new RedisRankStore(this.connection, this.prefix, scope);
  }

  watchList<M>(scope: string, onPending?: (entries: Array<Pending<M>>) => void): RedisWatchStore<M> {
    return new RedisWatchStore<M>(this.connection, this.prefix, scope, this.instance, onPending);
  }

  records<T>(scope: string, name: string, valid: (x: unknown) => x is T): RecordStore<T> {
    return new RedisRecordStore<T>(this.connection, this.prefix, scope, name, valid);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
