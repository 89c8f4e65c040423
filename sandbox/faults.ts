/**
 * Faults the sandbox can inject per route, switched on from tests (in
 * process, or over HTTP at /__sandbox/faults), to test reliability for real.
 */
export type Fault =
  /** Answer with this status (and body / headers) instead of the real handler. */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroy the connection once the request has arrived: the handler never runs. */
  | { type: 'reset' }
  /** Run the real handler (an order IS placed), then drop the connection instead of answering. */
  | { type: 'reset-after' }
  /** Accept and never answer. */
  | { type: 'hang' }
  /** Answer late. */
  | { type: 'delay'; ms: number }
  /** 200 with a body that is not what the API promises. */
  | { type: 'malformed'; body?: string; contentType?: string }
  /** Promise more bytes than are sent, then close (a PDF download). */
  | { type: 'truncate' }
  /**
   * A 2xx answer of this many bytes (spaces, so a reader that takes it all
   * sees blank JSON). `chunked`: no Content-Length, so only a streamed cap
   * can stop it.
   */
  | { type: 'huge'; bytes: number; chunked?: boolean; status?: number; contentType?: string }
  /**
   * A 2xx answer whose connection closes after the start of `body`: with a
   * Content-Length of `declaredBytes` (default: twice the body), or chunked
   * (`chunked`) so that only the missing last chunk tells.
   */
  | { type: 'cut-off'; status?: number; body?: string; sentBytes?: number; declaredBytes?: number; chunked?: boolean; contentType?: string };

export interface FaultRule {
  method?: string;
  /** A path prefix or, starting with `^`, a regular expression. */
  path: string;
  fault: Fault;
  /** How many requests it hits; unlimited when absent. */
  times?: number;
}

export class FaultTable {
  private rules: FaultRule[] = [];

  set(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  take(method: string, path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      const hit = rule.path.startsWith('^') ? new RegExp(rule.path).test(path) : path.startsWith(rule.path);
      if (!hit) continue;
      if (rule.times !== undefined) {
        if (rule.times <= 0) continue;
        rule.times--;
      }
      return rule.fault;
    }
    return undefined;
  }
}
