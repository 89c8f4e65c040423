/** The faults of the reliability matrix, as sandbox rules (see sandbox/faults.ts). */
import { Fault } from '../../sandbox/faults';

export interface FaultSpec {
  name: string;
  /** A creating call may be sent again: it never reached the server, or the provider says 429 = not processed. */
  mayResend?: boolean;
  /** `refused` has no sandbox rule: the account points at a closed port. */
  fault?: Fault;
  /** Only for cases that download a file. */
  downloadOnly?: boolean;
}

export const FAULTS: FaultSpec[] = [
  { name: 'connection refused', mayResend: true },
  { name: 'connection reset', fault: { type: 'reset' } },
  { name: 'dropped after the request was handled', fault: { type: 'reset-after' } },
  { name: 'accepts, never answers', fault: { type: 'hang' } },
  { name: 'HTTP 500', fault: { type: 'status', status: 500, body: { message: 'Internal Server Error' } } },
  { name: 'HTTP 502', fault: { type: 'status', status: 502, body: '<html>Bad Gateway</html>' } },
  { name: 'HTTP 503', fault: { type: 'status', status: 503, body: { message: 'Service Unavailable' } } },
  { name: '429 with Retry-After', mayResend: true, fault: { type: 'status', status: 429, headers: { 'Retry-After': '1' }, body: { error: 'Quota has been exceeded' } } },
  { name: 'body not JSON/XML', fault: { type: 'malformed', body: '<<<{ not json, not xml' } },
  { name: 'JSON of the wrong shape', fault: { type: 'malformed', body: '{"unexpected": true}' } },
  { name: '200 with an error body', fault: { type: 'malformed', body: '[{"error": "true", "message": "Something went wrong"}]' } },
  { name: 'truncated file', fault: { type: 'truncate' }, downloadOnly: true },
  { name: 'huge answer (40 MB)', fault: { type: 'huge', bytes: 40 * 1024 * 1024 } },
];
