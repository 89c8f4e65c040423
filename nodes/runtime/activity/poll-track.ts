/**
 * What one poll status node shows in the sidebar: the jobs it watches (read
 * from its watch list, so the view is the list's truth, shared or not) and
 * the jobs that needed attention (kept in the node's context until
 * dismissed). The node reports changes; the sidebar's buttons come back here.
 */
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
}

/** The poll node's side of the buttons. */
export interface WatchSource {
  list(): readonly WatchedJob[] | Promise<readonly WatchedJob[]>;
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
  ) {
    this.attention = new PersistedList<AttentionEntry>(node, KEY, store, { max: MAX_ATTENTION, valid: isAttention }, bump, now);
  }

  get nodeId(): string {
    return this.node.id;
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

  /** A job left the list on output 2: listed, with the reason, until dismissed. */
  needsAttention(job: WatchedJob, report: AttentionReport): void {
    const k = jobKey(job.kind, job.id);
    this.changedAt.delete(k);
    this.attention.remove((e) => jobKey(e.kind, e.id) === k);
    const progress = report.progress ?? parseProgress(job.lastProgress);
    this.attention.push({
      kind: job.kind,
      id: job.id,
      provider: this.providerName(),
      state: report.status ?? job.lastStatus ?? '',
      reason: (report.reason ?? report.status ?? report.verdict).slice(0, 500),
      verdict: report.verdict,
      at: this.now(),
      since: job.since,
      ...(progress ? { progress } : {}),
    });
    this.bump();
  }

  dismiss(kind: string, id: string): boolean {
    const k = jobKey(kind, id);
    const removed = this.attention.remove((e) => jobKey(e.kind, e.id) === k);
    if (removed) this.bump();
    return removed;
  }

  /** Dismisses every attention row; returns how many. */
  dismissAll(): number {
    const n = this.attention.all().length;
    if (n > 0) {
      this.attention.remove(() => true);
      this.bump();
    }
    return n;
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
        ...(nextCheck !== undefined ? { nextCheck } : {}),
      });
    }
    // A job that left the list without an event here (another instance finished it) leaves nothing behind.
    for (const k of this.changedAt.keys()) if (!listed.has(k)) this.changedAt.delete(k);
    for (const a of this.attention.all()) {
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
    return { watched: (await this.source.list()).length, attention: this.attention.all().length };
  }

  close(removed: boolean): Promise<void> {
    return this.attention.close(removed);
  }
}
