/**
 * The creating calls one node sent (orders, jobs, deliveries, changing
 * operations), kept for a week in the node's context so the sidebar can list
 * them and export them for reconciliation with the provider's invoices.
 */
import { Node } from '../red';
import { PersistedList } from './persisted-list';
import { CallRow, CallState } from './types';

export interface CallRecord {
  provider: string;
  operation: string;
  state: CallState;
  providerId?: string;
  reference?: string;
  idempotencyKey?: string;
  message?: string;
}

const KEY = 'fulfillment-calls';
const MAX_CALLS = 2000;
export const CALLS_KEPT_MS = 7 * 24 * 3600_000;
const STATES: readonly string[] = ['placed', 'failed', 'unknown'];

function isCall(x: unknown): x is CallRow {
  const c = x as CallRow;
  return !!c && typeof c === 'object' && typeof c.key === 'string' && typeof c.at === 'number' && typeof c.operation === 'string' && STATES.includes(c.state);
}

export class CallLog {
  private readonly list: PersistedList<CallRow>;
  private seq = 0;

  constructor(private readonly node: Node, store: string | undefined, private readonly bump: () => void, private readonly now: () => number = Date.now) {
    this.list = new PersistedList<CallRow>(node, KEY, store, { max: MAX_CALLS, maxAgeMs: CALLS_KEPT_MS, ageOf: (c) => c.at, valid: isCall }, bump, now);
  }

  get nodeId(): string {
    return this.node.id;
  }

  add(record: CallRecord): void {
    const at = this.now();
    const row: CallRow = {
      key: `${this.node.id}:${at.toString(36)}:${(this.seq++).toString(36)}`,
      at,
      provider: record.provider,
      node: this.node.id,
      operation: record.operation,
      state: record.state,
    };
    if (record.providerId) row.providerId = record.providerId;
    if (record.reference) row.reference = record.reference;
    if (record.idempotencyKey) row.idempotencyKey = record.idempotencyKey.slice(0, 200);
    if (record.message) row.message = record.message.slice(0, 500);
    this.list.push(row);
    this.bump();
  }

  rows(): CallRow[] {
    const nodeName = this.node.name || undefined;
    return this.list.all().map((r) => ({ ...r, node: this.node.id, nodeName }));
  }

  close(removed: boolean): Promise<void> {
    return this.list.close(removed);
  }
}
