/** Probo as seen by the shared nodes: orders, order status, callbacks, operations. */
import { bindOperations, Capabilities, OrderCapability } from '../../core/capabilities';
import { PollReport } from '../../core/poller';
import { ProboClient } from './client';
import { orderIds } from './validate';
import { parseProboCallback } from './callbacks';
import { readState } from './states';
import { PROBO_OPERATIONS, productChoices } from './operations';
import { ProboOrderStatus, ProboPreparedOrder } from './types';
import { isPlainObject } from '../../core/validate';

/** Track & trace of a status entry: its `packages` that carry a tracking URL or code. */
function trackingOf(raw: Record<string, unknown>): Array<Record<string, unknown>> {
  const packages = Array.isArray(raw.packages) ? raw.packages.filter(isPlainObject) : [];
  return packages.filter((p) => p.tracking_url !== undefined || p.tracking_code !== undefined);
}

/** An order Probo's status answer does not list: right after ordering it may still be queued. */
function notFound(id: string): PollReport {
  return {
    id,
    status: 'not_found',
    verdict: 'pending',
    reason: 'Probo does not list this order (yet): it may still be queued, or the id is wrong; still watching until the maximum wait',
    raw: { id, orders: [] },
  };
}

function report(s: ProboOrderStatus): PollReport {
  const message = s.raw.message ?? s.raw.status_message ?? s.raw.error;
  const state = readState(s.status, message);
  const tracking = trackingOf(s.raw);
  const fields: Record<string, unknown> = {};
  if (state.duplicate) fields.duplicate = true;
  if (tracking.length > 0) fields.tracking = tracking;
  return { id: String(s.id), status: state.status, verdict: state.verdict, reason: state.reason, raw: s.raw, ...(Object.keys(fields).length > 0 ? { fields } : {}) };
}

export function proboCapabilities(client: ProboClient): Capabilities {
  const order: OrderCapability<ProboPreparedOrder> = {
    prepare: (input) => client.prepareOrder(input, 'msg.payload'),
    async place(body, signal) {
      const answer = await client.sendOrder(body, signal);
      const reference = answer.order?.reference ?? body.reference;
      return {
        payload: answer,
        fields: {
          order: {
            id: answer.order?.id ?? body.id,
            ...(reference !== undefined && reference !== null ? { reference } : {}),
            order_type: body.order_type ?? 'production',
            status: readState(answer.status).status,
          },
        },
      };
    },
  };
  return {
    probe: async () => {
      await client.probe();
      return `connected (${client.authScheme === 'basic' ? 'Basic' : 'Bearer'})${client.testMode ? '; test mode: orders are sent as order_type "test"' : ''}`;
    },
    order: order as OrderCapability,
    status: {
      targets: (input) => orderIds(input, 'msg.payload'),
      async fetch(_kind, ids): Promise<PollReport[]> {
        const statuses = await client.orderStatus(ids);
        const byId = new Map<string, ProboOrderStatus>();
        for (const s of statuses) if (!byId.has(String(s.id))) byId.set(String(s.id), s);
        return ids.map((id) => {
          const s = byId.get(id);
          return s ? report(s) : notFound(id);
        });
      },
    },
    callback: {
      parse: (body, kind) => parseProboCallback(body, kind),
    },
    operations: bindOperations(PROBO_OPERATIONS, client),
    choices: { products: () => productChoices(client) },
  };
}
