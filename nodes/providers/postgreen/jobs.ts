/** Job ids from what a flow holds: a string or number, an array, `{jobId}` or a create job answer. */
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { idString } from './profile';
import { PostgreenId } from './types';

const JOB_ID = /^[\w.:@~-]{1,200}$/;

const one = (x: unknown): unknown => (isPlainObject(x) ? x.jobId ?? (isPlainObject(x.result) ? x.result.jobId : undefined) ?? x.id : x);

export function jobIdsFrom(input: unknown, field: string): string[] {
  const list = Array.isArray(input) ? input.map(one) : [one(input)];
  if (list.length === 0) throw invalidInput(field, 'expected a job id, an array of them or {jobId}', 'postgreen');
  return [...new Set(list.map((x, i) => {
    const id = idString(x);
    if (!id || !JOB_ID.test(id)) throw invalidInput(list.length > 1 ? `${field}[${i}]` : field, 'expected a job id (or {jobId})', 'postgreen');
    return id;
  }))];
}

/**
 * One job id as the flow holds it, checked: a number stays a number, as the
 * platform sent it (and gets it back). `alsoIn` are other places of the same
 * message that may hold the same id as a number (poll status gives
 * `msg.jobId` as text and the job, as the platform sent it, in `msg.payload`).
 */
export function jobIdValue(input: unknown, field: string, ...alsoIn: unknown[]): PostgreenId {
  const [text] = jobIdsFrom(input, field);
  const numeric = [input, ...alsoIn].map(one).find((raw) => typeof raw === 'number' && String(raw) === text);
  return typeof numeric === 'number' ? numeric : text;
}
