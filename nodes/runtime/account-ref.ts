/** Finding an action node's account, its provider and the capability or client it needs. */
import { Capabilities } from '../core/capabilities';
import { ProviderDescriptor, ProviderHandle } from '../core/descriptor';
import { FulfillmentError } from '../core/errors';
import { descriptors } from '../providers';
import { Node, NodeAPI } from './red';

export interface AccountNode extends Node {
  provider: string;
  descriptor: ProviderDescriptor | undefined;
  /** The id of the `fulfillment-shared-state` node this account's nodes coordinate through, if any. */
  sharedStateId?: string;
  /** The account's one provider client, created on first use. */
  handle(): ProviderHandle;
}

export function accountOf(RED: NodeAPI, accountId: unknown): AccountNode {
  const account = typeof accountId === 'string' && accountId !== '' ? (RED.nodes.getNode(accountId) as AccountNode | null) : null;
  if (!account || typeof account.handle !== 'function') {
    throw new FulfillmentError({ kind: 'config', field: 'account', message: 'no fulfillment account is selected on this node (or it is disabled); open the node and choose one' });
  }
  return account;
}

/** The providers whose descriptor says they serve this capability or node type. */
export function providersFor(need: keyof Capabilities | string): string[] {
  return descriptors().filter((d) => serves(d, need)).map((d) => d.name);
}

function serves(d: ProviderDescriptor, need: string): boolean {
  const c = d.capabilities;
  switch (need) {
    case 'order':
    case 'result':
      return c[need];
    case 'status':
    case 'callback':
    case 'operations':
      return c[need].length > 0;
    default:
      return c.nodes.includes(need);
  }
}

function refuse(account: AccountNode, need: string, action: string): FulfillmentError {
  const able = providersFor(need);
  return new FulfillmentError({
    kind: 'unsupported',
    provider: account.provider,
    field: 'account',
    message: `${account.provider}: this provider cannot ${action}; choose an account of ${able.length > 0 ? able.join(', ') : 'another provider'}`,
  });
}

export function capabilityOf<K extends keyof Capabilities>(account: AccountNode, key: K, action: string): NonNullable<Capabilities[K]> {
  const cap = account.handle().capabilities[key];
  if (!cap) throw refuse(account, key, action);
  return cap as NonNullable<Capabilities[K]>;
}

/**
 * The typed client for a node that makes provider-specific calls; refused,
 * naming the providers that can, when the account's descriptor does not list
 * the node type.
 */
export function clientFor<T>(RED: NodeAPI, accountId: unknown, nodeType: string, action: string): T {
  const account = accountOf(RED, accountId);
  if (!account.descriptor || !serves(account.descriptor, nodeType)) throw refuse(account, nodeType, action);
  return account.handle().client as T;
}
