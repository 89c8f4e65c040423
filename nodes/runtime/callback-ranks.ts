/**
 * The highest rank already output per subject (an order, say), kept in the
 * node's context beside the seen keys, so a callback that arrives late (an
 * earlier state, re-sent or delayed) never moves its subject backwards, even
 * across a restart with a persistent store. Pruned by age and capped in size.
 * With a shared state on the account, the ranks live in Redis instead
 * (`shared`), compared and recorded in one atomic step across instances.
 */
import { RankStore } from '../core/coordination';
import { contextGet, contextSet } from './props';
import { Node } from './red';

const MAX_SUBJECTS = 10_000;

type Saved = Record<string, [number, number]>;

export class SubjectRanks {
  private chain: Promise<unknown> = Promise.resolve();
  /** The shared ranks, when the account has a shared state (may throw: account missing, shared state refused). */
  shared?: () => RankStore | undefined;

  constructor(
    private readonly node: Node,
    private readonly windowMs: number,
    private readonly store: string | undefined,
    private readonly key = 'fulfillment-callback-ranks',
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * True when `rank` is not below the highest already admitted for `subject`
   * within the window; records the higher of the two. Off (always true) when
   * the window is 0.
   */
  admit(subject: string, rank: number): Promise<boolean> {
    if (this.windowMs <= 0 || !Number.isFinite(rank)) return Promise.resolve(true);
    let shared: RankStore | undefined;
    try {
      shared = this.shared?.();
    } catch (e) {
      return Promise.reject(e);
    }
    if (shared) return shared.admit(subject, rank, this.windowMs);
    // Serialised: two callbacks of one order arriving together must be compared one after the other.
    const run = async (): Promise<boolean> => {
      const ctx = this.node.context();
      const raw = (await contextGet(ctx, this.key, this.store)) as Saved | undefined;
      const now = this.now();
      const kept = Object.entries(raw && typeof raw === 'object' ? raw : {}).filter(
        ([, v]) => Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number' && now - v[1] < this.windowMs,
      );
      const at = kept.findIndex(([s]) => s === subject);
      const highest = at >= 0 ? kept[at][1][0] : undefined;
      if (highest !== undefined && rank < highest) return false;
      if (at >= 0) kept.splice(at, 1);
      kept.push([subject, [rank, now]]);
      kept.sort((a, b) => a[1][1] - b[1][1]);
      await contextSet(ctx, this.key, Object.fromEntries(kept.slice(-MAX_SUBJECTS)), this.store);
      return true;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
