/** The idempotency ledger kept in the node's context (persistent with a persistent store). */
import { Ledger, LedgerStorage } from '../core/idempotency';
import { contextGet, contextSet } from './props';
import { Node } from './red';

export function contextLedger(node: Node, store: string | undefined, key = 'fulfillment-orders'): LedgerStorage {
  const ctx = node.context();
  return {
    load: async () => (await contextGet(ctx, key, store)) as Ledger | undefined,
    save: (ledger) => contextSet(ctx, key, ledger, store),
  };
}
