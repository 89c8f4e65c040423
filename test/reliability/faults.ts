/** The faults of the reliability matrix, as sandbox rules (see sandbox/faults.ts). */
import { Fault } from '../../sandbox/faults';

/** A 2xx the provider sent (it did the work) whose answer cannot be used. */
export type AnswerFault = 'not JSON' | 'wrong shape' | 'too large' | 'cut off';

export interface FaultSpec {
  name: string;
  /** A creating call may be sent again: it never reached the server, or the provider says 429 = not processed. */
  mayResend?: boolean;
  /** `refused` has no sandbox rule: the account points at a closed port. */
  fault?: Fault;
  /** The rule for a case that downloads a file, when it differs (the answer must look like a file to reach the size and length checks). */
  downloadFault?: Fault;
  /** The cell checks the outcome of an unusable 2xx answer in detail (see matrix.spec.ts). */
  answer?: AnswerFault;
}

const MB = 1024 * 1024;
/** Far over the account's default answer limit (10 MiB) and a node's default buffer (50 MB). */
const HUGE = 200 * MB;
/** Over the 50 MB buffer of retrieve result; small enough to write to disk in a test. */
const HUGE_FILE = 60 * MB;

export const FAULTS: FaultSpec[] = [
  { name: 'connection refused', mayResend: true },
  { name: 'connection reset', fault: { type: 'reset' } },
  { name: 'dropped after the request was handled', fault: { type: 'reset-after' } },
  { name: 'accepts, never answers', fault: { type: 'hang' } },
  { name: 'HTTP 500', fault: { type: 'status', status: 500, body: { message: 'Internal Server Error' } } },
  { name: 'HTTP 502', fault: { type: 'status', status: 502, body: '<html>Bad Gateway</html>' } },
  { name: 'HTTP 503', fault: { type: 'status', status: 503, body: { message: 'Service Unavailable' } } },
  { name: '429 with Retry-After', mayResend: true, fault: { type: 'status', status: 429, headers: { 'Retry-After': '1' }, body: { error: 'Quota has been exceeded' } } },
  { name: '2xx not JSON', answer: 'not JSON', fault: { type: 'malformed', body: '<<<{ not json, not xml' } },
  { name: '2xx of the wrong shape', answer: 'wrong shape', fault: { type: 'malformed', body: '{"unexpected": true}' } },
  { name: '200 with an error body', fault: { type: 'malformed', body: '[{"error": "true", "message": "Something went wrong"}]' } },
  {
    name: '2xx too large (declared)',
    answer: 'too large',
    fault: { type: 'huge', bytes: HUGE },
    downloadFault: { type: 'huge', bytes: HUGE_FILE, contentType: 'application/pdf' },
  },
  {
    name: '2xx too large (undeclared)',
    answer: 'too large',
    fault: { type: 'huge', bytes: HUGE, chunked: true },
    downloadFault: { type: 'huge', bytes: HUGE_FILE, chunked: true, contentType: 'application/pdf' },
  },
  {
    name: '2xx cut off',
    answer: 'cut off',
    fault: { type: 'cut-off' },
    downloadFault: { type: 'truncate' },
  },
];
