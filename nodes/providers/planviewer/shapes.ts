/**
 * The documented shape of every Planviewer answer. Lists may also come wrapped
 * in `{result: […]}`, as some of the provider's list answers are; objects keep
 * the fields they do not declare.
 */
import { s, Shape } from '../../core/shape';
import { isUuid } from '../../core/validate';
import {
  PlanviewerDocument,
  PlanviewerLocation,
  PlanviewerLocationIntentions,
  PlanviewerOrderedJob,
  PlanviewerProduct,
  PlanviewerStatus,
  PlanviewerWaiting,
} from './types';

const uuid = (): Shape<string> => s.refine(s.string(), 'a uuid', isUuid);

/** A bare array, or the same array under `result`. */
function list<T>(item: Shape<T>): Shape<T[]> {
  return s.map(s.oneOf(s.array(item), s.object({ result: s.array(item) })), (v) => (Array.isArray(v) ? v : v.result));
}

export const orderedJobs: Shape<PlanviewerOrderedJob[]> = s.array(s.object({ uuid: s.string(), job: s.object({ uuid: uuid() }) }));

export const statuses: Shape<PlanviewerStatus[]> = s.array(
  s.object({ uuid: s.string(), status: s.string(), progress: s.maybe(s.object({ current: s.number(), total: s.number() })) }),
);

export const products: Shape<PlanviewerProduct[]> = list(s.object({ slug: s.text(), name: s.string() }));

export const locations: Shape<PlanviewerLocation[]> = list(
  s.object({ score: s.number(), uuid: s.text(), title: s.string(), properties: s.maybe(s.record(s.unknown())) }),
);

export const intentions: Shape<PlanviewerLocationIntentions[]> = list(
  s.object({
    uuid: s.text(),
    intentions: s.array(s.object({ uuid: s.text(), product: s.string(), properties: s.maybe(s.record(s.unknown())) })),
  }),
);

/** `locaties` is an object keyed by numeric strings, not an array. */
export const waiting: Shape<PlanviewerWaiting> = s.object({
  locaties: s.refine(s.record(s.string()), 'keys that are numbers ("1", "2"…)', (v) => Object.keys(v).every((k) => /^\d+$/.test(k))),
  message: s.maybe(s.string()),
});

export const documents: Shape<PlanviewerDocument[]> = list(s.object({ identificatie: s.text(), aard: s.optional(s.string()) }));

/**
 * Planviewer's error bodies: `{error: {code, message}}` (401) and
 * `[{error: "true", message}]` (the daily cap; `error` is the string "true").
 * Returns the message of such a body, or undefined for anything else.
 */
export function planviewerErrorMessage(body: unknown): string | undefined {
  const first = Array.isArray(body) && body.length > 0 ? body[0] : body;
  if (!first || typeof first !== 'object' || Array.isArray(first)) return undefined;
  const o = first as Record<string, unknown>;
  const error = o.error;
  if (error === undefined || error === null || error === false || error === 'false') return undefined;
  if (typeof error === 'object') {
    const inner = (error as Record<string, unknown>).message;
    return typeof inner === 'string' && inner !== '' ? inner : JSON.stringify(error).slice(0, 200);
  }
  if (typeof o.message === 'string' && o.message !== '') return o.message;
  return typeof error === 'string' && error !== 'true' ? error : 'an error without a message';
}
