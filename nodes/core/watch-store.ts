/**
 * The watch list of one Node-RED, in memory: every job is asked about on
 * every tick. The poll node persists it through `onChange` (the node's
 * context), so a restart resumes every job.
 */
import { ListedEntry, TickOutcome, WatchClaim, WatchStore } from './coordination';
import { WatchEntry } from './poller';

export function watchKey(kind: string, id: string): string {
  return `${kind}\u0000${id}`;
}

export class LocalWatchStore<M> implements WatchStore<M> {
  readonly shared = false;
  private readonly entries = new Map<string, WatchEntry<M>>();

  constructor(private readonly onChange?: (entries: Array<WatchEntry<M>>) => void) {}

  get size(): number {
    return this.entries.size;
  }

  async add(entries: Array<Omit<WatchEntry<M>, 'since'> & { since?: number }>, now: number): Promise<void> {
    for (const entry of entries) {
      const key = watchKey(entry.kind, entry.id);
      const existing = this.entries.get(key);
      this.entries.set(key, { ...entry, since: entry.since ?? existing?.since ?? now });
    }
    if (entries.length > 0) this.changed();
  }

  async remove(kind: string, ids: string[]): Promise<Array<WatchEntry<M>>> {
    const removed: Array<WatchEntry<M>> = [];
    for (const id of ids) {
      const key = watchKey(kind, id);
      const entry = this.entries.get(key);
      if (entry && this.entries.delete(key)) removed.push(entry);
    }
    if (removed.length > 0) this.changed();
    return removed;
  }

  async count(): Promise<number> {
    return this.entries.size;
  }

  async claim(): Promise<WatchClaim<M>> {
    return { entries: [...this.entries.values()], total: this.entries.size };
  }

  async claimOne(kind: string, id: string): Promise<WatchEntry<M> | undefined> {
    return this.entries.get(watchKey(kind, id));
  }

  async settle(outcome: TickOutcome<M>): Promise<TickOutcome<M>> {
    const won: TickOutcome<M> = { finished: [], expired: [], progressed: [] };
    // Only what is still watched counts: a job cancelled during the tick is not reported.
    const take = (entry: WatchEntry<M>): WatchEntry<M> | undefined => {
      const key = watchKey(entry.kind, entry.id);
      const current = this.entries.get(key);
      if (current) this.entries.delete(key);
      return current;
    };
    for (const entry of outcome.expired) {
      const current = take(entry);
      if (current) won.expired.push(current);
    }
    for (const { entry, report } of outcome.finished) {
      const current = take(entry);
      if (current) won.finished.push({ entry: current, report });
    }
    for (const { entry, next, report, quiet } of outcome.progressed) {
      const current = this.entries.get(watchKey(entry.kind, entry.id));
      if (!current || (current.lastStatus === next.lastStatus && current.lastProgress === next.lastProgress && current.statusSince === next.statusSince)) continue;
      current.lastStatus = next.lastStatus;
      current.lastProgress = next.lastProgress;
      current.statusSince = next.statusSince;
      won.progressed.push({ entry: current, next: current, report, quiet });
    }
    if (won.expired.length + won.finished.length + won.progressed.length > 0) this.changed();
    return won;
  }

  async list(): Promise<Array<ListedEntry<M>>> {
    return [...this.entries.values()];
  }

  async close(): Promise<void> {
    // Nothing to leave: the list is this instance's own.
  }

  private changed(): void {
    this.onChange?.([...this.entries.values()]);
  }
}
