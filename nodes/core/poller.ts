/**
 * Watches many jobs with one timer: on each tick it asks the source about all
 * watched ids of a kind at once (the source splits into as few requests as
 * its API allows), reports changes, and drops ids that reached a terminal
 * state or waited too long. No Node-RED here: the poll node persists the
 * watch list through the `onChange` hook.
 */
import { backoffDelay } from './retry';

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
  onError?: (error: unknown, entries: WatchEntry<M>[]) => void;
  /** Called after every change of the watch list, to persist it. */
  onChange?: (entries: WatchEntry<M>[]) => void;
  onTick?: (watching: number) => void;
  now?: () => number;
  /** Failed ticks back off up to this delay. */
  maxBackoffMs?: number;
}

export class Poller<M = unknown> {
  private readonly entries = new Map<string, WatchEntry<M>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private closed = false;
  private failures = 0;
  private nextAt: number | undefined;
  private readonly opts: PollerOptions<M>;

  constructor(opts: PollerOptions<M>) {
    this.opts = opts;
  }

  private key(kind: string, id: string): string {
    return `${kind}\u0000${id}`;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  watch(entry: Omit<WatchEntry<M>, 'since'> & { since?: number }): void {
    if (this.closed) return;
    const existing = this.entries.get(this.key(entry.kind, entry.id));
    this.entries.set(this.key(entry.kind, entry.id), { ...entry, since: entry.since ?? existing?.since ?? this.now() });
    this.changed();
    // A new job is looked at soon; if a tick is already planned it joins that one.
    if (!this.timer && !this.running) this.schedule(0);
  }

  unwatch(kind: string, id: string): boolean {
    const removed = this.entries.delete(this.key(kind, id));
    if (removed) this.changed();
    if (this.entries.size === 0) this.clearTimer();
    return removed;
  }

  list(): WatchEntry<M>[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
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
    const entry = this.entries.get(this.key(kind, id));
    if (!entry || this.closed) return false;
    let reports: PollReport[];
    try {
      reports = await this.opts.fetch(kind, [id]);
    } catch (e) {
      this.safe(() => this.opts.onError?.(e, [entry]));
      throw e;
    }
    if (!this.closed) this.apply(kind, reports.filter((r) => r.id === id));
    return true;
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  private changed(): void {
    this.opts.onChange?.(this.list());
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    this.clearTimer();
    if (this.closed || this.entries.size === 0) return;
    this.nextAt = this.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // The tick handles its own errors; this catch is the last guard so a timer never throws.
      this.tick().catch((e) => this.safe(() => this.opts.onError?.(e, this.list())));
    }, delay);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // A listener's bug must not stop the poller.
    }
  }

  /** One round: expire, then fetch every kind's ids. Public for tests and for "poll now". */
  async tick(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    let failed = false;
    try {
      this.expire();
      const byKind = new Map<string, WatchEntry<M>[]>();
      for (const e of this.entries.values()) {
        const list = byKind.get(e.kind) ?? [];
        list.push(e);
        byKind.set(e.kind, list);
      }
      this.safe(() => this.opts.onTick?.(this.entries.size));
      for (const [kind, list] of byKind) {
        let reports: PollReport[];
        try {
          reports = await this.opts.fetch(kind, list.map((e) => e.id));
        } catch (e) {
          failed = true;
          this.safe(() => this.opts.onError?.(e, list));
          continue;
        }
        if (this.closed) return;
        this.apply(kind, reports);
      }
    } finally {
      this.running = false;
    }
    this.failures = failed ? this.failures + 1 : 0;
    const delay = this.failures === 0
      ? this.opts.intervalMs
      : Math.max(this.opts.intervalMs, backoffDelay(this.failures, { baseDelayMs: this.opts.intervalMs, maxDelayMs: this.opts.maxBackoffMs ?? Math.max(this.opts.intervalMs, 300_000) }));
    this.schedule(delay);
  }

  private expire(): void {
    if (!this.opts.maxWaitMs) return;
    const now = this.now();
    let changed = false;
    for (const [key, e] of this.entries) {
      if (now - e.since >= this.opts.maxWaitMs) {
        this.entries.delete(key);
        changed = true;
        this.safe(() => this.opts.onTimeout?.(e));
      }
    }
    if (changed) this.changed();
  }

  private apply(kind: string, reports: PollReport[]): void {
    let changed = false;
    const now = this.now();
    for (const received of reports) {
      const key = this.key(kind, received.id);
      const entry = this.entries.get(key);
      if (!entry) continue;
      const progress = received.progress ? `${received.progress.current}/${received.progress.total}` : undefined;
      const newStatus = entry.lastStatus !== received.status;
      if (received.verdict === 'pending' && (newStatus || entry.statusSince === undefined)) {
        entry.statusSince = now;
        changed = true;
      }
      const report = this.overdue(entry, received, now);
      if (report.verdict !== 'pending') {
        this.entries.delete(key);
        changed = true;
        this.safe(() => this.opts.onTerminal?.(entry, report));
        continue;
      }
      if (newStatus || entry.lastProgress !== progress) {
        entry.lastStatus = report.status;
        entry.lastProgress = progress;
        changed = true;
        this.safe(() => this.opts.onProgress?.(entry, report));
      }
    }
    if (changed) this.changed();
  }

  /** A pending report whose status has lasted longer than the provider allows becomes 'attention'. */
  private overdue(entry: WatchEntry<M>, report: PollReport, now: number): PollReport {
    const limit = report.attentionAfterMs;
    if (report.verdict !== 'pending' || limit === undefined || entry.statusSince === undefined) return report;
    const lasted = now - entry.statusSince;
    if (lasted < limit) return report;
    const reason = report.overdueReason ?? `still ${report.status} after ${Math.round(lasted / 1000)} s (more than ${Math.round(limit / 1000)} s)`;
    return { ...report, verdict: 'attention', reason };
  }
}
