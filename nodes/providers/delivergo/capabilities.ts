/** delivergo as seen by the shared nodes: only a connection test; Resale Units have their own node. */
import { Capabilities } from '../../core/capabilities';
import { DelivergoClient } from './client';

export function delivergoCapabilities(client: DelivergoClient): Capabilities {
  return {
    probe: async () => `connected (${client.format.toUpperCase()}); ${(await client.list()).length} resale units`,
  };
}
