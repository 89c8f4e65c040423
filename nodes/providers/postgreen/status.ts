/**
 * Job and delivery status for the shared poll status node, as PostGreen's
 * pages describe it:
 * - api-advanced.html: PROCESSING_ERROR means the files are not correct;
 *   at PACK_GROUP_CREATED look at packGroupCountPerStates (NOT_ELIGIBLE:1 "means
 *   you have an issue") or, for N documents, at the pack groups; for deliveries,
 *   all READY or OUTPUTTED is OK, and "if no return, you have an error
 *   somewhere, probably an incorrect address";
 * - api-samples.html: "check for the status CREATED"; a job that stays "a
 *   long time (2 minutes for a single document job) in PACK_GROUP_CREATED" may
 *   have "an eligibility issue with one pack";
 * - api-appendix.html: numeric shipment statuses, negative ones failures.
 */
import { FulfillmentError } from '../../core/errors';
import { PollReport } from '../../core/poller';
import { PostgreenClient } from './client';
import { eligibilityProblems, notEligibleCount } from './parse';
import { describeShipmentStatus, shipmentStatus } from './shipment-status';
import { PostgreenDelivery, PostgreenJob, PostgreenPackGroup } from './types';

/** Poll kinds, as named in the descriptor. */
export const KIND_JOB = 'job';
export const KIND_CREATED = 'created';
export const KIND_DELIVERIES = 'deliveries';

/** Statuses after which the job's files have been processed into pack groups. */
const PROCESSED = new Set(['PACK_GROUP_CREATED', 'CREATED']);
const DELIVERY_FAILED = /ERROR|FAIL|CANCEL|REJECT/i;
const FILES_NOT_CORRECT = 'the files are not correct (impossible to split, to extract content...)';

export interface StatusSettings {
  /** How long a job may stay in PACK_GROUP_CREATED, or a processed job without deliveries, before it needs attention. */
  packGroupWaitMs: number;
}

/** A job with the pack groups read for it, when they were. */
type JobRead = PostgreenJob & { packGroups?: PostgreenPackGroup[] };

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** "2 pack group(s) NOT_ELIGIBLE: PG1: ADDRESS_INVALID: ..." */
function notEligibleText(job: JobRead): string {
  const bad = job.packGroups ? job.packGroups.filter((p) => p.status === 'NOT_ELIGIBLE') : [];
  const count = bad.length || notEligibleCount(job);
  const problems = bad.map((p) => `${p.id}: ${eligibilityProblems(p).join('; ')}`).join(' | ');
  return `${count} pack group(s) NOT_ELIGIBLE${problems ? `: ${problems}` : ''}`;
}

function hasNotEligible(job: JobRead): boolean {
  return notEligibleCount(job) > 0 || (job.packGroups ?? []).some((p) => p.status === 'NOT_ELIGIBLE');
}

function stateCounts(groups: PostgreenPackGroup[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const pg of groups) counts[pg.status] = (counts[pg.status] ?? 0) + 1;
  return counts;
}

/**
 * Reads a job, and its pack groups when they tell more: at a processed status
 * without counts (jobs of N documents), with NOT_ELIGIBLE counts (to name the
 * problems), or whenever `always` says so.
 */
async function readJob(client: PostgreenClient, id: string, always = false): Promise<JobRead> {
  const job = await client.getJob(id);
  if (!PROCESSED.has(job.status)) return job;
  if (!always && job.packGroupCountPerStates && notEligibleCount(job) === 0) return job;
  const packGroups = await client.jobPackGroups(job.jobId);
  return { ...job, packGroupCountPerStates: job.packGroupCountPerStates ?? stateCounts(packGroups), packGroups };
}

/** Kind `job`: until the job can take a delivery command (PACK_GROUP_CREATED) or is CREATED. */
export function jobReport(job: JobRead): PollReport {
  const base = { id: String(job.jobId), status: job.status, raw: job };
  if (job.status === 'PROCESSING_ERROR') return { ...base, verdict: 'failed', reason: FILES_NOT_CORRECT };
  if (!PROCESSED.has(job.status)) return { ...base, verdict: 'pending' };
  if (hasNotEligible(job)) return { ...base, verdict: 'attention', reason: `${notEligibleText(job)}: list them with edit packgroup and fix them` };
  return { ...base, verdict: 'done' };
}

/** Kind `created` (auto-created deliveries): until CREATED; a job that stays in PACK_GROUP_CREATED too long needs attention. */
export function createdReport(job: JobRead, settings: StatusSettings): PollReport {
  const base = { id: String(job.jobId), status: job.status, raw: job };
  if (job.status === 'PROCESSING_ERROR') return { ...base, verdict: 'failed', reason: FILES_NOT_CORRECT };
  if (job.status === 'CREATED') {
    if (hasNotEligible(job)) return { ...base, verdict: 'attention', reason: `job CREATED, but ${notEligibleText(job)} got no delivery: fix them with edit packgroup and create their delivery` };
    return { ...base, verdict: 'done' };
  }
  if (job.status !== 'PACK_GROUP_CREATED') return { ...base, verdict: 'pending' };
  if (hasNotEligible(job)) return { ...base, verdict: 'attention', reason: `${notEligibleText(job)}: no delivery is created for them; fix them with edit packgroup` };
  const counts = Object.entries(job.packGroupCountPerStates ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  return {
    ...base,
    verdict: 'pending',
    attentionAfterMs: settings.packGroupWaitMs,
    overdueReason: `the job stayed in PACK_GROUP_CREATED for more than ${seconds(settings.packGroupWaitMs)}: probably an eligibility issue with a pack group (the provider's documentation: about 2 minutes for a single document job)${counts ? `; pack groups: ${counts}` : ''}; see msg.payload.packGroups`,
  };
}

/** The failed or waiting shipments of OUTPUTTED deliveries, by the appendix's numeric statuses. */
function shipmentTrouble(deliveries: PostgreenDelivery[]): { failed: string[]; waiting: string[] } {
  const failed: string[] = [];
  const waiting: string[] = [];
  for (const d of deliveries) {
    for (const s of d.shipments ?? []) {
      const st = shipmentStatus(s.status);
      if (!st?.failed) continue;
      (st.final ? failed : waiting).push(`shipment ${s.id}: ${describeShipmentStatus(st)}`);
    }
  }
  return { failed, waiting };
}

/** Kind `deliveries` with at least one delivery. */
export function deliveriesReport(jobId: string, deliveries: PostgreenDelivery[]): PollReport {
  const total = deliveries.length;
  const outputted = deliveries.filter((d) => d.status === 'OUTPUTTED').length;
  const statuses = [...new Set(deliveries.map((d) => d.status))].sort();
  const base = { id: jobId, raw: deliveries, progress: { current: outputted, total } };
  if (total === 0) return { ...base, verdict: 'pending', status: 'NO_DELIVERY', reason: 'no delivery yet' };
  const failed = deliveries.filter((d) => DELIVERY_FAILED.test(d.status));
  if (failed.length > 0) return { ...base, verdict: 'failed', status: failed[0].status, reason: `delivery ${failed.map((d) => d.id).join(', ')} ended in ${failed[0].status}` };
  const trouble = shipmentTrouble(deliveries);
  if (trouble.failed.length > 0) return { ...base, verdict: 'failed', status: 'SHIPMENT_FAILED', reason: trouble.failed.join('; ') };
  if (trouble.waiting.length > 0) return { ...base, verdict: 'attention', status: 'SHIPMENT_WAITING', reason: `${trouble.waiting.join('; ')}: someone has to act` };
  if (outputted === total) return { ...base, verdict: 'done', status: 'OUTPUTTED' };
  // READY counts as progress: the deliveries wait for their output triggers.
  return { ...base, verdict: 'pending', status: statuses.join('+') };
}

/**
 * Kind `deliveries` with none: the job says why. Still processing: wait.
 * Processed with a NOT_ELIGIBLE pack group, or CREATED without deliveries:
 * the guide's "error somewhere, probably an incorrect address", now. Processed
 * and all eligible: wait for the delivery command or the auto-creation, up to
 * the pack group wait.
 */
export function noDeliveryReport(job: JobRead, settings: StatusSettings): PollReport {
  const raw = { jobId: job.jobId, job, deliveries: [], packGroups: job.packGroups ?? [] };
  const base = { id: String(job.jobId), raw, progress: { current: 0, total: 0 } };
  const address = "no delivery: an error somewhere, probably an incorrect address (the provider's documentation); the job's pack groups are in msg.payload.packGroups";
  if (job.status === 'PROCESSING_ERROR') return { ...base, verdict: 'failed', status: 'PROCESSING_ERROR', reason: `no delivery: ${FILES_NOT_CORRECT}` };
  if (!PROCESSED.has(job.status)) return { ...base, verdict: 'pending', status: job.status, reason: `no delivery yet: the job is ${job.status}` };
  if (hasNotEligible(job)) return { ...base, verdict: 'attention', status: 'NO_DELIVERY', reason: `${address}; ${notEligibleText(job)}` };
  if (job.status === 'CREATED') return { ...base, verdict: 'attention', status: 'NO_DELIVERY', reason: address };
  return {
    ...base,
    verdict: 'pending',
    status: 'NO_DELIVERY',
    reason: 'no delivery yet (the job has its pack groups; a job without auto-created deliveries needs create delivery)',
    attentionAfterMs: settings.packGroupWaitMs,
    overdueReason: `${address}; still none ${seconds(settings.packGroupWaitMs)} after the job's processing ended (or no delivery command was sent)`,
  };
}

async function report(client: PostgreenClient, kind: string, id: string, settings: StatusSettings): Promise<PollReport> {
  if (kind === KIND_DELIVERIES) {
    const deliveries = await client.deliveries(id);
    if (deliveries.length > 0) return deliveriesReport(id, deliveries);
    return noDeliveryReport(await readJob(client, id, true), settings);
  }
  if (kind === KIND_CREATED) {
    const job = await readJob(client, id, true);
    return { ...createdReport(job, settings), id };
  }
  return { ...jobReport(await readJob(client, id)), id };
}

/** One request (or a few) per job: the API has no batch read. One bad job must not stop the others. */
export async function fetchReports(client: PostgreenClient, kind: string, ids: string[], settings: StatusSettings): Promise<PollReport[]> {
  const settled = await Promise.allSettled(ids.map((id) => report(client, kind, id, settings)));
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
}
