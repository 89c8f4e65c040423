/** Parsing PostGreen answers about jobs, pack groups, deliveries and shipments (tolerant of `result` wrapping). */
import { FulfillmentError } from '../../core/errors';
import { idString, idValue, isObj, unwrap } from './profile';
import {
  PostgreenDelivery,
  PostgreenId,
  PostgreenEligibilityProblem,
  PostgreenJob,
  PostgreenPackGroup,
  PostgreenSelectableOptions,
  PostgreenShipment,
  PostgreenShipmentMetadata,
} from './types';

function malformed(what: string, detail: string, body: unknown): FulfillmentError {
  return new FulfillmentError({ provider: 'postgreen', kind: 'malformed_response', message: `postgreen: unexpected answer from ${what}: ${detail}`, response: body });
}

function listOf(body: unknown, keys: string[]): unknown[] {
  const data = unwrap(body);
  if (Array.isArray(data)) return data;
  if (data === undefined || data === null || data === '') return [];
  if (isObj(data)) {
    for (const k of keys) if (Array.isArray(data[k])) return data[k] as unknown[];
  }
  return [data];
}

export function parseJob(body: unknown, what: string): PostgreenJob {
  const data = unwrap(body);
  const job = isObj(data) && isObj(data.job) ? data.job : data;
  if (!isObj(job)) throw malformed(what, 'expected a job object', body);
  // The id keeps the platform's type: a delivery command sends it back as it came.
  const jobId = idValue(job.jobId) ?? idValue(job.id);
  const status = idString(job.status);
  if (!jobId || !status) throw malformed(what, 'the job needs jobId and status', body);
  const counts = isObj(job.packGroupCountPerStates) ? (job.packGroupCountPerStates as Record<string, number>) : undefined;
  return { ...job, jobId, status, ...(counts ? { packGroupCountPerStates: counts } : {}) };
}

export function notEligibleCount(job: PostgreenJob): number {
  const n = Number(job.packGroupCountPerStates?.NOT_ELIGIBLE ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export function parsePackGroups(body: unknown, what: string): PostgreenPackGroup[] {
  return listOf(body, ['packGroups', 'items']).map((p) => {
    if (!isObj(p)) throw malformed(what, 'each pack group must be an object', body);
    const id = idValue(p.id) ?? idValue(p.packGroupId);
    if (id === undefined) throw malformed(what, 'each pack group needs an id', body);
    return { ...p, id, status: idString(p.status) ?? 'UNKNOWN' } as PostgreenPackGroup;
  });
}

/** The eligibility problems of a pack group, as sentences a user can act on. */
export function eligibilityProblems(pg: PostgreenPackGroup): string[] {
  const e = pg.eligibility as unknown;
  const problems: unknown[] = [];
  if (Array.isArray(e)) problems.push(...e);
  else if (isObj(e)) {
    for (const k of ['problems', 'errors', 'reasons', 'messages']) if (Array.isArray(e[k])) problems.push(...(e[k] as unknown[]));
    if (problems.length === 0 && typeof e.message === 'string') problems.push(e.message);
  } else if (typeof e === 'string') problems.push(e);
  const out = problems.map((p) => {
    if (typeof p === 'string') return p;
    if (!isObj(p)) return JSON.stringify(p);
    const q = p as PostgreenEligibilityProblem;
    const where = [q.field, q.channelLabel ? `channel ${q.channelLabel}` : undefined].filter(Boolean).join(', ');
    const text = [q.code, q.message].filter(Boolean).join(': ') || JSON.stringify(p);
    return where ? `${text} (${where})` : text;
  });
  if (out.length === 0 && pg.status === 'NOT_ELIGIBLE') out.push('NOT_ELIGIBLE (the provider gave no reason; look at the pack group eligibility)');
  return out;
}

export interface PackGroupSummary {
  id: PostgreenId;
  status: string;
  eligible: boolean;
  problems: string[];
  packRequirements?: PostgreenPackGroup['packRequirements'];
}

/** A pack group as a flow reads it: its status, whether it can be delivered, its problems as sentences. */
export function packGroupSummary(g: PostgreenPackGroup): PackGroupSummary {
  return { id: g.id, status: g.status, eligible: g.status !== 'NOT_ELIGIBLE', problems: eligibilityProblems(g), packRequirements: g.packRequirements };
}

function parseMetadata(v: unknown): PostgreenShipmentMetadata[] {
  const list = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
  return list.filter(isObj).filter((m) => typeof m.name === 'string') as PostgreenShipmentMetadata[];
}

function parseShipment(s: unknown): PostgreenShipment | undefined {
  if (!isObj(s)) return undefined;
  const id = idString(s.id) ?? idString(s.shipmentId);
  if (!id) return undefined;
  return { ...s, id, metadata: parseMetadata(s.metadata ?? s.metadatas) };
}

export function parseDeliveries(body: unknown, what: string): PostgreenDelivery[] {
  return listOf(body, ['deliveries', 'items']).map((d) => {
    if (!isObj(d)) throw malformed(what, 'each delivery must be an object', body);
    const id = idString(d.id) ?? idString(d.deliveryId);
    const status = idString(d.status);
    if (!id || !status) throw malformed(what, 'each delivery needs id and status', body);
    const shipments = (Array.isArray(d.shipments) ? d.shipments : []).map(parseShipment).filter((s): s is PostgreenShipment => !!s);
    return { ...d, id, status, shipments };
  });
}

export function parseSelectableOptions(body: unknown): PostgreenSelectableOptions {
  const candidates = [isObj(body) && isObj(body.result) ? body.result.selectableOptions : undefined, isObj(body) ? body.selectableOptions : undefined];
  for (const c of candidates) if (isObj(c)) return c as PostgreenSelectableOptions;
  return {};
}

/** The registered tracking number: metadataKind=TRACKING, metadataType=SHORT_VALUE, name=TRACKING. */
export function trackingNumber(s: PostgreenShipment): string | undefined {
  const m = (s.metadata ?? []).find((x) => x.metadataKind === 'TRACKING' && x.metadataType === 'SHORT_VALUE' && x.name === 'TRACKING');
  return m ? idString(m.value) : undefined;
}

/** Names of the tracking files this shipment has (TRACKING_DETAIL, ACKN, FAIL_PROOF, CERTIF). */
export function trackingFiles(s: PostgreenShipment): string[] {
  return (s.metadata ?? []).filter((x) => x.metadataKind === 'TRACKING' && x.metadataType === 'FILE').map((x) => x.name);
}
