/** Job ids from what a flow holds: a string or number, an array, `{jobId}` or a create job answer. */
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { idString } from './profile';

const JOB_ID = /^[\w.:@~-]{1,200}$/;

export function jobIdsFrom(input: unknown, field: string): string[] {
  const one = (x: unknown): unknown => (isPlainObject(x) ? x.jobId ?? (isPlainObject(x.result) ? x.result.jobId : undefined) ?? x.id : x);
  const list = Array.isArray(input) ? input.map(one) : [one(input)];
  if (list.length === 0) throw invalidInput(field, 'expected a job id, an array of them or {jobId}', 'postgreen');
  return [...new Set(list.map((x, i) => {
    const id = idString(x);
    if (!id || !JOB_ID.test(id)) throw invalidInput(list.length > 1 ? `${field}[${i}]` : field, 'expected a job id (or {jobId})', 'postgreen');
    return id;
  }))];
}
