/**
 * PostGreen (Nirva) client (the provider's guide, api-advanced.html). One method per API call; usable
 * without Node-RED:
 *   const pg = new PostgreenClient({ baseUrl, login, password });
 *   const job = await pg.createJob({ jobName, serviceId, autocreateDeliveryCommand: false, files: [{ path: 'a.pdf' }] });
 *   await pg.close(); // logs out
 *
 * Session rule on HTTP 401: a read (GET, CheckOptions) re-authenticates once
 * and is repeated. A write (job creation, pack group edit, delivery command)
 * is never repeated: the client re-authenticates, so the next attempt works,
 * and reports `session_expired`. The 401 means the server refused the request,
 * but a multipart upload cannot be replayed from a consumed stream, and an
 * order placed twice is the one failure this package must never cause.
 */
import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';
import FormData from 'form-data';
import { HttpClient, HttpMethod, RequestSpec, HttpResponse, extractMessage } from '../../core/http';
import { Redactor } from '../../core/redact';
import { FulfillmentError, invalidInput } from '../../core/errors';
import { DownloadedFile } from '../../core/capabilities';
import { filenameFromDisposition, safeFilename } from '../../core/download';
import { uploadFileStream } from '../../core/upload-file';
import { isPlainObject } from '../../core/validate';
import { AUTH_HEADER, fieldsOf, PostgreenSession, PROVIDER } from './session';
import { OptionLookup, parseOptions, parseOptionTypes, sameId } from './profile';
import { parseDeliveries, parseJob, parsePackGroups, parseSelectableOptions } from './parse';
import { FileFieldNames, fileFieldNames } from './fields';
import {
  CHECK_OPTIONS_ANSWER,
  DELIVERIES_ANSWER,
  DELIVERY_COMMAND_ANSWER,
  EDIT_PACK_GROUP_ANSWER,
  JOB_ANSWER,
  OPTION_TYPES_ANSWER,
  OPTIONS_ANSWER,
  PACK_GROUPS_ANSWER,
} from './shapes';
import {
  PostgreenBox,
  PostgreenClientOptions,
  PostgreenCreateJobRequest,
  PostgreenDelivery,
  PostgreenDeliveryCommand,
  PostgreenDeliveryCommandRequest,
  PostgreenEditPackGroupRequest,
  PostgreenId,
  PostgreenJob,
  PostgreenJobFile,
  PostgreenJobParameters,
  PostgreenOption,
  PostgreenOptionCatalogue,
  PostgreenOptionType,
  PostgreenPackGroup,
  PostgreenProfile,
  PostgreenSelectableOptions,
  PostgreenService,
  PostgreenTrackingFileName,
  PostgreenValue,
  TRACKING_FILE_NAMES,
} from './types';

/** The default from DEFAULT_BASE_URLS; the guide names no host, so users set their PostGreen instance's URL. */
export const POSTGREEN_DEFAULT_BASE_URL = 'https://api.postgreen.com';
const ID = /^[\w.:@~-]{1,200}$/;
/** Statuses that mean "this path takes no such verb" (the option catalogue's GET, the pack group edit's POST). */
const VERB_REFUSED = [404, 405, 501];

/** A file checked and tied to its multipart field, before anything is opened. */
interface PreparedFile {
  field: string;
  box: string;
  filename: string;
  contentType: string;
  source: { data: Buffer } | { stream: Readable } | { path: string };
  size?: number;
}

export class PostgreenClient {
  readonly http: HttpClient;
  /** Uploads go through their own client with no retries at all: a consumed form cannot be sent again. */
  private readonly upload: HttpClient;
  readonly session: PostgreenSession;
  private catalogue?: Promise<PostgreenOptionCatalogue>;
  /** The page shows the option catalogue as GET and as POST: GET first, POST once GET is refused (405, 404 or 501). */
  private catalogueVerb: 'GET' | 'POST' = 'GET';
  /** The pack group edit has no documented verb: POST first, PUT for the account's life once POST is refused as a verb. */
  private editVerb: 'POST' | 'PUT' = 'POST';
  readonly fields: FileFieldNames;

  constructor(options: PostgreenClientOptions) {
    this.fields = fileFieldNames(options.fileField, options.serviceFileField);
    const redactor = new Redactor();
    redactor.add(options.password);
    const common = { provider: PROVIDER, baseUrl: options.baseUrl || POSTGREEN_DEFAULT_BASE_URL, timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes, redactor, describeError: describePostgreenError };
    this.http = new HttpClient(common);
    // The platform answers a job only after it has read every file: uploads get four times the account's timeout.
    this.upload = new HttpClient({ ...common, retry: { attempts: 1 }, timeoutMs: (options.timeoutMs ?? 30_000) * 4 });
    this.session = new PostgreenSession(this.http, options.login, options.password);
  }

  /** POST /authentication/authenticate with profile detail; returns the parsed services. */
  async authenticate(): Promise<PostgreenProfile> {
    return (await this.session.authenticate()).profile;
  }

  /** The profile of the live session (authenticates when there is none). */
  async profile(): Promise<PostgreenProfile> {
    return (await this.session.get()).profile;
  }

  /** POST /authentication/logout. */
  logout(): Promise<boolean> {
    return this.session.logout();
  }

  /** GET options/type (POST where the platform refuses GET: 405, 404 or 501): `[{id, name}]`. */
  async optionTypes(signal?: AbortSignal): Promise<PostgreenOptionType[]> {
    return parseOptionTypes((await this.catalogueCall('/options/type', OPTION_TYPES_ANSWER, signal)).data);
  }

  /** GET options (POST where the platform refuses GET: 405, 404 or 501): `[{id, value, typeId}]`. */
  async options(signal?: AbortSignal): Promise<PostgreenOption[]> {
    return parseOptions((await this.catalogueCall('/options', OPTIONS_ANSWER, signal)).data);
  }

  /** The verb the option catalogue is read with (GET unless the platform refused it). */
  get catalogueMethod(): 'GET' | 'POST' {
    return this.catalogueVerb;
  }

  private catalogueCall(path: string, expect: RequestSpec['expect'], signal?: AbortSignal): Promise<HttpResponse<unknown>> {
    const spec: RequestSpec = { method: this.catalogueVerb, path, expect, safeToRetry: true, signal };
    return this.catalogueVerb === 'GET' ? this.orOtherVerb(spec, 'POST', () => (this.catalogueVerb = 'POST')) : this.call<unknown>(spec);
  }

  /**
   * Sends `spec`; where the platform refuses its verb as a verb (405, or 404 / 501 from a server that routes only the
   * other one), sends it once with `other`, which `switched` keeps for the client's life once it answers. A refusal
   * as a verb changed nothing, so even a call that is not safe to retry may be sent again this way. When `other` is
   * refused as a verb too, the first answer is the one that explains (an unknown pack group, say).
   */
  private async orOtherVerb(spec: RequestSpec, other: HttpMethod, switched: () => void): Promise<HttpResponse<unknown>> {
    const refusedAsVerb = (e: unknown): boolean => e instanceof FulfillmentError && VERB_REFUSED.includes(e.status ?? 0);
    try {
      return await this.call<unknown>(spec);
    } catch (e) {
      if (!refusedAsVerb(e)) throw e;
      try {
        const answer = await this.call<unknown>({ ...spec, method: other });
        switched();
        return answer;
      } catch (again) {
        throw refusedAsVerb(again) ? e : again;
      }
    }
  }

  /** Option types and options, loaded once per client ("options are not meant to change every week"). */
  optionCatalogue(reload = false): Promise<PostgreenOptionCatalogue> {
    if (!this.catalogue || reload) {
      const load = Promise.all([this.optionTypes(), this.options()]).then(([types, options]) => ({ types, options }));
      this.catalogue = load;
      load.catch(() => {
        if (this.catalogue === load) this.catalogue = undefined;
      });
    }
    return this.catalogue;
  }

  async optionLookup(): Promise<OptionLookup> {
    return new OptionLookup(await this.optionCatalogue());
  }

  /** The id of an option by type name and value, e.g. `optionId('print_mode', '2SIDE')`, as the platform sent it. */
  async optionId(typeName: string, value: string): Promise<PostgreenId | undefined> {
    return (await this.optionLookup()).optionId(typeName, value);
  }

  /**
   * POST /jobs (multipart): a `parameters` JSON part, the files (named
   * `file_main<BoxID>_<n>` by default, see `fields`) and the preconfigured
   * service files (`serviceFile__file_<BoxID>_<n>` = service file id). Sent
   * once, never retried.
   */
  async createJob(request: PostgreenCreateJobRequest, signal?: AbortSignal): Promise<PostgreenJob> {
    const checked = checkJobParameters(request);
    const files = checkFiles(request.files);
    await statPaths(files);
    const service = await this.service(checked.serviceId);
    // The service id goes back as the profile gave it (a number stays a number).
    const parameters = { ...checked, serviceId: service.id };
    const prepared = prepareFiles(files, service, this.fields);
    const serviceFiles = serviceFileFields(service, this.fields, request.serviceFiles);
    const form = new FormData();
    form.append('parameters', JSON.stringify(parameters));
    for (const [field, value] of serviceFiles) form.append(field, value);
    // Streams opened here are closed here if the upload never finishes reading them.
    const opened: Readable[] = [];
    for (const f of prepared) {
      const opts = { filename: f.filename, contentType: f.contentType, ...(f.size !== undefined ? { knownLength: f.size } : {}) };
      if ('data' in f.source) form.append(f.field, f.source.data, opts);
      else if ('stream' in f.source) form.append(f.field, f.source.stream, opts);
      else {
        const stream = uploadFileStream(f.source.path);
        opened.push(stream);
        form.append(f.field, stream, opts);
      }
    }
    const describeBody = {
      parameters,
      serviceFiles: Object.fromEntries(serviceFiles),
      files: prepared.map((f) => ({ field: f.field, filename: f.filename, box: f.box, ...(f.size !== undefined ? { size: f.size } : {}) })),
    };
    try {
      const res = await this.call<unknown>({ method: 'POST', path: '/jobs', form, safeToRetry: false, describeBody, signal, expect: JOB_ANSWER }, this.upload);
      return parseJob(res.data, 'POST /jobs');
    } finally {
      for (const s of opened) s.destroy();
    }
  }

  /** GET /jobs/{jobId} */
  async getJob(jobId: PostgreenId, signal?: AbortSignal): Promise<PostgreenJob> {
    const id = checkId(jobId, 'jobId');
    return parseJob((await this.call<unknown>({ method: 'GET', path: `/jobs/${encodeURIComponent(id)}`, signal, expect: JOB_ANSWER })).data, 'GET /jobs/{jobId}');
  }

  /** GET /jobs/{jobId}/packGroups */
  async jobPackGroups(jobId: PostgreenId, signal?: AbortSignal): Promise<PostgreenPackGroup[]> {
    const id = checkId(jobId, 'jobId');
    const res = await this.call<unknown>({ method: 'GET', path: `/jobs/${encodeURIComponent(id)}/packGroups`, signal, expect: PACK_GROUPS_ANSWER });
    return parsePackGroups(res.data, 'GET /jobs/{jobId}/packGroups');
  }

  /**
   * POST /packGroups/{packGroupId}/edit with the RAW values. The guide gives the
   * path but no verb; an edit with a body is a POST on this API's conventions,
   * and PUT where the platform refuses POST there as a verb.
   */
  async editPackGroup(packGroupId: PostgreenId, edit: PostgreenEditPackGroupRequest): Promise<unknown> {
    const id = checkId(packGroupId, 'packGroupId');
    if (!isPlainObject(edit) || !isPlainObject(edit.packRequirements) || Object.keys(edit.packRequirements).length === 0) {
      throw invalidInput('packRequirements', 'give at least one requirement to edit, e.g. {POSTAL_ADDRESS_RECIPIENT: "NAME\\nSTREET\\nZIP CITY"}', PROVIDER);
    }
    const body = { ...edit, packRequirements: normalizeRequirements(edit.packRequirements, 'packRequirements') };
    const spec: RequestSpec = { method: this.editVerb, path: `/packGroups/${encodeURIComponent(id)}/edit`, json: body, safeToRetry: false, expect: EDIT_PACK_GROUP_ANSWER };
    const res = this.editVerb === 'POST' ? await this.orOtherVerb(spec, 'PUT', () => (this.editVerb = 'PUT')) : await this.call<unknown>(spec);
    return res.data ?? {};
  }

  /** GET /deliveries?jobId=.. */
  async deliveries(jobId: PostgreenId, signal?: AbortSignal): Promise<PostgreenDelivery[]> {
    const id = checkId(jobId, 'jobId');
    const res = await this.call<unknown>({ method: 'GET', path: '/deliveries', query: { jobId: id }, signal, expect: DELIVERIES_ANSWER });
    return parseDeliveries(res.data, 'GET /deliveries');
  }

  /** POST /deliveries/CheckOptions?jobId=..: `selectableOptions[packId][channelLabel][outputFile][optionTypeId] = [optionId]`. A read. */
  async checkOptions(jobId: PostgreenId, signal?: AbortSignal): Promise<PostgreenSelectableOptions> {
    const id = checkId(jobId, 'jobId');
    const res = await this.call<unknown>({ method: 'POST', path: '/deliveries/CheckOptions', query: { jobId: id }, safeToRetry: true, signal, expect: CHECK_OPTIONS_ANSWER });
    return parseSelectableOptions(res.data);
  }

  /** POST /deliveries/commands. Sent once, never retried. */
  async createDeliveryCommand(command: PostgreenDeliveryCommandRequest, now = Date.now()): Promise<PostgreenDeliveryCommand> {
    const body = checkDeliveryCommand(command, now);
    const res = await this.call<unknown>({ method: 'POST', path: '/deliveries/commands', json: body, safeToRetry: false, expect: DELIVERY_COMMAND_ANSWER });
    return (res.data ?? {}) as PostgreenDeliveryCommand;
  }

  /** GET /shipments/{shipmentId}/trackingFile/{name}, streamed (TRACKING_DETAIL, ACKN, FAIL_PROOF, CERTIF). */
  async trackingFile(shipmentId: string, name: PostgreenTrackingFileName, signal?: AbortSignal): Promise<DownloadedFile> {
    const id = checkId(shipmentId, 'shipmentId');
    if (!TRACKING_FILE_NAMES.includes(name)) throw invalidInput('name', `must be one of ${TRACKING_FILE_NAMES.join(', ')}`, PROVIDER);
    // A PDF proof or the JSON detail: asked for with */*, not the JSON default of the other calls.
    const res = await this.call<Readable>({ method: 'GET', path: `/shipments/${encodeURIComponent(id)}/trackingFile/${name}`, headers: { Accept: '*/*' }, responseType: 'stream', signal });
    const length = res.headers['content-length'];
    const ext = name === 'TRACKING_DETAIL' ? 'json' : 'pdf';
    return {
      stream: res.data,
      filename: safeFilename(filenameFromDisposition(res.headers['content-disposition']), `${id}_${name}.${ext}`),
      contentType: res.headers['content-type'],
      contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    };
  }

  /** The service of the profile by id (or name), with a clear error listing what exists. */
  async service(serviceIdOrName: string): Promise<PostgreenService> {
    const { services } = await this.profile();
    // A profile we could not read must not block jobs: the ids are then taken as given (boxes must be named per file).
    if (services.length === 0) return { id: serviceIdOrName, name: serviceIdOrName, boxes: [], channels: [] };
    const found = services.find((s) => sameId(s.id, serviceIdOrName)) ?? services.find((s) => s.name === serviceIdOrName);
    if (found) return found;
    const known = services.map((s) => `${s.id} (${s.name})`).join(', ') || 'none in the profile';
    throw invalidInput('serviceId', `unknown service "${serviceIdOrName}"; this login has: ${known}`, PROVIDER);
  }

  /** Logs out, then frees the sockets. */
  async close(): Promise<void> {
    try {
      await this.session.logout();
    } finally {
      this.http.close();
      this.upload.close();
    }
  }

  /** Sends with the session token; on 401 re-authenticates once (see the header comment for reads vs writes). */
  private async call<T>(spec: RequestSpec, via: HttpClient = this.http): Promise<HttpResponse<T>> {
    const read = spec.method === 'GET' || spec.safeToRetry === true;
    const state = await this.session.get();
    try {
      return await via.request<T>({ ...spec, headers: { ...spec.headers, [AUTH_HEADER]: state.token } });
    } catch (e) {
      if (!(e instanceof FulfillmentError) || e.status !== 401) throw e;
      this.session.invalidate(state.token);
      const renewed = await this.session.get();
      if (read) return via.request<T>({ ...spec, headers: { ...spec.headers, [AUTH_HEADER]: renewed.token } });
      throw new FulfillmentError({
        ...fieldsOf(e),
        providerCode: 'session_expired',
        retryable: true,
        message: `postgreen: ${spec.method} ${spec.path} was refused because the session token had expired (HTTP 401); PostGreen did not accept it, so nothing was created. The session is renewed: send the message again`,
      });
    }
  }
}

/**
 * Messages that say what the status means, per call. Only a job refused
 * with 400 / 422 is "probably not compatible" (the guide's words for a job
 * that gets no return); a 429 or 413 says so, and nothing is claimed for the
 * statuses the guide does not explain.
 */
export function describePostgreenError(status: number, body: unknown, spec: RequestSpec): { message?: string; providerCode?: string; retryable?: boolean } | undefined {
  const why = extractMessage(body);
  const tail = why ? `: ${why}` : '';
  const what = `${spec.method} ${spec.path}`;
  const job = spec.path === '/jobs' && spec.method === 'POST';
  if (status === 401) return { providerCode: 'unauthorized', retryable: false };
  if (status === 429) {
    return {
      providerCode: 'rate_limited',
      retryable: true,
      message: `postgreen: ${what} was refused with HTTP 429 (too many requests)${tail}; ${job ? 'the job was not taken: send it again later' : 'try again later'}`,
    };
  }
  if (!job || status < 400 || status >= 500) return undefined;
  if (status === 400 || status === 422) {
    return {
      providerCode: 'job_refused',
      retryable: false,
      message: `postgreen: the job was refused (HTTP ${status})${tail}; the files sent are probably not compatible with the service (check boxes, service files and the PDFs)`,
    };
  }
  if (status === 413) return { providerCode: 'job_too_large', retryable: false, message: `postgreen: the job was refused (HTTP 413): the upload is larger than the platform accepts${tail}` };
  if (status === 403) return { providerCode: 'forbidden', retryable: false, message: `postgreen: the job was refused (HTTP 403): this login may not create jobs for this service${tail}` };
  if (status === 404) return { providerCode: 'not_found', retryable: false, message: `postgreen: POST /jobs was not found (HTTP 404)${tail}; check the account's base URL` };
  return { providerCode: 'job_refused', retryable: false, message: `postgreen: the job was refused (HTTP ${status})${tail}` };
}

function checkId(value: unknown, field: string): string {
  const v = typeof value === 'number' ? String(value) : value;
  if (typeof v !== 'string' || !ID.test(v)) throw invalidInput(field, 'is required: letters, digits and . _ - : @ ~ only, at most 200 characters', PROVIDER);
  return v;
}

/** Plain strings become `{"@type": "exv.Value", value}`; objects are sent as given (the RAW value). */
export function normalizeRequirements(input: unknown, field: string): Record<string, PostgreenValue> {
  if (!isPlainObject(input)) throw invalidInput(field, 'must be an object of requirement name -> value', PROVIDER);
  const out: Record<string, PostgreenValue> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!/^[A-Za-z][\w.-]{0,100}$/.test(name)) throw invalidInput(`${field}.${name}`, 'is not a valid requirement name', PROVIDER);
    if (typeof value === 'string') out[name] = { '@type': 'exv.Value', value };
    else if (isPlainObject(value) && 'value' in value) out[name] = { '@type': 'exv.Value', ...value } as PostgreenValue;
    else throw invalidInput(`${field}.${name}`, 'must be a string or {"@type": "exv.Value", "value": ...}', PROVIDER);
  }
  return out;
}

function checkJobParameters(r: PostgreenCreateJobRequest): PostgreenJobParameters & { serviceId: string } {
  if (!isPlainObject(r)) throw invalidInput('job', 'must be an object', PROVIDER);
  if (typeof r.jobName !== 'string' || r.jobName.trim() === '') throw invalidInput('jobName', 'is required', PROVIDER);
  // The profile may give service ids as numbers: one taken from authenticate's output is looked up as its digits.
  const serviceId = typeof r.serviceId === 'number' && Number.isFinite(r.serviceId) ? String(r.serviceId) : r.serviceId;
  if (typeof serviceId !== 'string' || serviceId.trim() === '') throw invalidInput('serviceId', 'is required (see the services output of authenticate)', PROVIDER);
  if (typeof r.autocreateDeliveryCommand !== 'boolean') throw invalidInput('autocreateDeliveryCommand', 'must be true or false', PROVIDER);
  const p: PostgreenJobParameters & { serviceId: string } = { jobName: r.jobName, serviceId, autocreateDeliveryCommand: r.autocreateDeliveryCommand };
  if (r.packRequirements !== undefined) p.packRequirements = normalizeRequirements(r.packRequirements, 'packRequirements');
  return p;
}

function checkFiles(files: unknown): PostgreenJobFile[] {
  if (!Array.isArray(files) || files.length === 0) throw invalidInput('files', 'at least one file is required', PROVIDER);
  return files.map((f, i) => {
    const field = `files[${i}]`;
    if (!isPlainObject(f)) throw invalidInput(field, 'must be {filename, data|path|stream, box}', PROVIDER);
    const file = f as PostgreenJobFile;
    const sources = [file.data !== undefined, file.stream !== undefined, file.path !== undefined].filter(Boolean).length;
    if (sources !== 1) throw invalidInput(field, 'needs exactly one of data (Buffer), stream or path', PROVIDER);
    if (file.data !== undefined && !Buffer.isBuffer(file.data)) throw invalidInput(`${field}.data`, 'must be a Buffer', PROVIDER);
    if (file.data !== undefined && file.data.length === 0) throw invalidInput(`${field}.data`, 'is empty', PROVIDER);
    if (file.stream !== undefined && !(file.stream instanceof Readable)) throw invalidInput(`${field}.stream`, 'must be a readable stream', PROVIDER);
    if (file.path !== undefined && (typeof file.path !== 'string' || file.path === '')) throw invalidInput(`${field}.path`, 'must be a file path', PROVIDER);
    if (file.box !== undefined && (typeof file.box !== 'string' || file.box === '')) throw invalidInput(`${field}.box`, 'must be a box id or name', PROVIDER);
    if (file.filename !== undefined && typeof file.filename !== 'string') throw invalidInput(`${field}.filename`, 'must be a string', PROVIDER);
    return { ...file };
  });
}

/** Every path must be a readable file before anything is sent. */
async function statPaths(files: PostgreenJobFile[]): Promise<void> {
  await Promise.all(files.map(async (f, i) => {
    if (f.path === undefined) return;
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(f.path);
      await fs.promises.access(f.path, fs.constants.R_OK);
    } catch {
      throw invalidInput(`files[${i}].path`, `file not found or not readable: ${f.path}`, PROVIDER);
    }
    if (!stat.isFile()) throw invalidInput(`files[${i}].path`, `not a file: ${f.path}`, PROVIDER);
    if (stat.size === 0) throw invalidInput(`files[${i}].path`, `the file is empty: ${f.path}`, PROVIDER);
    f.size = stat.size;
  }));
}

function findBox(service: PostgreenService, wanted: string | undefined, field: string): PostgreenBox {
  if (wanted === undefined) {
    const box = service.boxes.find((b) => b.main) ?? service.boxes[0];
    if (!box) throw invalidInput(field, `service ${service.id} has no boxes in the profile; give the box id`, PROVIDER);
    return box;
  }
  const box = service.boxes.find((b) => b.id === wanted) ?? service.boxes.find((b) => b.name === wanted) ?? service.boxes.find((b) => b.name.toLowerCase() === wanted.toLowerCase());
  if (box) return box;
  if (service.boxes.length === 0) return { id: wanted, name: wanted, type: '', main: true, serviceFileIds: [] };
  throw invalidInput(field, `unknown box "${wanted}" in service ${service.id}; its boxes: ${service.boxes.map((b) => `${b.id} (${b.name})`).join(', ')}`, PROVIDER);
}

function contentTypeOf(filename: string): string {
  const ext = path.extname(filename).toLowerCase();
  if (ext === '.pdf') return 'application/pdf';
  if (ext === '.csv') return 'text/csv';
  if (ext === '.xml') return 'application/xml';
  if (ext === '.json') return 'application/json';
  return 'application/octet-stream';
}

/** Ties each file to its multipart field (`file_main<BoxID>_<n>` by default), numbering per box from 0 in the order given. */
function prepareFiles(files: PostgreenJobFile[], service: PostgreenService, fields: FileFieldNames): PreparedFile[] {
  const counters = new Map<string, number>();
  return files.map((f, i) => {
    const box = findBox(service, f.box, `files[${i}].box`);
    const n = counters.get(box.id) ?? 0;
    counters.set(box.id, n + 1);
    const filename = safeFilename(f.filename ?? (f.path ? path.basename(f.path) : undefined), `document_${i + 1}.pdf`);
    const source = f.data !== undefined ? { data: f.data } : f.stream !== undefined ? { stream: f.stream } : { path: f.path as string };
    const size = f.data !== undefined ? f.data.length : f.size;
    return { field: fields.file(box, n), box: box.id, filename, contentType: f.contentType ?? contentTypeOf(filename), source, size };
  });
}

/** `serviceFile__file_<BoxID>_<n>` = serviceFileId for every preconfigured file of the service's boxes. */
function serviceFileFields(service: PostgreenService, fields: FileFieldNames, override?: Record<string, string[]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (override !== undefined) {
    if (!isPlainObject(override)) throw invalidInput('serviceFiles', 'must be {BoxID: [serviceFileId, ...]}', PROVIDER);
    for (const [boxId, ids] of Object.entries(override)) {
      if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string' || x === '')) throw invalidInput(`serviceFiles.${boxId}`, 'must be an array of service file ids', PROVIDER);
      const box = service.boxes.find((b) => b.id === boxId) ?? { id: boxId, name: boxId, type: '', main: false, serviceFileIds: [] };
      ids.forEach((id, n) => out.push([fields.serviceFile(box, n), id]));
    }
    return out;
  }
  for (const box of service.boxes) box.serviceFileIds.forEach((id, n) => out.push([fields.serviceFile(box, n), id]));
  return out;
}

/** An option or pack group id as given: a non-empty string or a finite number (sent in that type). */
function isWireId(x: unknown): x is PostgreenId {
  return (typeof x === 'string' && x !== '') || (typeof x === 'number' && Number.isFinite(x));
}

function checkDeliveryCommand(c: PostgreenDeliveryCommandRequest, now: number): PostgreenDeliveryCommandRequest {
  if (!isPlainObject(c)) throw invalidInput('command', 'must be an object', PROVIDER);
  // A number stays a number: the job id goes back in the type the job answer gave it.
  const jobId = typeof c.jobId === 'number' ? (checkId(c.jobId, 'jobId'), c.jobId) : checkId(c.jobId, 'jobId');
  const sco = c.serviceChannelOptions;
  if (!isPlainObject(sco)) throw invalidInput('serviceChannelOptions', 'must be {channelLabel: {outputFileName: [optionId, ...]}}', PROVIDER);
  for (const [label, files] of Object.entries(sco)) {
    if (!isPlainObject(files)) throw invalidInput(`serviceChannelOptions.${label}`, 'must be {outputFileName: [optionId, ...]}', PROVIDER);
    for (const [file, ids] of Object.entries(files)) {
      if (!Array.isArray(ids) || !ids.every(isWireId)) throw invalidInput(`serviceChannelOptions.${label}.${file}`, 'must be an array of option ids', PROVIDER);
    }
  }
  const body: PostgreenDeliveryCommandRequest = { jobId, serviceChannelOptions: sco };
  if (c.packGroupIds !== undefined) {
    if (!Array.isArray(c.packGroupIds) || c.packGroupIds.length === 0) throw invalidInput('packGroupIds', 'must be a non-empty array (leave it out to send every pack group)', PROVIDER);
    body.packGroupIds = c.packGroupIds.map((id, i) => {
      checkId(id, `packGroupIds[${i}]`);
      return id;
    });
  }
  if (c.expectedPostDate !== undefined) {
    const d = c.expectedPostDate;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1e12) throw invalidInput('expectedPostDate', 'must be epoch milliseconds (e.g. 1733889600000)', PROVIDER);
    if (d <= now) throw invalidInput('expectedPostDate', `must be in the future (got ${new Date(d).toISOString()})`, PROVIDER);
    body.expectedPostDate = d;
  }
  return body;
}
