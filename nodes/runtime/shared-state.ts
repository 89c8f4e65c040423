/**
 * Which coordination a node uses: its account's shared state (several
 * Node-RED instances, through Redis) when the account names one, otherwise
 * the node's own context, as with one Node-RED. An account that names a
 * shared state which is missing is refused, never quietly run alone: that
 * would break the promise of ordering once across instances.
 */
import { ClaimStore, Coordination, RankStore, SeenStore } from '../core/coordination';
import { FulfillmentError } from '../core/errors';
import { GuardWording, IdempotencyGuard } from '../core/idempotency';
import { AccountNode } from './account-ref';
import { contextLedger } from './ledger-store';
import { Node, NodeAPI } from './red';

/** The config node `fulfillment-shared-state`, as the other nodes see it. */
export interface SharedStateNode extends Node {
  /** Where the state lives (`redis://host:port/db`), never with credentials. */
  label: string;
  coordination(): Coordination;
}

export function coordinationOf(RED: NodeAPI, account: AccountNode): Coordination | undefined {
  const id = account.sharedStateId;
  if (!id) return undefined;
  const shared = RED.nodes.getNode(id) as SharedStateNode | null;
  if (!shared || typeof shared.coordination !== 'function') {
    throw new FulfillmentError({
      kind: 'config',
      field: 'sharedState',
      provider: account.provider,
      message: `the account "${account.name || account.provider}" names a shared state that is missing or disabled; nothing is sent until it is fixed (or removed from the account)`,
    });
  }
  return shared.coordination();
}

/** One guard per coordination: the node's context, or each shared state it has used since the deploy. */
function guardCache(node: Node, windowMs: number, wording?: GuardWording): (coordination: Coordination) => IdempotencyGuard {
  const shared = new WeakMap<Coordination, IdempotencyGuard>();
  return (coordination) => {
    let guard = shared.get(coordination);
    if (!guard) {
      const store: ClaimStore = coordination.claims(node.id);
      guard = new IdempotencyGuard(store, windowMs, undefined, wording);
      shared.set(coordination, guard);
    }
    return guard;
  };
}

/**
 * The repeat guard of a node that creates or changes things, for the account
 * at hand: claims in Redis when the account has a shared state, in the node's
 * context otherwise. `wording` names what a refusal is about (default: an order).
 */
export function repeatGuards(
  RED: NodeAPI,
  node: Node,
  opts: { windowMs: number; contextStore?: string; ledgerPrefix?: string; wording?: GuardWording },
): (account: AccountNode) => IdempotencyGuard {
  let local: IdempotencyGuard | undefined;
  const sharedGuard = guardCache(node, opts.windowMs, opts.wording);
  return (account) => {
    const coordination = coordinationOf(RED, account);
    if (coordination) return sharedGuard(coordination);
    local ??= new IdempotencyGuard(contextLedger(node, opts.contextStore, opts.ledgerPrefix), opts.windowMs, undefined, opts.wording);
    return local;
  };
}

/** The callback node's first-seen marks in Redis, or undefined without a shared state. */
export function sharedSeen(RED: NodeAPI, account: AccountNode, scope: string): SeenStore | undefined {
  return coordinationOf(RED, account)?.seen(scope);
}

/** The callback node's ranks per subject in Redis, or undefined without a shared state. */
export function sharedRanks(RED: NodeAPI, account: AccountNode, scope: string): RankStore | undefined {
  return coordinationOf(RED, account)?.ranks(scope);
}
