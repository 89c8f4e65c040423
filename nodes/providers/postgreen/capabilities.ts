/** PostGreen as seen by the shared nodes: probe, job and delivery status, shipment webhooks. */
import { CallbackEvent, Capabilities } from '../../core/capabilities';
import { FulfillmentError, invalidInput } from '../../core/errors';
import { PollReport } from '../../core/poller';
import { isPlainObject } from '../../core/validate';
import { PostgreenClient } from './client';
import { notEligibleCount } from './parse';
import { idString } from './profile';
import { PostgreenDelivery, PostgreenEventType, PostgreenJob, PostgreenShipmentEvent } from './types';

/** The seed: "you can ask each 2 or 3 minutes". */
export const POSTGREEN_POLL_INTERVAL_MS = 120_000;
const JOB_DONE = new Set(['PACK_GROUP_CREATED', 'CREATED']);
const DELIVERY_FAILED = /ERROR|FAIL|CANCEL|REJECT/i;
const EVENT_TYPES: readonly PostgreenEventType[] = ['SHIPMENT_STATUS', 'TRACKING_TEXT', 'TRACKING_FILE'];

export function jobReport(job: PostgreenJob): PollReport {
  const base = { id: job.jobId, status: job.status, raw: job };
  if (job.status === 'PROCESSING_ERROR') return { ...base, verdict: 'failed', reason: 'the files are not correct (impossible to split, to extract content...)' };
  if (!JOB_DONE.has(job.status)) return { ...base, verdict: 'pending' };
  const bad = notEligibleCount(job);
  if (bad > 0) return { ...base, verdict: 'attention', reason: `${bad} pack group(s) NOT_ELIGIBLE: list them with edit packgroup and fix them` };
  return { ...base, verdict: 'done' };
}

/**
 * The seed: with one pack group, look at packGroupCountPerStates; with N
 * documents, read the pack groups. When a finished job's answer carries no
 * counts, they are made from its pack groups.
 */
async function withPackGroupCounts(client: PostgreenClient, job: PostgreenJob): Promise<PostgreenJob> {
  if (!JOB_DONE.has(job.status) || job.packGroupCountPerStates) return job;
  const counts: Record<string, number> = {};
  for (const pg of await client.jobPackGroups(job.jobId)) counts[pg.status] = (counts[pg.status] ?? 0) + 1;
  return { ...job, packGroupCountPerStates: counts };
}

export function deliveriesReport(jobId: string, deliveries: PostgreenDelivery[]): PollReport {
  const total = deliveries.length;
  const outputted = deliveries.filter((d) => d.status === 'OUTPUTTED').length;
  const statuses = [...new Set(deliveries.map((d) => d.status))].sort();
  const base = { id: jobId, raw: deliveries, progress: { current: outputted, total } };
  if (total === 0) return { ...base, verdict: 'pending', status: 'NO_DELIVERY', reason: 'no delivery yet (if this lasts, check the pack groups: probably an incorrect address)' };
  const failed = deliveries.filter((d) => DELIVERY_FAILED.test(d.status));
  if (failed.length > 0) return { ...base, verdict: 'failed', status: failed[0].status, reason: `delivery ${failed.map((d) => d.id).join(', ')} ended in ${failed[0].status}` };
  if (outputted === total) return { ...base, verdict: 'done', status: 'OUTPUTTED' };
  // READY counts as progress: the deliveries wait for their output triggers.
  return { ...base, verdict: 'pending', status: statuses.join('+') };
}

/** Job ids from a string, an array, `{jobId}` or a create job answer. */
export function jobIdsFrom(input: unknown, field: string): string[] {
  const one = (x: unknown): unknown => (isPlainObject(x) ? x.jobId ?? (isPlainObject(x.result) ? x.result.jobId : undefined) ?? x.id : x);
  const list = Array.isArray(input) ? input.map(one) : [one(input)];
  if (list.length === 0) throw invalidInput(field, 'expected a job id, an array of them or {jobId}', 'postgreen');
  return [...new Set(list.map((x, i) => {
    const id = idString(x);
    if (!id || !/^[\w.:@~-]{1,200}$/.test(id)) throw invalidInput(list.length > 1 ? `${field}[${i}]` : field, 'expected a job id (or {jobId})', 'postgreen');
    return id;
  }))];
}

/** Checks one shipment webhook body; the key drops the platform's re-sends (every 15 minutes for 48 hours). */
export function parseShipmentEvent(body: unknown, field = 'body'): CallbackEvent {
  if (!isPlainObject(body)) throw invalidInput(field, 'a PostGreen shipment event must be a JSON object', 'postgreen');
  const e = body as Partial<PostgreenShipmentEvent>;
  if (typeof e.eventType !== 'string' || !EVENT_TYPES.includes(e.eventType as PostgreenEventType)) {
    throw invalidInput(`${field}.eventType`, `must be one of ${EVENT_TYPES.join(', ')}`, 'postgreen');
  }
  const shipmentId = idString(e.shipmentId);
  if (!shipmentId) throw invalidInput(`${field}.shipmentId`, 'is required', 'postgreen');
  if (typeof e.name !== 'string' || e.name === '') throw invalidInput(`${field}.name`, 'is required', 'postgreen');
  for (const k of ['serverTimestamp', 'eventDate'] as const) {
    if (typeof e[k] !== 'number' || !Number.isFinite(e[k])) throw invalidInput(`${field}.${k}`, 'must be epoch milliseconds', 'postgreen');
  }
  const event = { ...(body as Record<string, unknown>), shipmentId } as PostgreenShipmentEvent;
  return {
    dedupeKey: ['postgreen', shipmentId, e.eventType, e.name, String(e.serverTimestamp)].join('|'),
    fields: { eventType: e.eventType, shipmentId, name: e.name, value: e.value, eventDate: e.eventDate },
    payload: event,
  };
}

export function postgreenCapabilities(client: PostgreenClient): Capabilities {
  return {
    probe: async () => {
      const profile = await client.authenticate();
      return `connected; ${profile.services.length} service(s): ${profile.services.map((s) => s.name).join(', ')}`.replace(/: $/, '');
    },
    status: {
      targets: (input) => jobIdsFrom(input, 'msg.payload'),
      async fetch(kind, ids): Promise<PollReport[]> {
        // One request per job: the API has no batch read. One bad job must not stop the others.
        const settled = await Promise.allSettled(ids.map(async (id): Promise<PollReport> => (
          kind === 'deliveries' ? deliveriesReport(id, await client.deliveries(id)) : { ...jobReport(await withPackGroupCounts(client, await client.getJob(id))), id }
        )));
        const reports: PollReport[] = [];
        let transient: unknown;
        settled.forEach((r, i) => {
          if (r.status === 'fulfilled') reports.push(r.value);
          else if (r.reason instanceof FulfillmentError && r.reason.kind === 'http' && !r.reason.retryable && r.reason.status !== 401) {
            reports.push({ id: ids[i], verdict: 'failed', status: 'ERROR', reason: r.reason.message, raw: r.reason.response });
          } else transient ??= r.reason;
        });
        // Ids whose read failed for a passing reason stay pending and are asked again next round.
        if (transient !== undefined && reports.length === 0) throw transient;
        return reports;
      },
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
  };
}
