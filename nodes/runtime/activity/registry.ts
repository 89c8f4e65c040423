/**
 * The activity registry: one per Node-RED runtime, where poll status nodes,
 * the repeat guards of the creating nodes and callback nodes report what
 * they do, and where the sidebar's admin endpoints read it. It only indexes
 * the nodes' own state: what must survive a restart lives in each node's
 * context (the watch list, attention rows, placed calls, callback log).
 */
import { Node } from '../red';
import { CallbackLog } from './callback-log';
import { CallLog } from './call-log';
import { PollTrack, SharedRecords, WatchSource } from './poll-track';
import { callAccess, callbackAccess, facetsOf, inflightAccess, page, sortInflight, sortNewestFirst } from './query';
import { CallbackRow, CallRow, Facets, InFlightRow, ListPage, ListQuery, Section, Summary } from './types';

/** A shared watch list (Redis) can change without an event here: it is read again after this long. */
const SHARED_LIST_MAX_AGE_MS = 2000;

export interface PollNodeOptions {
  source: WatchSource;
  /** The account's provider (read when needed: the account may be missing at first). */
  provider: () => string | undefined;
  /** The node's context store (its `contextStore` setting). */
  store?: string;
  /** The account's shared state, when it has one: rows needing attention are kept there. */
  sharedRecords?: SharedRecords;
}

export interface CallbackNodeOptions {
  provider: () => string | undefined;
  store?: string;
}

interface Snapshot<R> {
  version: number;
  at: number;
  rows: R[];
  facets: Facets;
}

type Closable = { nodeId: string; close(removed: boolean): Promise<void> };

export class ActivityRegistry {
  private versionNo = 0;
  /** Per section, so the editor reads again only the lists that changed. */
  private readonly sectionVersions: Record<Section, number> = { inflight: 0, placed: 0, callbacks: 0 };
  private readonly polls = new Map<string, PollTrack>();
  private readonly calls = new Map<string, CallLog>();
  private readonly callbacks = new Map<string, CallbackLog>();
  private readonly listeners = new Set<() => void>();
  private inflightSnap: Snapshot<InFlightRow> | undefined;
  private inflightBuilding: Promise<Snapshot<InFlightRow>> | undefined;
  private placedSnap: Snapshot<CallRow> | undefined;
  private callbackSnap: Snapshot<CallbackRow> | undefined;
  private sharedTimer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A shared watch list changes on other instances without an event here: while
   * a poll node has one, In flight counts as changed every 2 s, so an open
   * sidebar reads it again (and the live counts follow).
   */
  private watchShared(): void {
    if (this.sharedTimer || this.polls.size === 0) return;
    this.sharedTimer = setInterval(() => {
      if (this.polls.size === 0) {
        clearInterval(this.sharedTimer);
        this.sharedTimer = undefined;
        return;
      }
      if ([...this.polls.values()].some((t) => t.sharesList)) this.bump('inflight');
    }, SHARED_LIST_MAX_AGE_MS);
    this.sharedTimer.unref?.();
  }

  get version(): number {
    return this.versionNo;
  }

  /** Something in a section changed: its snapshot is stale, and listeners (the comms publisher) hear of it. */
  bump(section: Section): void {
    this.versionNo++;
    this.sectionVersions[section]++;
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A listener's failure must never reach the node that reported.
      }
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called by a poll status node once; the track unregisters itself when the node closes. */
  pollNode(node: Node, opts: PollNodeOptions): PollTrack {
    const track = new PollTrack(node, opts.source, opts.provider, opts.store, () => this.bump('inflight'), this.now, opts.sharedRecords);
    this.attach(node, this.polls, track, 'inflight');
    this.watchShared();
    return track;
  }

  /** Called by a node that creates things (behind a repeat guard). */
  callLog(node: Node, store?: string): CallLog {
    const log = new CallLog(node, store, () => this.bump('placed'), this.now);
    this.attach(node, this.calls, log, 'placed');
    return log;
  }

  callbackNode(node: Node, opts: CallbackNodeOptions): CallbackLog {
    const log = new CallbackLog(node, opts.provider, opts.store, () => this.bump('callbacks'), this.now);
    this.attach(node, this.callbacks, log, 'callbacks');
    return log;
  }

  private attach<T extends Closable>(node: Node, map: Map<string, T>, item: T, section: Section): void {
    map.set(node.id, item);
    this.bump(section);
    node.on('close', (removed: boolean, done: () => void) => {
      if (map.get(node.id) === item) map.delete(node.id);
      this.bump(section);
      item.close(removed).then(done, done);
    });
  }

  poll(nodeId: string): PollTrack | undefined {
    return this.polls.get(nodeId);
  }

  private fresh<R>(snap: Snapshot<R> | undefined, section: Section, maxAgeMs = Infinity): snap is Snapshot<R> {
    return !!snap && snap.version === this.sectionVersions[section] && this.now() - snap.at < maxAgeMs;
  }

  private async inflightSnapshot(): Promise<Snapshot<InFlightRow>> {
    if (this.fresh(this.inflightSnap, 'inflight', SHARED_LIST_MAX_AGE_MS)) return this.inflightSnap;
    // Concurrent page requests share one read of the watch lists.
    if (this.inflightBuilding) return this.inflightBuilding;
    const version = this.sectionVersions.inflight;
    this.inflightBuilding = (async () => {
      const lists = await Promise.all([...this.polls.values()].map((t) => t.rows().catch((): InFlightRow[] => [])));
      const rows = sortInflight(lists.flat());
      const snap = { version, at: this.now(), rows, facets: facetsOf(rows, inflightAccess) };
      this.inflightSnap = snap;
      return snap;
    })();
    try {
      return await this.inflightBuilding;
    } finally {
      this.inflightBuilding = undefined;
    }
  }

  private placedSnapshot(): Snapshot<CallRow> {
    if (!this.fresh(this.placedSnap, 'placed')) {
      const rows = sortNewestFirst([...this.calls.values()].flatMap((l) => l.rows()));
      this.placedSnap = { version: this.sectionVersions.placed, at: this.now(), rows, facets: facetsOf(rows, callAccess) };
    }
    return this.placedSnap;
  }

  private callbackSnapshot(): Snapshot<CallbackRow> {
    if (!this.fresh(this.callbackSnap, 'callbacks')) {
      const rows = sortNewestFirst([...this.callbacks.values()].flatMap((l) => l.rows()));
      this.callbackSnap = { version: this.sectionVersions.callbacks, at: this.now(), rows, facets: facetsOf(rows, callbackAccess) };
    }
    return this.callbackSnap;
  }

  async inflight(q: ListQuery): Promise<ListPage<InFlightRow>> {
    const snap = await this.inflightSnapshot();
    return page(snap.version, snap.rows, snap.facets, q, inflightAccess);
  }

  placed(q: ListQuery): ListPage<CallRow> {
    const snap = this.placedSnapshot();
    return page(snap.version, snap.rows, snap.facets, q, callAccess);
  }

  /** Every placed call that matches (no paging), for the CSV export. */
  placedAll(q: Omit<ListQuery, 'offset' | 'limit'>): CallRow[] {
    const snap = this.placedSnapshot();
    return page(snap.version, snap.rows, snap.facets, { ...q, offset: 0, limit: Infinity }, callAccess).rows;
  }

  callbackRows(q: ListQuery): ListPage<CallbackRow> {
    const snap = this.callbackSnapshot();
    return page(snap.version, snap.rows, snap.facets, q, callbackAccess);
  }

  /** The counts the live updates carry: read from the watch lists' lengths, without building the rows. */
  async summary(): Promise<Summary> {
    const version = this.versionNo;
    const sections = { ...this.sectionVersions };
    const counts = await Promise.all([...this.polls.values()].map((t) => t.counts().catch(() => ({ watched: 0, attention: 0 }))));
    const placed = this.placedSnapshot().rows;
    const callbacks = this.callbackSnapshot().rows;
    return {
      version,
      sections,
      inflight: counts.reduce((n, c) => n + c.watched + c.attention, 0),
      attention: counts.reduce((n, c) => n + c.attention, 0),
      placed: placed.length,
      unknown: placed.filter((r) => r.state === 'unknown').length,
      callbacks: callbacks.filter((r) => r.type === 'event').length,
      refusals: callbacks.filter((r) => r.type === 'refusal').length,
    };
  }
}

/**
 * The runtime's one registry. Node-RED loads every node file and the sidebar
 * plugin from this package's one copy, so they all meet here.
 */
export const activity = new ActivityRegistry();
