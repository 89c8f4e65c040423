/**
 * Watches many jobs with one timer: on each tick it asks the source about the
 * watched ids of a kind at once (the source splits into as few requests as
 * its API allows), reports changes, and drops ids that reached a terminal
 * state or waited too long. No Node-RED here.
 *
 * The list lives in a `WatchStore`: in memory for one Node-RED (the poll node
 * persists it through `onChange`), or shared through Redis by several
 * instances, where the store hands each instance its share of the due jobs
 * and decides atomically which instance reports a change, so every output
 * happens once.
 */
import { backoffDelay } from './retry';
import { ListedEntry, TickOutcome, WatchStore } from './coordination';
import { LocalWatchStore } from './watch-store';

export type PollVerdict = 'pending' | 'done' | 'failed' | 'attention';

export interface Progress {
  current: number;
  total: number;
}

export interface PollReport {
  id: string;
  verdict: PollVerdict;
  status: string;
  progress?: Progress;
  reason?: string;
  raw: unknown;
  /**
   * A pending status that may not last: once the poller has seen this status
   * for longer than this (ms), it reports the entry as 'attention' with
   * `overdueReason`. The provider says how long is too long; the poller,
   * which remembers when each status began, measures it.
   */
  attentionAfterMs?: number;
  overdueReason?: string;
  /** Further named facts for the output message (e.g. `duplicate`, `tracking`). */
  fields?: Record<string, unknown>;
}

export interface WatchEntry<M = unknown> {
  id: string;
  kind: string;
  /** Epoch ms when watching started; max wait counts from here, across restarts. */
  since: number;
  lastStatus?: string;
  lastProgress?: string;
  /** Epoch ms when the poller first saw `lastStatus` (kept across restarts with the watch list). */
  statusSince?: number;
  /** Whatever the caller wants back with each report (a message, say). */
  meta?: M;
}

export interface PollerOptions<M> {
  intervalMs: number;
  /** 0 = wait forever. */
  maxWaitMs: number;
  fetch: (kind: string, ids: string[]) => Promise<PollReport[]>;
  onProgress?: (entry: WatchEntry<M>, report: PollReport) => void;
  onTerminal?: (entry: WatchEntry<M>, report: PollReport) => void;
  onTimeout?: (entry: WatchEntry<M>) => void;
  onError?: (error: unknown, entries: Array<WatchEntry<M>>) => void;
  /** The store did not answer (shared state unreachable): polling pauses and retries by itself. */
  onStoreError?: (error: unknown) => void;
  /** Called after every change of an in-memory watch list, to persist it. */
  onChange?: (entries: Array<WatchEntry<M>>) => void;
  onTick?: (watching: number) => void;
  now?: () => number;
  /** Failed ticks back off up to this delay. */
  maxBackoffMs?: number;
  /** Where the list lives; in memory (with `onChange`) when not given. */
  store?: WatchStore<M>;
}

/** How soon an unreachable store is tried again (never later than the interval). */
const STORE_RETRY_MS = 5000;

export function progressLabel(report: Pick<PollReport, 'progress'>): string | undefined {
  return report.progress ? `${report.progress.current}/${report.progress.total}` : undefined;
}

export class Poller<M = unknown> {
  readonly store: WatchStore<M>;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private closed = false;
  private failures = 0;
  private nextAt: number | undefined;
  private readonly opts: PollerOptions<M>;

  constructor(opts: PollerOptions<M>) {
    this.opts = opts;
    this.store = opts.store ?? new LocalWatchStore<M>(opts.onChange);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** A shared list has jobs other instances added: ticks run from the start, not only once a job is watched here. */
  start(): void {
    if (!this.timer && !this.running) this.schedule(0);
  }

  async watch(entry: Omit<WatchEntry<M>, 'since'> & { since?: number }): Promise<void> {
    await this.watchAll([entry]);
  }

  async watchAll(entries: Array<Omit<WatchEntry<M>, 'since'> & { since?: number }>): Promise<void> {
    if (this.closed || entries.length === 0) return;
    await this.store.add(entries, this.now());
    // A new job is looked at soon; if a tick is already planned it joins that one.
    if (!this.timer && !this.running) this.schedule(0);
  }

  /** Stops watching; returns the entries this call removed. */
  async unwatchAll(kind: string, ids: string[]): Promise<Array<WatchEntry<M>>> {
    const removed = await this.store.remove(kind, ids);
    if (this.store.size === 0 && !this.store.shared) this.clearTimer();
    return removed;
  }

  async unwatch(kind: string, id: string): Promise<boolean> {
    return (await this.unwatchAll(kind, [id])).length > 0;
  }

  list(): Promise<Array<ListedEntry<M>>> {
    return this.store.list();
  }

  /** How many jobs are watched now (a shared list is counted in Redis, not read). */
  count(): Promise<number> {
    return this.store.count();
  }

  /** How many jobs the list held when last seen. */
  get size(): number {
    return this.store.size;
  }

  /** When the next round is planned (epoch ms), if one is. */
  get nextTickAt(): number | undefined {
    return this.timer ? this.nextAt : undefined;
  }

  /**
   * Asks about one watched job at once, outside the rhythm of the rounds
   * (an operator's "check now"); reports like a round would. False when the
   * job is not watched. A failed read is reported through onError and thrown.
   */
  async checkNow(kind: string, id: string): Promise<boolean> {
    if (this.closed) return false;
    const entry = await this.store.claimOne(kind, id, this.opts.intervalMs);
    if (!entry || this.closed) return false;
    let reports: PollReport[];
    try {
      reports = await this.opts.fetch(kind, [id]);
    } catch (e) {
      this.safe(() => this.opts.onError?.(e, [entry]));
      throw e;
    }
    if (this.closed) return true;
    const outcome: TickOutcome<M> = { finished: [], expired: [], progressed: [] };
    const order = new Map<PollReport, number>();
    this.evaluate([entry], reports.filter((r) => r.id === id), this.now(), outcome, order);
    await this.settleAndReport(outcome, order);
    return true;
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
    this.store.close().catch(() => undefined);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    this.clearTimer();
    if (this.closed || (this.store.size === 0 && !this.store.shared)) return;
    this.nextAt = this.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // The tick handles its own errors; this catch is the last guard so a timer never throws.
      this.tick().catch((e) => this.safe(() => this.opts.onError?.(e, [])));
    }, delay);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // A listener's bug must not stop the poller.
    }
  }

  /** One round: claim, expire, fetch every kind's ids, settle. Public for tests and for "poll now". */
  async tick(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    let delay = this.opts.intervalMs;
    try {
      delay = await this.round();
    } catch (e) {
      // Only the store throws here; the jobs stay where they are and are asked about once it answers again.
      this.safe(() => this.opts.onStoreError?.(e));
      delay = Math.min(this.opts.intervalMs, STORE_RETRY_MS);
    } finally {
      this.running = false;
    }
    this.schedule(delay);
  }

  /** Returns the delay until the next tick. */
  private async round(): Promise<number> {
    const { entries } = await this.store.claim(this.opts.intervalMs);
    const outcome: TickOutcome<M> = { finished: [], expired: [], progressed: [] };
    const now = this.now();
    const byKind = new Map<string, Array<WatchEntry<M>>>();
    for (const e of entries) {
      if (this.opts.maxWaitMs && now - e.since >= this.opts.maxWaitMs) {
        outcome.expired.push(e);
        continue;
      }
      const list = byKind.get(e.kind) ?? [];
      list.push(e);
      byKind.set(e.kind, list);
    }
    this.safe(() => this.opts.onTick?.(this.store.size));
    const failedEntries: Array<WatchEntry<M>> = [];
    const order = new Map<PollReport, number>();
    for (const [kind, list] of byKind) {
      let reports: PollReport[];
      try {
        reports = await this.opts.fetch(kind, list.map((e) => e.id));
      } catch (e) {
        failedEntries.push(...list);
        this.safe(() => this.opts.onError?.(e, list));
        continue;
      }
      if (this.closed) return this.opts.intervalMs;
      this.evaluate(list, reports, now, outcome, order);
    }
    this.failures = failedEntries.length > 0 ? this.failures + 1 : 0;
    const delay = this.failures === 0
      ? this.opts.intervalMs
      : Math.max(this.opts.intervalMs, backoffDelay(this.failures, { baseDelayMs: this.opts.intervalMs, maxDelayMs: this.opts.maxBackoffMs ?? Math.max(this.opts.intervalMs, 300_000) }));
    if (failedEntries.length > 0) outcome.deferred = { entries: failedEntries, delayMs: delay };
    if (outcome.expired.length + outcome.finished.length + outcome.progressed.length + failedEntries.length === 0) return delay;
    await this.settleAndReport(outcome, order);
    return delay;
  }

  /** What the source's answers mean for the claimed entries: finished, progressed, or nothing new. */
  private evaluate(claimedEntries: Array<WatchEntry<M>>, reports: PollReport[], now: number, outcome: TickOutcome<M>, order: Map<PollReport, number>): void {
    const claimed = new Map(claimedEntries.map((e) => [e.id, e]));
    for (const received of reports) {
      const entry = claimed.get(received.id);
      if (!entry) continue;
      const newStatus = entry.lastStatus !== received.status;
      const sinceChanged = received.verdict === 'pending' && (newStatus || entry.statusSince === undefined);
      const statusSince = sinceChanged ? now : entry.statusSince;
      const report = this.overdue(statusSince, received, now);
      order.set(report, order.size);
      if (report.verdict !== 'pending') {
        outcome.finished.push({ entry, report });
        continue;
      }
      const progress = progressLabel(report);
      const changed = newStatus || entry.lastProgress !== progress;
      if (changed || sinceChanged) {
        // A start time seen for the first time (a list saved before it was kept) is recorded without an output.
        outcome.progressed.push({ entry, next: { ...entry, lastStatus: report.status, lastProgress: progress, statusSince }, report, quiet: !changed });
      }
    }
  }

  /** Records the outcome in the store and reports what this instance won, in the order the source answered. */
  private async settleAndReport(outcome: TickOutcome<M>, order: Map<PollReport, number>): Promise<void> {
    const won = await this.store.settle(outcome);
    if (this.closed) return;
    for (const entry of won.expired) this.safe(() => this.opts.onTimeout?.(entry));
    const events = [
      ...won.finished.map(({ entry, report }) => ({ report, fire: () => this.opts.onTerminal?.(entry, report) })),
      ...won.progressed.filter((p) => !p.quiet).map(({ entry, report }) => ({ report, fire: () => this.opts.onProgress?.(entry, report) })),
    ].sort((a, b) => (order.get(a.report) ?? 0) - (order.get(b.report) ?? 0));
    for (const event of events) this.safe(event.fire);
  }

  /** A pending report whose status has lasted longer than the provider allows becomes 'attention'. */
  private overdue(statusSince: number | undefined, report: PollReport, now: number): PollReport {
    const limit = report.attentionAfterMs;
    if (report.verdict !== 'pending' || limit === undefined || statusSince === undefined) return report;
    const lasted = now - statusSince;
    if (lasted < limit) return report;
    const reason = report.overdueReason ?? `still ${report.status} after ${Math.round(lasted / 1000)} s (more than ${Math.round(limit / 1000)} s)`;
    return { ...report, verdict: 'attention', reason };
  }
}
