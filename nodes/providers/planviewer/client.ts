/**
 * Planviewer Product API client (seed 002). One method per API call; usable
 * without Node-RED:
 *   const pv = new PlanviewerClient({ apiKey, apiSecret });
 *   const jobs = await pv.order(['0fe30323-...']);
 */
import { HttpClient, RequestSpec } from '../../core/http';
import { Redactor } from '../../core/redact';
import { basicAuth, requireCredential } from '../../core/auth';
import { FulfillmentError } from '../../core/errors';
import { DownloadedFile } from '../../core/capabilities';
import { filenameFromDisposition, safeFilename } from '../../core/download';
import { uuidList, isUuid } from '../../core/validate';
import { Readable } from 'stream';
import {
  PlanviewerClientOptions,
  PlanviewerIntention,
  PlanviewerIntentionsRequest,
  PlanviewerOrderedJob,
  PlanviewerProduct,
  PlanviewerStatus,
} from './types';

export const PLANVIEWER_DEFAULT_BASE_URL = 'https://www.planviewer.nl';
const API = '/product_api/v1';
const PROVIDER = 'planviewer';
const STATUS_KEY = 'uuids[]';

export class PlanviewerClient {
  readonly http: HttpClient;
  private readonly maxUrlLength: number;
  private auth?: Record<string, string>;

  constructor(options: PlanviewerClientOptions) {
    const redactor = new Redactor();
    redactor.add(options.apiSecret);
    // Under the 8 KB request line most servers accept (Apache 8190, nginx 8k), with room for headers.
    this.maxUrlLength = options.maxUrlLength ?? 7500;
    this.http = new HttpClient({
      provider: PROVIDER,
      baseUrl: options.baseUrl || PLANVIEWER_DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      redactor,
      authHeaders: () =>
        (this.auth ??= basicAuth(requireCredential(PROVIDER, 'access key id', options.apiKey), requireCredential(PROVIDER, 'secret', options.apiSecret), redactor)),
      describeError: describePlanviewerError,
    });
  }

  /** POST /jobs/order: one job per product intention. Never retried. */
  async order(uuids: string[]): Promise<PlanviewerOrderedJob[]> {
    const checked = uuidList(uuids, 'uuids');
    const res = await this.http.request<unknown>({ method: 'POST', path: `${API}/jobs/order`, json: { uuids: checked }, safeToRetry: false });
    const list = asArray(res.data, 'jobs/order');
    for (const item of list) {
      if (!item || typeof item !== 'object' || !isUuid((item as PlanviewerOrderedJob).job?.uuid)) {
        throw malformed('jobs/order', 'each entry needs job.uuid', res.data, { method: 'POST', url: `${API}/jobs/order`, body: { uuids: checked } });
      }
    }
    return list as PlanviewerOrderedJob[];
  }

  /** GET /jobs/status?uuids[]=..: many jobs per request, split only where the URL would grow too long. */
  async status(jobUuids: string[]): Promise<PlanviewerStatus[]> {
    const checked = uuidList(jobUuids, 'uuids');
    const batches = this.statusBatches(checked);
    const results = await Promise.all(
      batches.map(async (batch) => {
        const res = await this.http.request<unknown>({ method: 'GET', path: `${API}/jobs/status`, query: { [STATUS_KEY]: batch } });
        const list = asArray(res.data, 'jobs/status');
        for (const item of list) {
          const s = item as PlanviewerStatus;
          if (!s || typeof s !== 'object' || typeof s.uuid !== 'string' || typeof s.status !== 'string') {
            throw malformed('jobs/status', 'each entry needs uuid and status', res.data, { method: 'GET', url: `${API}/jobs/status` });
          }
        }
        return list as PlanviewerStatus[];
      }),
    );
    return results.flat();
  }

  /** Splits uuids into the fewest status requests whose URLs stay under the limit. */
  statusBatches(uuids: string[]): string[][] {
    const fixed = this.http.url(`${API}/jobs/status`).length + 1;
    const per = encodeURIComponent(STATUS_KEY).length + 2;
    const batches: string[][] = [];
    let current: string[] = [];
    let length = fixed;
    for (const u of uuids) {
      const add = per + encodeURIComponent(u).length;
      if (current.length > 0 && length + add > this.maxUrlLength) {
        batches.push(current);
        current = [];
        length = fixed;
      }
      current.push(u);
      length += add;
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }

  /** GET /jobs/retrieve/{uuid}: the result file as a stream with its name. */
  async retrieve(jobUuid: string, signal?: AbortSignal): Promise<DownloadedFile> {
    const [uuid] = uuidList(jobUuid, 'uuid');
    const res = await this.http.request<Readable>({ method: 'GET', path: `${API}/jobs/retrieve/${uuid}`, responseType: 'stream', signal });
    const length = res.headers['content-length'];
    return {
      stream: res.data,
      filename: safeFilename(filenameFromDisposition(res.headers['content-disposition']), `${uuid}.pdf`),
      contentType: res.headers['content-type'],
      contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    };
  }

  /** POST /intentions/list: product intentions for addresses (uuids) and products. */
  async listIntentions(request: PlanviewerIntentionsRequest): Promise<PlanviewerIntention[]> {
    const res = await this.http.request<unknown>({ method: 'POST', path: `${API}/intentions/list`, json: request, safeToRetry: true });
    return asArray(unwrapResult(res.data), 'intentions/list') as PlanviewerIntention[];
  }

  /** GET /products/list. */
  async listProducts(): Promise<PlanviewerProduct[]> {
    const res = await this.http.request<unknown>({ method: 'GET', path: `${API}/products/list` });
    return asArray(unwrapResult(res.data), 'products/list') as PlanviewerProduct[];
  }

  close(): void {
    this.http.close();
  }
}

function unwrapResult(data: unknown): unknown {
  if (data && typeof data === 'object' && !Array.isArray(data) && Array.isArray((data as { result?: unknown }).result)) {
    return (data as { result: unknown[] }).result;
  }
  return data;
}

function asArray(data: unknown, what: string): unknown[] {
  if (!Array.isArray(data)) throw malformed(what, 'expected a JSON array', data);
  return data;
}

function malformed(what: string, detail: string, body: unknown, request?: { method: string; url: string; body?: unknown }): FulfillmentError {
  return new FulfillmentError({
    provider: PROVIDER,
    kind: 'malformed_response',
    message: `planviewer: unexpected answer from ${what}: ${detail}`,
    response: body,
    request,
  });
}

/** The seed's status codes, in words a user can act on. */
export function describePlanviewerError(status: number, body: unknown, spec: RequestSpec): { message?: string; providerCode?: string; retryable?: boolean } | undefined {
  const path = spec.path;
  if (path.endsWith('/jobs/order')) {
    const uuids = (spec.json as { uuids?: string[] } | undefined)?.uuids ?? [];
    if (status === 402) return { message: 'planviewer: payment on account is not enabled for this account, so orders cannot be placed through the Product API (HTTP 402)', providerCode: 'payment_required', retryable: false };
    if (status === 429) return { message: 'planviewer: daily order cap reached; the order was not placed. Contact Planviewer to raise the cap (HTTP 429)', providerCode: 'daily_cap', retryable: false };
    if (status === 400) return { message: `planviewer: invalid set of product intention uuids: ${uuids.join(', ')} (HTTP 400)`, providerCode: 'invalid_uuids', retryable: false };
  }
  if (path.endsWith('/jobs/status') && status === 400) {
    return { message: `planviewer: invalid set of job uuids for status (HTTP 400)`, providerCode: 'invalid_uuids', retryable: false };
  }
  const retrieve = /\/jobs\/retrieve\/(.+)$/.exec(path);
  if (retrieve) {
    if (status === 403) return { message: `planviewer: not authorized to retrieve the result of job ${retrieve[1]} (HTTP 403)`, providerCode: 'forbidden', retryable: false };
    if (status === 404) return { message: `planviewer: job ${retrieve[1]} did not finish successfully, no result to retrieve (HTTP 404)`, providerCode: 'not_finished', retryable: false };
  }
  if (status === 401) return { message: 'planviewer: the access key id or secret was refused (HTTP 401)', providerCode: 'unauthorized', retryable: false };
  return undefined;
}
