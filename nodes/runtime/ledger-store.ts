/** The idempotency ledger in the node's context, one key per order (persistent with a persistent store). */
import { createHash } from 'crypto';
import { LedgerEntry, LedgerStorage } from '../core/idempotency';
import { contextGet, contextSet } from './props';
import { Node } from './red';

/**
 * Context keys are property expressions (dots, spaces and brackets mean
 * something), so a user's msg.idempotencyKey is stored under its hash unless
 * it is a plain word. A stored name maps to itself, which lets the sweep pass
 * listed keys straight back.
 */
function storedName(key: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(key) ? key : `h${createHash('sha256').update(key).digest('hex')}`;
}

export function contextLedger(node: Node, store: string | undefined, prefix = 'order_'): LedgerStorage {
  const ctx = node.context();
  return {
    get: async (key) => (await contextGet(ctx, prefix + storedName(key), store)) as LedgerEntry | undefined,
    set: (key, entry) => contextSet(ctx, prefix + storedName(key), entry, store),
    keys: () =>
      new Promise((resolve, reject) =>
        ctx.keys(store, (err, keys) => (err ? reject(err) : resolve((keys ?? []).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))))),
      ),
  };
}
