/** The idempotency ledger in the node's context, one key per order (persistent with a persistent store). */
import { LedgerEntry, LedgerStorage } from '../core/idempotency';
import { contextGet, contextSet } from './props';
import { Node } from './red';

const PREFIX = 'order_';

export function contextLedger(node: Node, store: string | undefined): LedgerStorage {
  const ctx = node.context();
  return {
    get: async (key) => (await contextGet(ctx, PREFIX + key, store)) as LedgerEntry | undefined,
    set: (key, entry) => contextSet(ctx, PREFIX + key, entry, store),
    keys: () =>
      new Promise((resolve, reject) =>
        ctx.keys(store, (err, keys) => (err ? reject(err) : resolve((keys ?? []).filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length))))),
      ),
  };
}
