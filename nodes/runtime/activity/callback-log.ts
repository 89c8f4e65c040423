/**
 * What one callback node received: the last events (each once; repeats are
 * counted on the event's row) and the last refusals (wrong secret, bad body…),
 * so a misconfigured provider shows up. Never the URL (it holds the secret),
 * never a body.
 */
import { Node } from '../red';
import { PersistedList } from './persisted-list';
import { CallbackRow } from './types';

export interface CallbackEventRecord {
  /** The account's provider when not given. */
  provider?: string;
  kind?: string;
  id?: string;
  status?: string;
  dedupeKey: string;
}

interface StoredEvent {
  at: number;
  lastAt: number;
  provider?: string;
  kind?: string;
  id?: string;
  status?: string;
  repeats: number;
  dedupeKey: string;
}

interface StoredRefusal {
  at: number;
  httpStatus: number;
  reason: string;
  provider?: string;
  from?: string;
}

const MAX_EVENTS = 200;
const MAX_REFUSALS = 50;

function isEvent(x: unknown): x is StoredEvent {
  const e = x as StoredEvent;
  return !!e && typeof e === 'object' && typeof e.at === 'number' && typeof e.dedupeKey === 'string' && typeof e.repeats === 'number';
}

function isRefusal(x: unknown): x is StoredRefusal {
  const r = x as StoredRefusal;
  return !!r && typeof r === 'object' && typeof r.at === 'number' && typeof r.httpStatus === 'number' && typeof r.reason === 'string';
}

const text = (s: string | undefined, max = 200): string | undefined => (s === undefined || s === '' ? undefined : s.slice(0, max));

export class CallbackLog {
  private readonly events: PersistedList<StoredEvent>;
  private readonly refusals: PersistedList<StoredRefusal>;
  private provider = '';

  constructor(
    private readonly node: Node,
    private readonly providerOf: () => string | undefined,
    store: string | undefined,
    private readonly bump: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.events = new PersistedList<StoredEvent>(node, 'fulfillment-callback-events', store, { max: MAX_EVENTS, valid: isEvent }, bump, now);
    this.refusals = new PersistedList<StoredRefusal>(node, 'fulfillment-callback-refusals', store, { max: MAX_REFUSALS, valid: isRefusal }, bump, now);
  }

  get nodeId(): string {
    return this.node.id;
  }

  private providerName(): string | undefined {
    if (!this.provider) {
      try {
        this.provider = this.providerOf() ?? '';
      } catch {
        // No usable account: refusals are still listed, without a provider.
      }
    }
    return this.provider || undefined;
  }

  event(e: CallbackEventRecord): void {
    const at = this.now();
    this.events.push({ at, lastAt: at, provider: e.provider ?? this.providerName(), kind: text(e.kind, 60), id: text(e.id), status: text(e.status, 60), repeats: 0, dedupeKey: e.dedupeKey });
    this.bump();
  }

  /** A delivery of an event already output: counted on its row, not listed. */
  repeat(dedupeKey: string): void {
    const all = this.events.all();
    for (let i = all.length - 1; i >= 0; i--) {
      if (all[i].dedupeKey === dedupeKey) {
        all[i].repeats++;
        all[i].lastAt = this.now();
        this.events.changed();
        this.bump();
        return;
      }
    }
  }

  refused(httpStatus: number, reason: string, from?: string): void {
    this.refusals.push({ at: this.now(), httpStatus, reason: reason.slice(0, 300), provider: this.providerName(), ...(from ? { from: from.slice(0, 100) } : {}) });
    this.bump();
  }

  rows(): CallbackRow[] {
    const node = this.node.id;
    const nodeName = this.node.name || undefined;
    const out: CallbackRow[] = [];
    this.events.all().forEach((e, i) => {
      out.push({ key: `${node}:e:${e.at}:${i}`, type: 'event', at: e.at, lastAt: e.lastAt, node, nodeName, provider: e.provider ?? this.providerName(), kind: e.kind, id: e.id, status: e.status, repeats: e.repeats });
    });
    this.refusals.all().forEach((r, i) => {
      out.push({ key: `${node}:r:${r.at}:${i}`, type: 'refusal', at: r.at, lastAt: r.at, node, nodeName, provider: r.provider ?? this.providerName(), httpStatus: r.httpStatus, reason: r.reason, from: r.from });
    });
    return out;
  }

  close(removed: boolean): Promise<void> {
    return Promise.all([this.events.close(removed), this.refusals.close(removed)]).then(() => undefined);
  }
}
