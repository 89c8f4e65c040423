/** ARRI Webgate as seen by the shared nodes: place order, order status, connection test. */
import { bindOperations, Capabilities } from '../../core/capabilities';
import { FulfillmentError } from '../../core/errors';
import { PollReport, PollVerdict } from '../../core/poller';
import { ArriClient } from './client';
import { ArriOrder, ArriOrderRequest } from './types';
import { checkOrder, orderHashes } from './validate';
import { ARRI_OPERATIONS } from './operations';
import { packingErrors, stateOf } from './state';

/**
 * `need_human` is not an end: ARRI's guide says to "come back and check, if
 * order is in packed state, yet" (its staff pack it by hand), so the order
 * stays watched and reports it as progress with the reason.
 */
const VERDICTS: Record<string, PollVerdict> = {
  pending: 'pending',
  packing: 'pending',
  packed: 'done',
  has_packing_errors: 'failed',
  need_human: 'pending',
};

export function reportOf(order: ArriOrder): PollReport {
  const status = stateOf(order);
  const verdict = VERDICTS[status] ?? 'pending';
  let reason: string | undefined;
  if (status === 'has_packing_errors') reason = packingErrors(order.packing_errors) ?? 'packing failed (ARRI gave no explanation)';
  if (status === 'need_human') reason = 'the order cannot be packed automatically; ARRI packs it by hand: still watching until it is packed (or Give up after)';
  return { id: order.order_hash, status, verdict, reason, raw: order };
}

export function arriCapabilities(client: ArriClient): Capabilities {
  return {
    async probe() {
      if (client.tokens) {
        await client.login();
        return 'connected; logged in with the password grant';
      }
      // No list call exists: ask for an order that cannot exist; 404 proves the token was accepted.
      try {
        await client.getOrder('0000000000000000');
        return 'connected; the access token was accepted';
      } catch (e) {
        if (e instanceof FulfillmentError && e.status === 404) return 'connected; the access token was accepted';
        throw e;
      }
    },
    order: {
      prepare: (input) => ({ order: checkOrder(input, 'msg.payload') }),
      async place(prepared) {
        const order = await client.createOrder((prepared as { order: ArriOrderRequest }).order);
        return { payload: order, fields: { order_hash: order.order_hash } };
      },
    },
    operations: bindOperations(ARRI_OPERATIONS, client),
    status: {
      targets: (input) => orderHashes(input, 'msg.payload'),
      async fetch(_kind, ids): Promise<PollReport[]> {
        // One GET per order: the API has no batch read.
        return Promise.all(
          ids.map(async (id) => {
            try {
              return reportOf(await client.getOrder(id));
            } catch (e) {
              if (e instanceof FulfillmentError && e.status === 404) {
                return { id, status: 'not_found', verdict: 'failed' as const, reason: `ARRI knows no order ${id}`, raw: e.response };
              }
              throw e;
            }
          }),
        );
      },
    },
  };
}
