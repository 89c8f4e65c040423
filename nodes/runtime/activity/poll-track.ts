/**
 * What one poll status node shows in the sidebar: the jobs it watches (read
 * from its watch list, so the view is the list's truth, shared or not) and
 * the jobs that needed attention, kept until dismissed: in the node's
 * context, or with a shared state in Redis, where every instance's editor
 * sees them and any one can dismiss them. The node reports changes; the
 * sidebar's buttons come back here.
 */
import type { RecordStore } from '../../core/coordination';
import { Node } from '../red';
import { PersistedList } from './persisted-list';
import { AttentionVerdict, InFlightRow, Progress } from './types';

/** The parts of a watch-list entry the sidebar reads (the poller's WatchEntry has them). */
export interface WatchedJob {
  id: string;
  kind: string;
  since: number;
  lastStatus?: string;
  lastProgress?: string;
  /** When the current status began, where the watch list records it. */
  statusSince?: number;
  /** When this job is next asked about (epoch ms), where the list knows it per job (a shared list). */
  nextCheck?: number;
}

/** The poll node's side of the buttons. */
export interface WatchSource {
  list(): readonly WatchedJob[] | Promise<readonly WatchedJob[]>;
  /** How many jobs are watched, without reading them (a shared list counts in Redis). */
  count?(): number | Promise<number>;
  /** True when the list is shared with other instances, which change it without telling this one. */
  shared?(): boolean;
  /** Epoch ms of the next planned status read. */
  nextCheckAt(): number | undefined;
  /** Asks the provider about one job now; false when it is not watched. */
  checkNow(kind: string, id: string): Promise<boolean>;
  unwatch(kind: string, id: string): boolean | Promise<boolean>;
}

export interface AttentionReport {
  verdict: AttentionVerdict;
  /** The provider's word for the state it ended in. */
  status?: string;
  reason?: string;
  progress?: Progress;
}

interface AttentionEntry {
  kind: string;
  id: string;
  provider: string;
  state: string;
  reason: string;
  verdict: AttentionVerdict;
  at: number;
  since: number;
  progress?: Progress;
}

const KEY = 'fulfillment-attention';
const MAX_ATTENTION = 1000;
const VERDICTS: readonly string[] = ['failed', 'attention', 'timeout', 'refused'];

function isAttention(x: unknown): x is AttentionEntry {
  const e = x as AttentionEntry;
  return !!e && typeof e === 'object' && typeof e.id === 'string' && typeof e.kind === 'string' && typeof e.at === 'number' && VERDICTS.includes(e.verdict);
}

export function parseProgress(label: string | undefined): Progress | undefined {
  const m = label ? /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(label) : null;
  if (!m) return undefined;
  const current = Number(m[1]);
  const total = Number(m[2]);
  return total > 0 ? { current, total } : undefined;
}

const jobKey = (kind: string, id: string): string => `${kind}\u0000${id}`;

/** Where the rows needing attention are shared, when the node's account has a shared state. */
export type SharedRecords = <T>(name: string, valid: (x: unknown) => x is T) => RecordStore<T> | undefined;

export class PollTrack {
  private readonly changedAt = new Map<string, number>();
  private readonly attention: PersistedList<AttentionEntry>;
  private provider = '';

  constructor(
    private readonly node: Node,
    private readonly source: WatchSource,
    private readonly providerOf: () => string | undefined,
    store: string | undefined,
    private readonly bump: () => void,
    private readonly now: () => number = Date.now,
    private readonly sharedRecords?: SharedRecords,
  ) {
    this.attention = new PersistedList<AttentionEntry>(node, KEY, store, { max: MAX_ATTENTION, valid: isAttention }, bump, now);
  }

  /** The shared rows, when the account has a shared state now (it can be added or removed by a deploy). */
  private shared(): RecordStore<AttentionEntry> | undefined {
    try {
      return this.sharedRecords?.('attention', isAttention);
    } catch {
      // A shared state named but missing: the node reports that where it acts; the rows stay in its context.
      return undefined;
    }
  }

  get nodeId(): string {
    return this.node.id;
  }

  /** Other instances change this node's list (and rows needing attention) without an event here. */
  get sharesList(): boolean {
    return !!this.source.shared?.();
  }

  private providerName(): string {
    if (this.provider) return this.provider;
    try {
      this.provider = this.providerOf() ?? '';
    } catch {
      // No account yet (or a disabled one): the rows say so by an empty provider.
    }
    return this.provider;
  }

  /** The watch list changed (a job added or removed, a round began). */
  changed(): void {
    this.bump();
  }

  /** A watched job's state or progress changed. */
  progressed(job: Pick<WatchedJob, 'kind' | 'id'>): void {
    this.changedAt.set(jobKey(job.kind, job.id), this.now());
    this.bump();
  }

  /** A job left the list done (or was stopped): nothing stays behind. */
  ended(job: Pick<WatchedJob, 'kind' | 'id'>): void {
    this.changedAt.delete(jobKey(job.kind, job.id));
    this.bump();
  }

  /**
   * A job left the list on output 2: listed, with the reason, until dismissed.
   * With a shared state the row goes to Redis (the other instances' editors
   * show it); while Redis cannot be reached it is kept in the node's context.
   */
  needsAttention(job: WatchedJob, report: AttentionReport): Promise<void> {
    const k = jobKey(job.kind, job.id);
    this.changedAt.delete(k);
    this.attention.remove((e) => jobKey(e.kind, e.id) === k);
    const progress = report.progress ?? parseProgress(job.lastProgress);
    const entry: AttentionEntry = {
      kind: job.kind,
      id: job.id,
      provider: this.providerName(),
      state: report.status ?? job.lastStatus ?? '',
      reason: (report.reason ?? report.status ?? report.verdict).slice(0, 500),
      verdict: report.verdict,
      at: this.now(),
      since: job.since,
      ...(progress ? { progress } : {}),
    };
    const keepHere = (): void => {
      this.attention.push(entry);
      this.bump();
    };
    const shared = this.shared();
    if (!shared) {
      keepHere();
      return Promise.resolve();
    }
    return shared.put(k, entry, MAX_ATTENTION).then(() => this.bump(), keepHere).catch(() => undefined);
  }

  /** Removes the row here and, with a shared state, for every instance; false when there was none. */
  async dismiss(kind: string, id: string): Promise<boolean> {
    const k = jobKey(kind, id);
    const here = this.attention.remove((e) => jobKey(e.kind, e.id) === k);
    const shared = this.shared();
    // An unreachable Redis is the caller's to hear of: the row is still listed elsewhere.
    const there = shared ? await shared.remove(k) : false;
    if (here || there) this.bump();
    return here || there;
  }

  /** Dismisses every attention row; returns how many. */
  async dismissAll(): Promise<number> {
    const here = this.attention.all().length;
    if (here > 0) this.attention.remove(() => true);
    const shared = this.shared();
    const there = shared ? await shared.clear() : 0;
    if (here + there > 0) this.bump();
    return here + there;
  }

  /** The rows needing attention, here and shared (a shared row wins over a copy kept here). */
  private async attentionRows(): Promise<AttentionEntry[]> {
    const here = this.attention.all();
    const shared = this.shared();
    if (!shared) return [...here];
    const there = await shared.all().catch((): AttentionEntry[] => []);
    const seen = new Set(there.map((e) => jobKey(e.kind, e.id)));
    return [...there, ...here.filter((e) => !seen.has(jobKey(e.kind, e.id)))];
  }

  async checkNow(kind: string, id: string): Promise<boolean> {
    const found = await this.source.checkNow(kind, id);
    this.bump();
    return found;
  }

  async unwatch(kind: string, id: string): Promise<boolean> {
    const removed = await this.source.unwatch(kind, id);
    if (removed) this.ended({ kind, id });
    return removed;
  }

  async rows(): Promise<InFlightRow[]> {
    const provider = this.providerName();
    const node = this.node.id;
    const nodeName = this.node.name || undefined;
    const nextCheck = this.source.nextCheckAt();
    const watched = await this.source.list();
    const out: InFlightRow[] = [];
    const listed = new Set<string>();
    for (const e of watched) {
      const k = jobKey(e.kind, e.id);
      listed.add(k);
      const changed = Math.max(this.changedAt.get(k) ?? 0, typeof e.statusSince === 'number' ? e.statusSince : 0);
      const progress = parseProgress(e.lastProgress);
      // A shared list knows when each job is due (whichever instance asks); this node's next round is a guess.
      const next = typeof e.nextCheck === 'number' && Number.isFinite(e.nextCheck) ? e.nextCheck : nextCheck;
      out.push({
        key: `${node}\u0000${k}`,
        provider,
        kind: e.kind,
        id: e.id,
        node,
        nodeName,
        state: e.lastStatus ?? '',
        since: e.since,
        ...(progress ? { progress } : {}),
        ...(changed > 0 ? { lastChange: changed } : {}),
        ...(next !== undefined ? { nextCheck: next } : {}),
      });
    }
    // A job that left the list without an event here (another instance finished it) leaves nothing behind.
    for (const k of this.changedAt.keys()) if (!listed.has(k)) this.changedAt.delete(k);
    for (const a of await this.attentionRows()) {
      out.push({
        key: `${node}\u0000${jobKey(a.kind, a.id)}\u0000!`,
        provider: a.provider || provider,
        kind: a.kind,
        id: a.id,
        node,
        nodeName,
        state: a.state,
        since: a.since,
        lastChange: a.at,
        ...(a.progress ? { progress: a.progress } : {}),
        attention: { verdict: a.verdict, reason: a.reason, at: a.at },
      });
    }
    return out;
  }

  /** How many jobs are watched and how many rows need attention, without building the rows. */
  async counts(): Promise<{ watched: number; attention: number }> {
    const watched = this.source.count ? await this.source.count() : (await this.source.list()).length;
    const shared = this.shared();
    if (!shared) return { watched, attention: this.attention.all().length };
    return { watched, attention: (await this.attentionRows()).length };
  }

  close(removed: boolean): Promise<void> {
    return this.attention.close(removed);
  }
}
