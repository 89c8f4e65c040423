/**
 * Callback events already output, kept in the node's context (so with a
 * persistent store, repeats stay dropped across a restart), pruned by age and
 * capped in size. With a shared state on the account, the marks live in Redis
 * instead (`shared`), set atomically, so an event delivered to several
 * instances is output by one.
 */
import { SeenStore } from '../core/coordination';
import { contextGet, contextSet } from './props';
import { Node } from './red';

const MAX_KEYS = 10_000;

export class SeenKeys {
  private chain: Promise<unknown> = Promise.resolve();
  /** The shared marks, when the account has a shared state (may throw: account missing, shared state refused). */
  shared?: () => SeenStore | undefined;

  constructor(
    private readonly node: Node,
    private readonly windowMs: number,
    private readonly store: string | undefined,
    private readonly key = 'fulfillment-callback-seen',
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is offered within the window; records it. */
  first(dedupeKey: string): Promise<boolean> {
    if (this.windowMs <= 0) return Promise.resolve(true);
    let shared: SeenStore | undefined;
    try {
      shared = this.shared?.();
    } catch (e) {
      return Promise.reject(e);
    }
    if (shared) return shared.first(dedupeKey, this.windowMs);
    // Serialised: two deliveries of the same event arriving together must not both pass.
    const run = async (): Promise<boolean> => {
      const ctx = this.node.context();
      const saved = (await contextGet(ctx, this.key, this.store)) as Record<string, number> | undefined;
      const now = this.now();
      const kept = Object.entries(saved && typeof saved === 'object' ? saved : {})
        .filter(([, at]) => typeof at === 'number' && now - at < this.windowMs)
        .sort((a, b) => a[1] - b[1]);
      if (kept.some(([k]) => k === dedupeKey)) return false;
      kept.push([dedupeKey, now]);
      await contextSet(ctx, this.key, Object.fromEntries(kept.slice(-MAX_KEYS)), this.store);
      return true;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
