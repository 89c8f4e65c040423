/**
 * delivergo Resale Unit client. One method per API call; usable without
 * Node-RED:
 *   const dg = new DelivergoClient({ apiKey, apiSecret, portalNamespace, customerGuid, format: 'xml' });
 *   const units = await dg.list();
 * Whatever the wire format, methods take and return the same objects, with
 * ISO 8601 dates. The answer format is asked for both ways the documentation
 * names: the `Accept` header and the `format` query parameter.
 */
import { HttpClient, RequestSpec, ErrorDescription } from '../../core/http';
import { Redactor } from '../../core/redact';
import { basicAuth, requireCredential } from '../../core/auth';
import { FulfillmentError } from '../../core/errors';
import { XmlError, parseXml } from '../../core/xml';
import { Shape } from '../../core/shape';
import { DelivergoClientOptions, DelivergoFormat, ResaleUnit } from './types';
import { checkAdd, checkDelete, checkUpdate } from './validate';
import { answerFormat, encodeUnit, mediaType, normalizeUnit, readAnswer } from './wire';
import { CHANGE_ANSWER, UNIT_LIST } from './shapes';

export const DELIVERGO_DEFAULT_BASE_URL = 'https://api.delivergo.com';
const PROVIDER = 'delivergo';

export class DelivergoClient {
  readonly http: HttpClient;
  readonly format: DelivergoFormat;
  private readonly options: DelivergoClientOptions;

  constructor(options: DelivergoClientOptions) {
    this.options = options;
    this.format = options.format === 'xml' ? 'xml' : 'json';
    const redactor = new Redactor();
    redactor.add(options.apiSecret);
    this.http = new HttpClient({
      provider: PROVIDER,
      baseUrl: options.baseUrl || DELIVERGO_DEFAULT_BASE_URL,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      redactor,
      authHeaders: () => basicAuth(requireCredential(PROVIDER, 'API key', options.apiKey), requireCredential(PROVIDER, 'API secret', options.apiSecret), redactor),
      describeError: describeDelivergoError,
    });
  }

  /** `/portal/{portalNamespace}/api/Customer/{customerGuid}/ResaleUnits` */
  get path(): string {
    const ns = requireSetting('portal namespace', this.options.portalNamespace);
    const customer = requireSetting('customer GUID', this.options.customerGuid);
    return `/portal/${encodeURIComponent(ns)}/api/Customer/${encodeURIComponent(customer)}/ResaleUnits`;
  }

  /** GET: every Resale Unit of the customer. */
  async list(signal?: AbortSignal): Promise<ResaleUnit[]> {
    const answer = await this.call({ method: 'GET', path: this.path, signal });
    if (answer.value === undefined) throw answer.fail('it is empty, not a list of Resale Units');
    return answer.read(UNIT_LIST).map(normalizeUnit);
  }

  /** PUT (the documented verb for add): creates a Resale Unit. Never retried. */
  async add(unit: unknown, signal?: AbortSignal): Promise<ResaleUnit> {
    const body = checkAdd(unit, 'unit');
    return this.one('PUT', body, signal);
  }

  /** POST (the documented verb for update): changes the Resale Unit with this Id. */
  async update(unit: unknown, signal?: AbortSignal): Promise<ResaleUnit> {
    const body = checkUpdate(unit, 'unit');
    return this.one('POST', body, signal);
  }

  /** DELETE with a body `{"Id": 1}`, as documented (its example's trailing comma left out). */
  async delete(unitOrId: unknown, signal?: AbortSignal): Promise<ResaleUnit> {
    const body = checkDelete(unitOrId, 'unit');
    return this.one('DELETE', body, signal);
  }

  /**
   * Sends one unit. What these calls answer is not documented: the unit (or a
   * list holding it), `true`, the new Id (add), or nothing are read; when the
   * answer carries no unit, the unit that was sent is returned (with the new
   * Id when add answered one). Anything else is outcome_unknown: the change
   * has probably been made.
   */
  private async one(method: 'PUT' | 'POST' | 'DELETE', body: ResaleUnit, signal?: AbortSignal): Promise<ResaleUnit> {
    const wire = encodeUnit(body, this.format);
    const reply = await this.call({ method, path: this.path, raw: wire, describeBody: body, safeToRetry: false, signal });
    if (reply.value === undefined) return { ...body };
    const answer = reply.read(CHANGE_ANSWER);
    if (answer.kind === 'ack') return { ...body };
    if (answer.kind === 'id') return method === 'PUT' ? { ...body, Id: answer.id } : { ...body };
    const units = answer.units.map(normalizeUnit);
    if (units.length === 1) return units[0];
    const id = body.Id;
    return units.find((u) => id !== undefined && u.Id === id) ?? { ...body };
  }

  /**
   * Sends, and parses the answer in the format it came in. `read` checks it
   * against a shape (HttpClient.checkAnswer: malformed_response for list,
   * outcome_unknown for the calls that change something); `fail` is the same
   * error for an answer that cannot be parsed at all.
   */
  private async call(spec: RequestSpec): Promise<{ value: unknown; read: <T>(shape: Shape<T>) => T; fail: (why: string) => FulfillmentError }> {
    const request: RequestSpec = { ...spec, query: { format: this.format }, responseType: 'text', headers: { Accept: mediaType(this.format) } };
    const res = await this.http.request<string>(request);
    const text = res.data ?? '';
    const sent = { method: spec.method, url: this.http.redactor.text(this.http.url(spec.path, request.query)), body: this.http.redactor.data(spec.describeBody) };
    const fail = (why: string): FulfillmentError => this.http.unreadableAnswer(spec, res.status, why, text, res.requestId, sent);
    const format = answerFormat(res.headers['content-type'], text, this.format);
    let value: unknown;
    try {
      value = readAnswer(text, format);
    } catch (e) {
      throw fail(e instanceof XmlError ? e.message : `it is not valid ${format === 'xml' ? 'XML' : 'JSON'}`);
    }
    return { value, fail, read: (shape) => this.http.checkAnswer(shape, value, spec, res.status, res.requestId, sent) };
  }

  close(): void {
    this.http.close();
  }
}

function requireSetting(name: string, value: string | undefined): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FulfillmentError({ provider: PROVIDER, kind: 'config', field: name, message: `delivergo: the account has no ${name}; open the account node and fill it in` });
  }
  return value.trim();
}

/** A message from an XML error body (`<Message>`, `<error>`...), else the usual JSON shapes. */
function xmlMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || !body.trim().startsWith('<')) return undefined;
  try {
    const doc = parseXml(body);
    const c = doc.content;
    if (typeof c === 'string') return c || undefined;
    if (c && typeof c === 'object') {
      for (const key of ['Message', 'message', 'Error', 'error', 'Detail', 'Reason']) {
        const v = (c as Record<string, unknown>)[key];
        if (typeof v === 'string' && v.trim()) return v.trim();
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function describeDelivergoError(status: number, body: unknown, spec: RequestSpec): ErrorDescription | undefined {
  const fromXml = xmlMessage(body);
  if (status === 401 || status === 403) {
    return { message: `delivergo: the API key or secret was refused (HTTP ${status})`, providerCode: 'unauthorized', field: 'apiKey', providerMessage: fromXml, retryable: false };
  }
  if (status === 404) {
    return { message: `delivergo: ${spec.method} ResaleUnits: not found (HTTP 404); check the portal namespace, the customer GUID and the Id${fromXml ? `: ${fromXml}` : ''}`, providerCode: 'not_found', providerMessage: fromXml, retryable: false };
  }
  return fromXml ? { providerMessage: fromXml } : undefined;
}
