/**
 * Planviewer Product API client. One method per API call, each checking its
 * answer against the documented shape; usable without Node-RED:
 *   const pv = new PlanviewerClient({ apiKey, apiSecret });
 *   const [best] = await pv.search({ entity: 'adres', query: { bool: { must: [
 *     { field: { fields: ['postcode'], query: '6512EX' } },
 *     { field: { method: 'match', fields: ['huisnummer'], query: '2' } }] } } });
 *   const jobs = await pv.order(['0fe30323-...']);
 */
import { ErrorDescription, HttpClient, RequestSpec } from '../../core/http';
import { Redactor } from '../../core/redact';
import { basicAuth, requireCredential } from '../../core/auth';
import { FulfillmentError } from '../../core/errors';
import { DownloadedFile } from '../../core/capabilities';
import { filenameFromDisposition, safeFilename } from '../../core/download';
import { uuidList } from '../../core/validate';
import { Readable } from 'stream';
import * as shapes from './shapes';
import {
  PlanviewerClientOptions,
  PlanviewerDocument,
  PlanviewerIntentionsRequest,
  PlanviewerLocation,
  PlanviewerLocationIntentions,
  PlanviewerOrderedJob,
  PlanviewerProduct,
  PlanviewerSearchRequest,
  PlanviewerStatus,
  PlanviewerWaiting,
} from './types';

export const PLANVIEWER_DEFAULT_BASE_URL = 'https://www.planviewer.nl';
const API = '/product_api/v1';
const PROVIDER = 'planviewer';
const STATUS_KEY = 'uuids[]';
/** What an undocumented answer (kik/select) may keep in a message. */
const MAX_FREE_ANSWER_CHARS = 10_000;

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
    const res = await this.http.request({ method: 'POST', path: `${API}/jobs/order`, json: { uuids: checked }, safeToRetry: false, expect: shapes.orderedJobs });
    return res.data;
  }

  /** GET /jobs/status?uuids[]=..: many jobs per request, split only where the URL would grow too long. */
  async status(jobUuids: string[]): Promise<PlanviewerStatus[]> {
    const checked = uuidList(jobUuids, 'uuids');
    const batches = this.statusBatches(checked);
    const results = await Promise.all(
      batches.map(async (batch) => (await this.http.request({ method: 'GET', path: `${API}/jobs/status`, query: { [STATUS_KEY]: batch }, expect: shapes.statuses })).data),
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

  /** GET /jobs/retrieve/{uuid}: the result file (a PDF, or JSON for the `-json` products) as a stream with its name. */
  async retrieve(jobUuid: string, signal?: AbortSignal): Promise<DownloadedFile> {
    const [uuid] = uuidList(jobUuid, 'uuid');
    // A PDF or a JSON document, as the product makes it: the documented example asks with no Accept; */* is the same.
    const res = await this.http.request<Readable>({ method: 'GET', path: `${API}/jobs/retrieve/${uuid}`, headers: { Accept: '*/*' }, responseType: 'stream', signal });
    const length = res.headers['content-length'];
    const contentType = res.headers['content-type'];
    const extension = /json/i.test(contentType ?? '') ? 'json' : 'pdf';
    return {
      stream: res.data,
      filename: safeFilename(filenameFromDisposition(res.headers['content-disposition']), `${uuid}.${extension}`),
      contentType,
      contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    };
  }

  /** GET /products/list: the products this account can order, by slug. */
  async listProducts(): Promise<PlanviewerProduct[]> {
    return (await this.http.request({ method: 'GET', path: `${API}/products/list`, expect: shapes.products })).data;
  }

  /** POST /search/structured: locations for a structured query, best score first. A read: retried like one. */
  async search(request: PlanviewerSearchRequest): Promise<PlanviewerLocation[]> {
    return (await this.http.request({ method: 'POST', path: `${API}/search/structured`, json: request, safeToRetry: true, expect: shapes.locations })).data;
  }

  /** POST /intentions/list: the product intentions per location; an empty list means nothing is available. */
  async listIntentions(request: PlanviewerIntentionsRequest): Promise<PlanviewerLocationIntentions[]> {
    return (await this.http.request({ method: 'POST', path: `${API}/intentions/list`, json: request, safeToRetry: true, expect: shapes.intentions })).data;
  }

  /** GET /kik/waiting/{job}: the locations a job in `waiting for user` can continue with. */
  async waiting(jobUuid: string): Promise<PlanviewerWaiting> {
    const [uuid] = uuidList(jobUuid, 'uuid');
    return (await this.http.request({ method: 'GET', path: `${API}/kik/waiting/${uuid}`, expect: shapes.waiting })).data;
  }

  /**
   * POST /kik/select/{job} `{select: [index]}`: continues a waiting job. Sent
   * once. The answer is not documented: any 2xx body is accepted (parsed when
   * it is JSON), except Planviewer's own error shape.
   */
  async select(jobUuid: string, select: number[]): Promise<unknown> {
    const [uuid] = uuidList(jobUuid, 'uuid');
    const spec: RequestSpec = { method: 'POST', path: `${API}/kik/select/${uuid}`, json: { select }, safeToRetry: false, responseType: 'text' };
    const res = await this.http.request<string>(spec);
    const answer = freeAnswer(res.data);
    const refused = shapes.planviewerErrorMessage(answer);
    if (refused !== undefined) {
      // A success status with an error body: whether the choice was taken cannot be told, so the guard keeps it.
      const r = this.http.redactor;
      throw new FulfillmentError({
        provider: PROVIDER,
        kind: 'outcome_unknown',
        status: res.status,
        providerCode: 'answer_error',
        providerMessage: r.text(refused),
        message: r.text(`planviewer: POST ${spec.path} answered HTTP ${res.status} with an error ("${refused.slice(0, 200)}"); whether the choice was taken is unknown: check the job with poll status before choosing again`),
        request: { method: 'POST', url: r.text(this.http.url(spec.path)), body: { select } },
        response: r.data(answer),
        requestId: res.requestId,
      });
    }
    return answer;
  }

  /** GET /documents/list/{uuid}: the documents linked to a Kadaster product order. */
  async listDocuments(orderUuid: string): Promise<PlanviewerDocument[]> {
    const [uuid] = uuidList(orderUuid, 'uuid');
    return (await this.http.request({ method: 'GET', path: `${API}/documents/list/${uuid}`, expect: shapes.documents })).data;
  }

  close(): void {
    this.http.close();
  }
}

/** An undocumented answer: JSON when it parses, otherwise its (bounded) text; nothing is null. */
function freeAnswer(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > MAX_FREE_ANSWER_CHARS ? `${text.slice(0, MAX_FREE_ANSWER_CHARS)}…` : text;
  }
}

/** The documented status codes, in words a user can act on. */
export function describePlanviewerError(status: number, _body: unknown, spec: RequestSpec): ErrorDescription | undefined {
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
  if (path.endsWith('/search/structured') && status === 400) {
    return { message: 'planviewer: the search was refused: invalid entity or query (HTTP 400)', providerCode: 'invalid_query', retryable: false };
  }
  if (path.endsWith('/intentions/list') && status === 400) {
    return { message: 'planviewer: the intentions request was refused: uuids (locations) and products (slugs) are both needed (HTTP 400)', providerCode: 'invalid_request', retryable: false };
  }
  const job = /\/(jobs\/retrieve|kik\/waiting|kik\/select|documents\/list)\/(.+)$/.exec(path);
  if (job) {
    const [, call, uuid] = job;
    if (status === 403) {
      const what = call === 'jobs/retrieve' ? `retrieve the result of job ${uuid}` : `${call} of ${uuid}`;
      return { message: `planviewer: not authorized to ${what} (HTTP 403)`, providerCode: 'forbidden', retryable: false };
    }
    if (status === 404 && call === 'jobs/retrieve') return { message: `planviewer: job ${uuid} did not finish successfully, no result to retrieve (HTTP 404)`, providerCode: 'not_finished', retryable: false };
    if (status === 404 && call.startsWith('kik/')) return { message: `planviewer: job ${uuid} is unknown or not waiting for a choice (HTTP 404)`, providerCode: 'not_waiting', retryable: false };
    if (status === 404) return { message: `planviewer: no documents for ${uuid}: unknown, or not a Kadaster product order (HTTP 404)`, providerCode: 'not_found', retryable: false };
    if (status === 400 && call === 'kik/select') return { message: `planviewer: the choice for job ${uuid} was refused (HTTP 400)`, providerCode: 'invalid_choice', retryable: false };
  }
  if (status === 401) return { message: 'planviewer: the access key id or secret was refused (HTTP 401)', providerCode: 'unauthorized', field: 'apiKey', retryable: false };
  return undefined;
}
