/**
 * What each node must do with a 2xx answer it cannot use, by kind of call:
 * a creating call's answer is lost work (outcome unknown, so the repeat guard
 * keeps the key), a read's is a malformed answer, and a download must look
 * like a file of the right length. Every message names what went wrong.
 */
import { FaultCase } from './cases';
import { AnswerFault } from './faults';

export type AnswerOutcome = 'success' | { code: string; message: RegExp; oneRequest?: boolean };

const WHAT: Record<AnswerFault, RegExp> = {
  'not JSON': /not valid (JSON|XML)/,
  'wrong shape': /does not have the documented shape/,
  'too large': /answer too large/,
  'cut off': /answer cut off after \d+ (of \d+ )?bytes/,
};

export function expectedAnswerOutcome(c: FaultCase, fault: AnswerFault): AnswerOutcome {
  if (c.answerUndocumented && (fault === 'not JSON' || fault === 'wrong shape')) return 'success';
  if (c.download) {
    // A result is a file or a JSON data product of any shape; JSON that cannot be read is not one.
    if (fault === 'wrong shape') return 'success';
    if (fault === 'not JSON') return { code: 'malformed_response', message: /says it is JSON but cannot be read as JSON|expected a file for .*, got application\/json instead/, oneRequest: true };
    if (fault === 'too large') return c.anySize ? 'success' : { code: 'malformed_response', message: /is larger than \d+ bytes; write it to a folder instead/, oneRequest: true };
    return { code: 'network', message: /download of .* failed: answer cut off after 1000 of 100000 bytes/ };
  }
  if (c.creates) {
    return { code: 'outcome_unknown', message: new RegExp(`the provider accepted .* but its answer cannot be read: .*${WHAT[fault].source}.*check with the provider before sending it again`), oneRequest: true };
  }
  const documented = fault === 'not JSON' || fault === 'wrong shape' ? c.answerMessages?.[fault] : undefined;
  const read = documented ?? new RegExp(`cannot be read: .*${WHAT[fault].source}`);
  if (fault === 'cut off') return { code: 'network', message: read };
  // Refused at once: no retry of an answer that will not change (polls ask again on their next tick).
  return { code: 'malformed_response', message: read, oneRequest: fault === 'too large' && !c.keepsWatching };
}
