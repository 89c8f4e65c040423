/** The PostGreen client of a node's account, or a clear error for a missing account or another provider. */
import type { PostgreenClient } from '../providers/postgreen/client';
import { accountOf, providerClient } from './account-ref';
import { NodeAPI } from './red';

export function postgreenClient(RED: NodeAPI, accountId: unknown, action: string): PostgreenClient {
  return providerClient<PostgreenClient>(accountOf(RED, accountId), 'postgreen', action);
}
