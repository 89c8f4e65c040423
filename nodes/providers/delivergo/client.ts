/**
 * delivergo Resale Unit client (seed 003). One method per API call; usable
 * without Node-RED:
 *   const dg = new DelivergoClient({ apiKey, apiSecret, portalNamespace, customerGuid, format: 'xml' });
 *   const units = await dg.list();
 * Whatever the wire format, methods take and return the same objects, with
 * ISO 8601 dates.
 */
import { HttpClient, RequestSpec, ErrorDescription } from '../../core/http';
import { Redactor } from '../../core/redact';
import { basicAuth, requireCredential } from '../../core/auth';
import { FulfillmentError } from '../../core/errors';
import { XmlError, parseXml } from '../../core/xml';
import { DelivergoClientOptions, DelivergoFormat, ResaleUnit } from './types';
import { checkAdd, checkDelete, checkUpdate } from './validate';
import { answerFormat, decodeUnits, encodeUnit, mediaType } from './wire';

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
    const answer = await this.call({ method: 'GET', path: this.path, signal }, undefined);
    if (!answer) return [];
    if (answer.scalar !== undefined) throw this.malformed('GET', 'expected a list of Resale Units', answer.scalar);
    return answer.units;
  }

  /** PUT (the seed's verb for add): creates a Resale Unit. Never retried. */
  async add(unit: unknown, signal?: AbortSignal): Promise<ResaleUnit> {
    const body = checkAdd(unit, 'unit');
    return this.one('PUT', body, signal);
  }

  /** POST (the seed's verb for update): changes the Resale Unit with this Id. */
  async update(unit: unknown, signal?: AbortSignal): Promise<ResaleUnit> {
    const body = checkUpdate(unit, 'unit');
    return this.one('POST', body, signal);
  }

  /** DELETE with a body `{Id}`, as the seed shows. */
  async delete(unitOrId: unknown, signal?: AbortSignal): Promise<ResaleUnit> {
    const body = checkDelete(unitOrId, 'unit');
    return this.one('DELETE', body, signal);
  }

  /** Sends one unit; the answer's unit, or (empty answer) what was sent. */
  private async one(method: 'PUT' | 'POST' | 'DELETE', body: ResaleUnit, signal?: AbortSignal): Promise<ResaleUnit> {
    const wire = encodeUnit(body, this.format);
    const answer = await this.call({ method, path: this.path, raw: wire, describeBody: body, safeToRetry: false, signal }, body);
    if (!answer) return { ...body };
    if (answer.scalar !== undefined) {
      // Some services answer an add with the new Id alone.
      return typeof answer.scalar === 'number' && method === 'PUT' ? { ...body, Id: answer.scalar } : { ...body };
    }
    if (answer.units.length === 1) return answer.units[0];
    const id = (body as { Id?: number }).Id;
    return answer.units.find((u) => id !== undefined && u.Id === id) ?? { ...body };
  }

  private async call(spec: RequestSpec, sent: ResaleUnit | undefined): Promise<ReturnType<typeof decodeUnits>> {
    const accept = mediaType(this.format);
    const res = await this.http.request<string>({ ...spec, responseType: 'text', headers: { Accept: accept } });
    const text = res.data ?? '';
    const format = answerFormat(res.headers['content-type'], text, this.format);
    try {
      return decodeUnits(text, format);
    } catch (e) {
      const detail = e instanceof XmlError ? e.message : `not valid ${format === 'xml' ? 'XML' : 'JSON'}`;
      throw this.malformed(spec.method, detail, text.slice(0, 2000), sent);
    }
  }

  private malformed(method: string, detail: string, body: unknown, sent?: unknown): FulfillmentError {
    return new FulfillmentError({
      provider: PROVIDER,
      kind: 'malformed_response',
      message: `delivergo: unexpected answer to ${method} ResaleUnits: ${detail}`,
      response: this.http.redactor.data(body),
      request: { method, url: this.http.redactor.text(this.http.url(this.path)), body: sent },
    });
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
    return { message: `delivergo: the API key or secret was refused (HTTP ${status})`, providerCode: 'unauthorized', providerMessage: fromXml, retryable: false };
  }
  if (status === 404) {
    return { message: `delivergo: ${spec.method} ResaleUnits: not found (HTTP 404); check the portal namespace, the customer GUID and the Id${fromXml ? `: ${fromXml}` : ''}`, providerCode: 'not_found', providerMessage: fromXml, retryable: false };
  }
  return fromXml ? { providerMessage: fromXml } : undefined;
}
