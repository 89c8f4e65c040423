/** PostGreen as seen by the shared nodes: probe, job and delivery status, shipment webhooks, operations, live lists. */
import { bindOperations, Capabilities, Choice } from '../../core/capabilities';
import { FulfillmentError, invalidInput } from '../../core/errors';
import { PostgreenClient } from './client';
import { jobIdsFrom } from './jobs';
import { POSTGREEN_OPERATIONS } from './operations';
import { catalogueView } from './profile';
import { fetchReports, StatusSettings } from './status';
import { parseShipmentEvent } from './webhook';

export { jobIdsFrom, jobIdValue } from './jobs';
export { parseShipmentEvent } from './webhook';
export { jobReport, createdReport, deliveriesReport, noDeliveryReport } from './status';

/** The guide: "you can ask each 2 or 3 minutes". */
export const POSTGREEN_POLL_INTERVAL_MS = 120_000;
/**
 * How long a job may stay in PACK_GROUP_CREATED (or stay without deliveries
 * once processed) before it needs attention. The samples page says about 2
 * minutes for a single document; 10 minutes leaves room for jobs of several
 * documents and for the 2-minute poll interval, which alone can make a job
 * look 2 minutes older than it is.
 */
export const POSTGREEN_PACK_GROUP_WAIT_S = 600;

/** Live lists for the editor: services, boxes, channel labels, options. Reads only; ids and names, never a credential. */
export function postgreenChoices(client: PostgreenClient): Record<string, () => Promise<Choice[]>> {
  return {
    services: async () => (await client.profile()).services.map((s) => ({ value: String(s.id), label: s.name === String(s.id) ? s.name : `${s.name} (${s.id})` })),
    boxes: async () => (await client.profile()).services.flatMap((s) => s.boxes.map((b) => ({ value: b.id, label: `${b.name}${b.type ? ` [${b.type}]` : ''} (${b.id}) · ${s.name}` }))),
    channels: async () => (await client.profile()).services.flatMap((s) => s.channels.map((c) => ({ value: c.label, label: `${c.name ?? c.label} (${c.label}) · ${s.name}` }))),
    options: async () => {
      const view = catalogueView(await client.optionCatalogue());
      return Object.entries(view.optionsByName).flatMap(([type, { values }]) => Object.entries(values).map(([value, id]) => ({ value: `${type}:${value}`, label: `${type} = ${value} (id ${id})` })));
    },
  };
}

export function postgreenCapabilities(client: PostgreenClient, settings: StatusSettings = { packGroupWaitMs: POSTGREEN_PACK_GROUP_WAIT_S * 1000 }): Capabilities {
  return {
    probe: async () => {
      const profile = await client.authenticate();
      return `connected; ${profile.services.length} service(s): ${profile.services.map((s) => s.name).join(', ')}`.replace(/: $/, '');
    },
    status: {
      targets: (input) => jobIdsFrom(input, 'msg.payload'),
      fetch: (kind, ids) => fetchReports(client, kind, ids, settings),
    },
    callback: {
      parse(body, kind) {
        if (kind !== undefined && kind !== '' && kind !== 'shipment') {
          throw new FulfillmentError({ provider: 'postgreen', kind: 'config', field: 'kind', message: `postgreen: sends "shipment" callbacks only, not "${kind}"` });
        }
        if (Array.isArray(body)) {
          if (body.length === 0) throw invalidInput('body', 'an empty list is not a shipment event', 'postgreen');
          return body.map((b, i) => parseShipmentEvent(b, `body[${i}]`));
        }
        return [parseShipmentEvent(body)];
      },
    },
    operations: bindOperations(POSTGREEN_OPERATIONS, client),
    choices: postgreenChoices(client),
  };
}
