/**
 * A short list kept in a node's context (so with a persistent store it
 * survives a restart), capped in length and age. Writes are batched: a burst
 * of changes is one context write, and a close writes what is pending.
 */
import { contextGet, contextSet } from '../props';
import { Node } from '../red';

const SAVE_DELAY_MS = 500;

export interface ListLimits<T> {
  max: number;
  maxAgeMs?: number;
  ageOf?: (item: T) => number;
  /** Items read back from the context are checked: a hand-edited or foreign value is skipped. */
  valid: (item: unknown) => item is T;
}

export class PersistedList<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly node: Node,
    private readonly key: string,
    private readonly store: string | undefined,
    private readonly limits: ListLimits<T>,
    private readonly onLoad: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.ready = contextGet(node.context(), key, store)
      .then((saved) => {
        if (this.closed || !Array.isArray(saved)) return;
        // What arrived while loading comes after what was saved.
        this.items = [...saved.filter(limits.valid), ...this.items];
        this.trim();
        this.onLoad();
      })
      .catch((e) => node.warn(`could not read ${key} from the context: ${(e as Error).message}`));
  }

  all(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    this.items.push(item);
    this.trim();
    this.changed();
  }

  /** Removes the items the test matches; true when any was removed. */
  remove(test: (item: T) => boolean): boolean {
    const before = this.items.length;
    this.items = this.items.filter((i) => !test(i));
    if (this.items.length === before) return false;
    this.changed();
    return true;
  }

  /** After an item was changed in place. */
  changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, SAVE_DELAY_MS);
  }

  /** Writes what is pending; a removed node's context is gone, so nothing is written then. */
  close(removed: boolean): Promise<void> {
    this.closed = true;
    const pending = this.timer !== undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return pending && !removed ? this.write() : Promise.resolve();
  }

  private trim(): void {
    const { max, maxAgeMs, ageOf } = this.limits;
    if (maxAgeMs && ageOf) {
      const oldest = this.now() - maxAgeMs;
      if (this.items.length > 0 && ageOf(this.items[0]) < oldest) this.items = this.items.filter((i) => ageOf(i) >= oldest);
    }
    // Cut back in steps, not on every push: a full list would otherwise be copied per item.
    if (this.items.length > max + Math.max(10, Math.floor(max / 10))) this.items = this.items.slice(this.items.length - max);
  }

  private save(): void {
    this.write().catch(() => undefined);
  }

  private write(): Promise<void> {
    this.trim();
    return contextSet(this.node.context(), this.key, this.items.slice(), this.store).catch((e) => {
      this.node.warn(`could not save ${this.key} to the context: ${(e as Error).message}`);
    });
  }
}
