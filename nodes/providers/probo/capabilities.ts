/** Probo as seen by the shared nodes: orders, order status, callbacks. */
import { Capabilities } from '../../core/capabilities';
import { PollReport, PollVerdict } from '../../core/poller';
import { ProboClient } from './client';
import { checkOrder, orderIds } from './validate';
import { parseProboCallback } from './callbacks';
import { ProboOrderRequest } from './types';

const VERDICTS: Record<string, PollVerdict> = {
  delivered: 'done',
  canceled: 'failed',
  cancelled: 'failed',
  not_accepted: 'failed',
};

const REASONS: Record<string, string> = {
  canceled: 'the order was canceled (test orders are canceled on receipt)',
  cancelled: 'the order was canceled (test orders are canceled on receipt)',
  not_accepted: 'Probo did not accept the order',
};

export function proboCapabilities(client: ProboClient): Capabilities {
  return {
    probe: async () => {
      await client.probe();
      return `connected${client.testMode ? '; test mode: orders are sent as order_type "test"' : ''}`;
    },
    order: {
      prepare: (input) => client.orderBody(checkOrder(input, 'msg.payload')),
      async place(prepared, signal) {
        const body = prepared as ProboOrderRequest;
        const answer = await client.placeOrder(body, signal);
        return {
          payload: answer,
          fields: { order: { id: body.id, ...(body.reference !== undefined ? { reference: body.reference } : {}), order_type: body.order_type ?? 'production' } },
        };
      },
    },
    status: {
      targets: (input) => orderIds(input, 'msg.payload'),
      async fetch(_kind, ids): Promise<PollReport[]> {
        const statuses = await client.orderStatus(ids);
        return statuses.map((s) => ({
          id: String(s.id),
          status: s.status,
          verdict: VERDICTS[s.status] ?? 'pending',
          reason: REASONS[s.status],
          raw: s,
        }));
      },
    },
    callback: {
      parse: (body, kind) => parseProboCallback(body, kind),
    },
  };
}
