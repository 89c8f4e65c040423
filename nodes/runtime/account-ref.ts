/** Finding an action node's account and the capability it needs. */
import { Capabilities } from '../core/capabilities';
import { FulfillmentError } from '../core/errors';
import { ProviderHandle, ProviderName } from '../providers';
import { Node, NodeAPI } from './red';

export interface AccountNode extends Node {
  provider: ProviderName;
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

export function capabilityOf<K extends keyof Capabilities>(account: AccountNode, key: K, action: string): NonNullable<Capabilities[K]> {
  const cap = account.handle().capabilities[key];
  if (!cap) {
    throw new FulfillmentError({ kind: 'unsupported', provider: account.provider, field: 'account', message: `${account.provider}: this provider cannot ${action}; choose an account of another provider` });
  }
  return cap as NonNullable<Capabilities[K]>;
}

/** The typed client of a provider-specific node's account, or a clear error for another provider. */
export function providerClient<T>(account: AccountNode, provider: ProviderName, action: string): T {
  if (account.provider !== provider) {
    throw new FulfillmentError({ kind: 'unsupported', provider: account.provider, field: 'account', message: `${account.provider}: this node can only ${action} with a ${provider} account` });
  }
  return account.handle().client as T;
}
