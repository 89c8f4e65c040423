/**
 * PostGreen (Nirva) emulation, mounted at /postgreen, as the provider's pages
 * describe the API (api-advanced, api-simple, api-samples, api-appendix on
 * api.cloud.nirva-software.com).
 *
 * Logins: any login with a non-empty password, except password `wrong` or
 * login `denied` (401). The token comes back in BOTH the `X-Auth-Token`
 * header and the body `token` (`state.tokenHeader` / `state.tokenField` change
 * that); every other call needs the `X-Auth-Token`
 * header, else 401. Tests call `state.expireTokens()` to make every live
 * token answer 401, and read `state.authenticateCalls` / `state.logoutCalls`.
 *
 * Authenticate reads `withProfileDetail: true` from the body or the query
 * string (`state.profileDetailFrom` narrows it to one); without it the profile
 * has no services. The guide calls a box's service files configuredFiles,
 * coniguredFiles and preconfiguredFiles: `state.configuredFilesKey` picks the
 * key the profile uses.
 *
 * The profile has one service `SRV_LETTER` ("Registered letter") with two
 * boxes: `BX101` (@type MAIN, name "Letters", the letters) and `BX102`
 * (@type ANNEX, name "Annexes", with the configured file `SF_BACKGROUND_7`,
 * which every job must send as a service file field), and one channel whose
 * label is `LETTRE_RECOMMANDEE` and whose NAME is `postal_registered_fr`
 * (sending the name is refused with 400). Output files: MAIN, ADDRESS_PAGE.
 *
 * Options: option type and option ids are NUMBERS (print_mode = 3107, 2SIDE =
 * 77002, see SANDBOX_OPTIONS); a delivery command must send them back as
 * numbers (the string "77002" is refused as an unknown option id). With
 * `state.selectableAs = 'value'`, CheckOptions lists the option values
 * themselves ("2SIDE", the guide's "[OptionValue1, OptionValue2]") and the
 * command must send those. The
 * catalogue answers GET and POST (the pages show both); its options are keyed
 * by option type id, or by type name with `state.optionsKeyedBy = 'name'`; `state.optionMethods
 * = ['POST']` makes GET answer 405, as a platform that takes only POST would.
 *
 * Jobs: POST /jobs multipart, checked strictly: a `parameters` part with JSON,
 * the files in any spelling the pages show — `file_main<box>_<n>`,
 * `file__file_<box>_<n>`, `file_file__<box>_<n>` (box id or box name) — with
 * n from 0 per box, and the service file as `serviceFile__file_<box>_<n>`
 * (again box id or name; `state.jobUploads` records the field names). A file
 * that does not start with `%PDF-` makes the job PROCESSING_ERROR. Otherwise
 * the job is `PROCESSING`, and a read of the job (GET /jobs/{id}, its pack
 * groups, its deliveries, CheckOptions) turns it into PACK_GROUP_CREATED
 * (after `state.processingReads` reads), one pack group per MAIN file. Once
 * every pack group has a delivery, the next read makes the job CREATED.
 *
 * Eligibility: a `packRequirements.POSTAL_ADDRESS_RECIPIENT` whose last line
 * does not start with a 5-digit postal code makes the pack group NOT_ELIGIBLE
 * (SANDBOX_ADDRESSES.ineligible: "NIRVA SOFTWARE\n65 RUE HENON\nLYON");
 * POST /packGroups/{id}/edit with a valid RAW address makes it ELIGIBLE
 * (`state.editVerb = 'PUT'` makes the edit a PUT and POST answer 405). With
 * `state.stuckPackGroups = true`, new pack groups stay `PENDING` (eligibility
 * never decided): such a job stays in PACK_GROUP_CREATED and gets no delivery.
 *
 * Deliveries: created by POST /deliveries/commands, or at once with
 * autocreateDeliveryCommand=true for the ELIGIBLE pack groups (a NOT_ELIGIBLE
 * or PENDING one gets none, and its job stays in PACK_GROUP_CREATED); each
 * GET /deliveries?jobId=.. moves them one step: CREATED, READY, then OUTPUTTED
 * with one shipment each, whose numeric status (the appendix's table) is
 * `state.shipmentStatus` (600 Mailed; -614 Incorrect address, say), with the
 * tracking number (TRACKING) and the files TRACKING_DETAIL, ACKN and CERTIF
 * (with `state.honourAccept`, a file request whose Accept header rules out
 * the file's type is answered 406).
 * `state.omitCounts = true` leaves packGroupCountPerStates out of job answers;
 * `state.numericIds = true` gives new jobs and pack groups numeric ids (a
 * delivery command must then send the numbers, not their text).
 *
 * Webhooks: `state.shipmentEvents(id)` builds the three documented event
 * types (SHIPMENT_STATUS with name null, a numeric status in `value`, eventDate
 * null; TRACKING_TEXT; TRACKING_FILE), `state.sendWebhook(url, event)` posts
 * one to a callback URL.
 *
 * `JOB_SAMPLE` always exists (for the operation examples): PACK_GROUP_CREATED,
 * one ELIGIBLE and one NOT_ELIGIBLE pack group.
 */
import http from 'http';
import { randomBytes } from 'crypto';
import { Router, RouteContext } from '../router';
import { samplePdf } from '../pdf';
import { accepts } from '../accept';
import { boundaryOf, MultipartError, parseMultipart } from '../multipart';

export const SANDBOX_SERVICE = {
  id: 'SRV_LETTER',
  name: 'Registered letter',
  mainBox: 'BX101',
  annexBox: 'BX102',
  serviceFileId: 'SF_BACKGROUND_7',
  channelLabel: 'LETTRE_RECOMMANDEE',
  channelName: 'postal_registered_fr',
} as const;

/** Numbers, as ids come from a database: a flow must send them back as numbers. */
export const SANDBOX_OPTION_TYPES = { print_mode: 3107, print_color: 3108, envelope_type: 3109 } as const;
export const SANDBOX_OPTIONS = {
  '1SIDE': 77001,
  '2SIDE': 77002,
  BW: 77011,
  COLOR: 77012,
  C4: 77021,
  DL: 77022,
} as const;

/** Always there, for the operation examples. */
export const SANDBOX_SAMPLE_JOB = 'JOB_SAMPLE';

export const SANDBOX_ADDRESSES = {
  valid: 'NIRVA SOFTWARE\n65 RUE HENON\n69004 LYON',
  ineligible: 'NIRVA SOFTWARE\n65 RUE HENON\nLYON',
} as const;

const OPTIONS_BY_TYPE: Record<string, Array<{ id: number; value: string }>> = {
  [SANDBOX_OPTION_TYPES.print_mode]: [{ id: SANDBOX_OPTIONS['1SIDE'], value: '1SIDE' }, { id: SANDBOX_OPTIONS['2SIDE'], value: '2SIDE' }],
  [SANDBOX_OPTION_TYPES.print_color]: [{ id: SANDBOX_OPTIONS.BW, value: 'BW' }, { id: SANDBOX_OPTIONS.COLOR, value: 'COLOR' }],
  [SANDBOX_OPTION_TYPES.envelope_type]: [{ id: SANDBOX_OPTIONS.C4, value: 'C4' }, { id: SANDBOX_OPTIONS.DL, value: 'DL' }],
};
const OUTPUT_FILES = ['MAIN', 'ADDRESS_PAGE'];

export interface SandboxFile {
  field: string;
  /** The box id the field names (by id or by name). */
  box: string;
  filename?: string;
  contentType?: string;
  size: number;
}

export interface SandboxPackGroup {
  id: string;
  jobId: string;
  status: 'ELIGIBLE' | 'NOT_ELIGIBLE' | 'PENDING' | 'DELIVERED';
  packRequirements: Record<string, { '@type': string; value: unknown }>;
  document: string;
  edits: unknown[];
}

export interface SandboxDelivery {
  id: string;
  jobId: string;
  packGroupId: string;
  status: 'CREATED' | 'READY' | 'OUTPUTTED';
  channelLabel: string;
  options: Record<string, unknown[]>;
  expectedPostDate?: number;
  shipments: Array<{ id: string; status: number; metadata: Array<{ metadataKind: string; metadataType: string; name: string; value?: unknown }> }>;
}

export interface SandboxJob {
  jobId: string;
  jobName: string;
  serviceId: string;
  autocreateDeliveryCommand: boolean;
  packRequirements?: Record<string, { '@type': string; value: unknown }>;
  status: 'PROCESSING' | 'PACK_GROUP_CREATED' | 'CREATED' | 'PROCESSING_ERROR';
  files: SandboxFile[];
  serviceFiles: Record<string, string>;
  parameters: unknown;
  reads: number;
  packGroups: string[];
}

export interface PostgreenState {
  tokens: Map<string, { login: string; expired: boolean }>;
  jobs: Map<string, SandboxJob>;
  packGroups: Map<string, SandboxPackGroup>;
  deliveries: Map<string, SandboxDelivery>;
  commands: unknown[];
  authenticateCalls: number;
  logoutCalls: number;
  /** Reads of a job before it leaves PROCESSING. */
  processingReads: number;
  /** Leave packGroupCountPerStates out of job answers (as for jobs of N documents); the client reads the pack groups instead. */
  omitCounts: boolean;
  /** Verbs the option catalogue answers (others get 405). */
  optionMethods: string[];
  /** New pack groups stay PENDING: their job stays in PACK_GROUP_CREATED without deliveries. */
  stuckPackGroups: boolean;
  /** The numeric status (api-appendix) of shipments made from now on. */
  shipmentStatus: number;
  /** The multipart field names of every job upload, in order. */
  jobUploads: string[][];
  /** The key the profile lists a box's service files under: the guide writes configuredFiles, coniguredFiles and preconfiguredFiles. */
  configuredFilesKey: 'configuredFiles' | 'coniguredFiles' | 'preconfiguredFiles';
  /** Where authenticate reads withProfileDetail: the body, the query string, or either (the guide does not say). */
  profileDetailFrom: 'body' | 'query' | 'either';
  /** What CheckOptions lists and the command takes: option ids, or the option values themselves ("[OptionValue1, OptionValue2]"). */
  selectableAs: 'id' | 'value';
  /** The verb the pack group edit takes (the guide names none); the other one is answered 405. */
  editVerb: 'POST' | 'PUT';
  /** Where authenticate puts the token: the X-Auth-Token header (unless false) and the body key named here (`token` by default). */
  tokenHeader: boolean;
  tokenField: string;
  /** The options answer keys its lists by option type id (as the guide says) or by option type name. */
  optionsKeyedBy: 'id' | 'name';
  /** New jobs and pack groups get numeric ids (1001, not "JOB1001") in every answer; a delivery command must send the numbers back. */
  numericIds: boolean;
  /** Answer a tracking file with 406 when the request's Accept header rules out its type, as a server that negotiates content does. */
  honourAccept: boolean;
  expireTokens(): void;
  /** The three documented event types for a shipment, its status as given (default `state.shipmentStatus`). */
  shipmentEvents(shipmentId: string, status?: number): Array<Record<string, unknown>>;
  sendWebhook(url: string, event: unknown, headers?: Record<string, string>): Promise<number>;
}

function err(ctx: RouteContext, status: number, message: string): void {
  ctx.send(status, { status: 'ERROR', message });
}

function addressOk(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const lines = value.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length >= 2 && /^\d{5}\s+\S/.test(lines[lines.length - 1]);
}

export function postgreenRoutes(router: Router, prefix: string): PostgreenState {
  let seq = 1000;
  const next = (p: string): string => `${p}${++seq}`;
  const state: PostgreenState = {
    tokens: new Map(),
    jobs: new Map(),
    packGroups: new Map(),
    deliveries: new Map(),
    commands: [],
    authenticateCalls: 0,
    logoutCalls: 0,
    processingReads: 1,
    omitCounts: false,
    optionMethods: ['GET', 'POST'],
    stuckPackGroups: false,
    shipmentStatus: 600,
    jobUploads: [],
    configuredFilesKey: 'configuredFiles',
    profileDetailFrom: 'either',
    selectableAs: 'id',
    honourAccept: false,
    numericIds: false,
    optionsKeyedBy: 'id',
    editVerb: 'POST',
    tokenHeader: true,
    tokenField: 'token',
    expireTokens() {
      for (const t of state.tokens.values()) t.expired = true;
    },
    shipmentEvents(shipmentId, status = state.shipmentStatus) {
      const now = Date.now();
      const id = Number(shipmentId.replace(/\D/g, '')) || shipmentId;
      const externalId = 900_000 + (typeof id === 'number' ? id : 1);
      // As the appendix shows them: integer ids, the status as a numeric string, no name and no eventDate for SHIPMENT_STATUS.
      return [
        { eventType: 'SHIPMENT_STATUS', shipmentId: id, shipmentExternalId: externalId, name: null, value: String(status), serverTimestamp: now, eventDate: null },
        { eventType: 'TRACKING_TEXT', shipmentId: id, shipmentExternalId: externalId, name: 'TRACKING', value: trackingNumber(shipmentId), serverTimestamp: now + 1, eventDate: now - 60_000 },
        { eventType: 'TRACKING_FILE', shipmentId: id, shipmentExternalId: externalId, name: 'ACKN', value: `ACKN_${shipmentId}.pdf`, serverTimestamp: now + 2, eventDate: now, podxBatch: 'B-17' },
      ];
    },
    sendWebhook(url, event, headers = {}) {
      return new Promise((resolve, reject) => {
        const body = JSON.stringify(event);
        const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
  };

  const service = {
    id: SANDBOX_SERVICE.id,
    name: SANDBOX_SERVICE.name,
    properties: {
      boxes: [
        { '@type': 'MAIN', id: SANDBOX_SERVICE.mainBox, name: 'Letters' },
        { '@type': 'ANNEX', id: SANDBOX_SERVICE.annexBox, name: 'Annexes', configuredFiles: [{ serviceFileId: SANDBOX_SERVICE.serviceFileId, name: 'background page' }] },
      ],
      channels: [
        { name: SANDBOX_SERVICE.channelName, label: SANDBOX_SERVICE.channelLabel, outputFilesConfig: OUTPUT_FILES.map((name) => ({ name })) },
      ],
    },
  };

  /** The service as the profile shows it, its service files under the key the state names. */
  const serviceView = (): unknown => ({
    ...service,
    properties: {
      ...service.properties,
      boxes: service.properties.boxes.map((b) => {
        if (!('configuredFiles' in b) || state.configuredFilesKey === 'configuredFiles') return b;
        const { configuredFiles, ...rest } = b;
        return { ...rest, [state.configuredFilesKey]: configuredFiles };
      }),
    },
  });

  const authed = (handler: (ctx: RouteContext) => Promise<void> | void) => async (ctx: RouteContext) => {
    const token = ctx.req.headers['x-auth-token'];
    const session = typeof token === 'string' ? state.tokens.get(token) : undefined;
    if (!session) return err(ctx, 401, 'missing or unknown X-Auth-Token');
    if (session.expired) return err(ctx, 401, 'session expired');
    return handler(ctx);
  };

  router.add('POST', `${prefix}/authentication/authenticate`, async (ctx) => {
    state.authenticateCalls++;
    const body = await ctx.json<{ login?: unknown; password?: unknown; withProfileDetail?: unknown }>();
    if (typeof body?.login !== 'string' || typeof body.password !== 'string' || body.password === '') return err(ctx, 400, 'login and password are required');
    if (body.login === 'denied' || body.password === 'wrong') return err(ctx, 401, 'bad credentials');
    const token = randomBytes(18).toString('hex');
    state.tokens.set(token, { login: body.login, expired: false });
    const inBody = body.withProfileDetail === true;
    const inQuery = ctx.query.get('withProfileDetail') === 'true';
    const detail = state.profileDetailFrom === 'body' ? inBody : state.profileDetailFrom === 'query' ? inQuery : inBody || inQuery;
    const profile = detail ? { services: [serviceView()] } : {};
    ctx.send(200, { [state.tokenField]: token, result: { login: body.login, ...profile } }, state.tokenHeader ? { 'X-Auth-Token': token } : {});
  });

  const logout = authed((ctx) => {
    state.logoutCalls++;
    state.tokens.delete(String(ctx.req.headers['x-auth-token']));
    ctx.send(200, { status: 'OK' });
  });
  router.add('POST', `${prefix}/authentication/logout`, logout);
  router.add('GET', `${prefix}/authentication/logout`, logout);

  // The pages show these calls both as GET and as POST; `state.optionMethods` says which ones this platform takes.
  const catalogue = (answer: () => unknown) => authed((ctx) => {
    if (!state.optionMethods.includes(ctx.method)) return err(ctx, 405, `${ctx.method} is not allowed here; use ${state.optionMethods.join(' or ')}`);
    ctx.send(200, answer());
  });
  const optionTypes = catalogue(() => ({ result: Object.entries(SANDBOX_OPTION_TYPES).map(([name, id]) => ({ id, name })) }));
  const typeName = (id: string): string => Object.entries(SANDBOX_OPTION_TYPES).find(([, v]) => String(v) === id)?.[0] ?? id;
  const options = catalogue(() => ({ result: state.optionsKeyedBy === 'name' ? Object.fromEntries(Object.entries(OPTIONS_BY_TYPE).map(([t, list]) => [typeName(t), list])) : OPTIONS_BY_TYPE }));
  for (const m of ['GET', 'POST']) {
    router.add(m, `${prefix}/options/type`, optionTypes);
    router.add(m, `${prefix}/options`, options);
  }

  const advance = (job: SandboxJob): void => {
    job.reads++;
    // CREATED once every pack group has its delivery (made by a command or auto-created).
    if (job.status === 'PACK_GROUP_CREATED' && job.packGroups.length > 0 && job.packGroups.every((id) => state.packGroups.get(id)?.status === 'DELIVERED')) {
      job.status = 'CREATED';
      return;
    }
    if (job.status !== 'PROCESSING' || job.reads < state.processingReads) return;
    job.status = 'PACK_GROUP_CREATED';
    for (const f of job.files.filter((x) => x.box === SANDBOX_SERVICE.mainBox)) {
      const pg: SandboxPackGroup = { id: state.numericIds ? String(++seq) : next('PG'), jobId: job.jobId, status: 'ELIGIBLE', packRequirements: { ...(job.packRequirements ?? {}) }, document: f.filename ?? f.field, edits: [] };
      if (job.packRequirements?.POSTAL_ADDRESS_RECIPIENT && !addressOk(job.packRequirements.POSTAL_ADDRESS_RECIPIENT.value)) pg.status = 'NOT_ELIGIBLE';
      if (state.stuckPackGroups) pg.status = 'PENDING';
      state.packGroups.set(pg.id, pg);
      job.packGroups.push(pg.id);
    }
    if (job.autocreateDeliveryCommand) createDeliveries(job, job.packGroups.filter((id) => state.packGroups.get(id)?.status === 'ELIGIBLE'), SANDBOX_SERVICE.channelLabel, {});
  };

  /** A job or pack group id as the answers show it: a number for those made with numericIds. */
  const wireId = (id: string): string | number => (/^\d+$/.test(id) ? Number(id) : id);

  const jobView = (job: SandboxJob): Record<string, unknown> => {
    const counts: Record<string, number> = {};
    for (const id of job.packGroups) {
      const s = state.packGroups.get(id)?.status ?? 'UNKNOWN';
      counts[s] = (counts[s] ?? 0) + 1;
    }
    const view: Record<string, unknown> = { jobId: wireId(job.jobId), jobName: job.jobName, serviceId: job.serviceId, status: job.status };
    if (!state.omitCounts) view.packGroupCountPerStates = counts;
    return view;
  };

  const packGroupView = (pg: SandboxPackGroup): Record<string, unknown> => ({
    id: wireId(pg.id),
    jobId: wireId(pg.jobId),
    status: pg.status,
    document: pg.document,
    packRequirements: pg.packRequirements,
    eligibility: pg.status === 'NOT_ELIGIBLE'
      ? { eligible: false, problems: [{ code: 'ADDRESS_INVALID', message: 'the last address line must start with a 5-digit postal code', field: 'POSTAL_ADDRESS_RECIPIENT', channelLabel: SANDBOX_SERVICE.channelLabel }] }
      : pg.status === 'PENDING' ? { eligible: null, problems: [] } : { eligible: true, problems: [] },
  });

  const createDeliveries = (job: SandboxJob, packGroupIds: string[], channelLabel: string, options: Record<string, unknown[]>, expectedPostDate?: number): string[] => {
    return packGroupIds.map((pgId) => {
      const pg = state.packGroups.get(pgId) as SandboxPackGroup;
      pg.status = 'DELIVERED';
      const d: SandboxDelivery = { id: next('DLV'), jobId: job.jobId, packGroupId: pgId, status: 'CREATED', channelLabel, options, expectedPostDate, shipments: [] };
      state.deliveries.set(d.id, d);
      return d.id;
    });
  };

  /** A box by id or by name (the simple and samples pages build the field from the box name). */
  const boxOf = (idOrName: string): string | undefined => service.properties.boxes.find((b) => b.id === idOrName || b.name === idOrName)?.id;

  const sampleJob = (): void => {
    const job: SandboxJob = {
      jobId: SANDBOX_SAMPLE_JOB, jobName: 'sample job', serviceId: SANDBOX_SERVICE.id, autocreateDeliveryCommand: false,
      status: 'PACK_GROUP_CREATED', files: [], serviceFiles: {}, parameters: {}, reads: 0, packGroups: [],
    };
    for (const address of [SANDBOX_ADDRESSES.valid, SANDBOX_ADDRESSES.ineligible]) {
      const pg: SandboxPackGroup = { id: next('PG'), jobId: job.jobId, status: addressOk(address) ? 'ELIGIBLE' : 'NOT_ELIGIBLE', packRequirements: { POSTAL_ADDRESS_RECIPIENT: { '@type': 'exv.Value', value: address } }, document: 'sample.pdf', edits: [] };
      state.packGroups.set(pg.id, pg);
      job.packGroups.push(pg.id);
    }
    state.jobs.set(job.jobId, job);
  };

  router.add('POST', `${prefix}/jobs`, authed(async (ctx) => {
    let parts;
    try {
      parts = parseMultipart(await ctx.body(), boundaryOf(ctx.req.headers['content-type']));
    } catch (e) {
      if (e instanceof MultipartError) return err(ctx, 400, e.message);
      throw e;
    }
    const paramPart = parts.filter((p) => p.name === 'parameters');
    if (paramPart.length !== 1) return err(ctx, 400, 'exactly one "parameters" part is required');
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(paramPart[0].data.toString('utf8')) as Record<string, unknown>;
    } catch {
      return err(ctx, 400, 'the "parameters" part is not JSON');
    }
    if (typeof params.jobName !== 'string' || params.jobName === '') return err(ctx, 400, 'parameters.jobName is required');
    if (params.serviceId !== SANDBOX_SERVICE.id) return err(ctx, 400, `unknown serviceId ${String(params.serviceId)}`);
    if (typeof params.autocreateDeliveryCommand !== 'boolean') return err(ctx, 400, 'parameters.autocreateDeliveryCommand must be a boolean');
    const files: SandboxFile[] = [];
    const serviceFiles: Record<string, string> = {};
    const serviceFileByBox = new Map<string, string>();
    const perBox = new Map<string, number[]>();
    let broken = false;
    state.jobUploads.push(parts.map((p) => p.name));
    for (const p of parts) {
      if (p.name === 'parameters') continue;
      // The spellings the pages show: file_main<box>_<n> (advanced), file__file_<box>_<n> (simple), file_file__<box>_<n> (samples).
      const file = /^(?:file_main|file__file_|file_file__)(.+)_(\d+)$/.exec(p.name);
      const sf = /^serviceFile__file_(.+)_(\d+)$/.exec(p.name);
      if (file) {
        const box = boxOf(file[1]);
        if (!box) return err(ctx, 400, `${p.name}: no box ${file[1]} in service ${SANDBOX_SERVICE.id}`);
        if (p.filename === undefined) return err(ctx, 400, `${p.name}: must be a file part`);
        perBox.set(box, [...(perBox.get(box) ?? []), Number(file[2])]);
        files.push({ field: p.name, box, filename: p.filename, contentType: p.contentType, size: p.data.length });
        if (p.data.subarray(0, 5).toString('latin1') !== '%PDF-') broken = true;
      } else if (sf) {
        const box = boxOf(sf[1]);
        if (!box) return err(ctx, 400, `${p.name}: no box ${sf[1]} in service ${SANDBOX_SERVICE.id}`);
        serviceFiles[p.name] = p.data.toString('utf8');
        serviceFileByBox.set(`${box}_${sf[2]}`, p.data.toString('utf8'));
      } else return err(ctx, 400, `unexpected multipart field ${p.name}`);
    }
    for (const [box, ns] of perBox) {
      const sorted = [...ns].sort((a, b) => a - b);
      if (sorted.some((n, i) => n !== i)) return err(ctx, 400, `files of box ${box} must be numbered 0..n-1, got ${sorted.join(',')}`);
    }
    if (!perBox.has(SANDBOX_SERVICE.mainBox)) return err(ctx, 400, `no file in the MAIN box ${SANDBOX_SERVICE.mainBox}`);
    if (serviceFileByBox.get(`${SANDBOX_SERVICE.annexBox}_0`) !== SANDBOX_SERVICE.serviceFileId) {
      return err(ctx, 400, `box ${SANDBOX_SERVICE.annexBox} has a configured file: send serviceFile__file_${SANDBOX_SERVICE.annexBox}_0 = ${SANDBOX_SERVICE.serviceFileId}`);
    }
    const req = params.packRequirements as SandboxJob['packRequirements'];
    const job: SandboxJob = {
      jobId: state.numericIds ? String(++seq) : next('JOB'),
      jobName: params.jobName,
      serviceId: params.serviceId,
      autocreateDeliveryCommand: params.autocreateDeliveryCommand,
      packRequirements: req,
      status: broken ? 'PROCESSING_ERROR' : 'PROCESSING',
      files,
      serviceFiles,
      parameters: params,
      reads: 0,
      packGroups: [],
    };
    state.jobs.set(job.jobId, job);
    ctx.send(200, { result: jobView(job) });
  }));

  const jobOr404 = (ctx: RouteContext, id: string | null): SandboxJob | undefined => {
    if (id === SANDBOX_SAMPLE_JOB && !state.jobs.has(id)) sampleJob();
    const job = id ? state.jobs.get(id) : undefined;
    if (!job) err(ctx, 404, `no job ${id ?? ''}`);
    return job;
  };

  router.add('GET', `${prefix}/jobs/:jobId`, authed((ctx) => {
    const job = jobOr404(ctx, ctx.params.jobId);
    if (!job) return;
    advance(job);
    ctx.send(200, { result: jobView(job) });
  }));

  router.add('GET', `${prefix}/jobs/:jobId/packGroups`, authed((ctx) => {
    const job = jobOr404(ctx, ctx.params.jobId);
    if (!job) return;
    advance(job);
    ctx.send(200, { result: job.packGroups.map((id) => packGroupView(state.packGroups.get(id) as SandboxPackGroup)) });
  }));

  const editPackGroup = authed(async (ctx) => {
    if (ctx.method !== state.editVerb) return err(ctx, 405, `${ctx.method} is not allowed here; use ${state.editVerb}`);
    const pg = state.packGroups.get(ctx.params.packGroupId);
    if (!pg) return err(ctx, 404, `no pack group ${ctx.params.packGroupId}`);
    if (pg.status === 'DELIVERED') return err(ctx, 409, 'the pack group is already in a delivery');
    const body = await ctx.json<{ packRequirements?: Record<string, { '@type'?: string; value?: unknown }> }>();
    if (!body || typeof body.packRequirements !== 'object' || body.packRequirements === null) return err(ctx, 400, 'packRequirements is required');
    for (const [k, v] of Object.entries(body.packRequirements)) {
      if (!v || typeof v !== 'object' || !('value' in v)) return err(ctx, 400, `packRequirements.${k} must be {"@type":"exv.Value","value":...}`);
      pg.packRequirements[k] = { '@type': v['@type'] ?? 'exv.Value', value: v.value };
    }
    pg.edits.push(body);
    const address = pg.packRequirements.POSTAL_ADDRESS_RECIPIENT;
    pg.status = !address || addressOk(address.value) ? 'ELIGIBLE' : 'NOT_ELIGIBLE';
    ctx.send(200, { result: packGroupView(pg) });
  });
  for (const m of ['POST', 'PUT']) router.add(m, `${prefix}/packGroups/:packGroupId/edit`, editPackGroup);

  router.add('GET', `${prefix}/deliveries`, authed((ctx) => {
    const job = jobOr404(ctx, ctx.query.get('jobId'));
    if (!job) return;
    advance(job);
    const list = [...state.deliveries.values()].filter((d) => d.jobId === job.jobId);
    for (const d of list) {
      if (d.status === 'CREATED') d.status = 'READY';
      else if (d.status === 'READY') {
        d.status = 'OUTPUTTED';
        const id = next('SHP');
        d.shipments = [{
          id,
          status: state.shipmentStatus,
          metadata: [
            { metadataKind: 'TRACKING', metadataType: 'SHORT_VALUE', name: 'TRACKING', value: trackingNumber(id) },
            { metadataKind: 'TRACKING', metadataType: 'FILE', name: 'TRACKING_DETAIL' },
            { metadataKind: 'TRACKING', metadataType: 'FILE', name: 'ACKN' },
            { metadataKind: 'TRACKING', metadataType: 'FILE', name: 'CERTIF' },
          ],
        }];
      }
    }
    ctx.send(200, { result: list.map((d) => ({ id: d.id, jobId: wireId(d.jobId), packGroupId: d.packGroupId, status: d.status, channelLabel: d.channelLabel, shipments: d.shipments })) });
  }));

  router.add('POST', `${prefix}/deliveries/CheckOptions`, authed((ctx) => {
    const job = jobOr404(ctx, ctx.query.get('jobId'));
    if (!job) return;
    advance(job);
    const selectable: Record<string, unknown> = {};
    for (const id of job.packGroups) {
      if (state.packGroups.get(id)?.status !== 'ELIGIBLE') continue;
      const perType = Object.fromEntries(Object.entries(OPTIONS_BY_TYPE).map(([t, list]) => [t, list.map((o) => (state.selectableAs === 'value' ? o.value : o.id))]));
      selectable[id] = { [SANDBOX_SERVICE.channelLabel]: { MAIN: perType } };
    }
    ctx.send(200, { result: { selectableOptions: selectable } });
  }));

  router.add('POST', `${prefix}/deliveries/commands`, authed(async (ctx) => {
    const body = await ctx.json<{ jobId?: unknown; packGroupIds?: unknown; serviceChannelOptions?: unknown; expectedPostDate?: unknown }>();
    // The job id must come back in the type the job answers gave it.
    const job = typeof body?.jobId === (state.numericIds ? 'number' : 'string') ? state.jobs.get(String(body?.jobId)) : undefined;
    if (!job) return err(ctx, 400, 'unknown jobId');
    if (job.status !== 'PACK_GROUP_CREATED') return err(ctx, 400, `job ${job.jobId} is ${job.status}`);
    const sco = body.serviceChannelOptions;
    if (!sco || typeof sco !== 'object' || Array.isArray(sco)) return err(ctx, 400, 'serviceChannelOptions is required');
    const labels = Object.keys(sco);
    if (labels.length !== 1 || labels[0] !== SANDBOX_SERVICE.channelLabel) return err(ctx, 400, `unknown channel label ${labels.join(', ')}`);
    const perFile = (sco as Record<string, unknown>)[labels[0]] as Record<string, unknown>;
    // Option ids are numbers here: "77002" (a string) is not an option id of this platform. With selectableAs
    // 'value', the command takes what CheckOptions listed: the values ("2SIDE") and nothing else.
    const known = new Set<unknown>(state.selectableAs === 'value' ? Object.keys(SANDBOX_OPTIONS) : Object.values(SANDBOX_OPTIONS));
    for (const [file, ids] of Object.entries(perFile ?? {})) {
      if (!OUTPUT_FILES.includes(file)) return err(ctx, 400, `unknown output file ${file}`);
      if (!Array.isArray(ids)) return err(ctx, 400, `${file} must be a list of option ids`);
      const bad = ids.find((x) => !known.has(x));
      if (bad !== undefined) return err(ctx, 400, `unknown option id ${JSON.stringify(bad)} in ${file}`);
    }
    if (body.expectedPostDate !== undefined && (typeof body.expectedPostDate !== 'number' || body.expectedPostDate <= Date.now())) return err(ctx, 400, 'expectedPostDate must be a future epoch ms');
    let ids: string[];
    if (body.packGroupIds === undefined) ids = job.packGroups.filter((id) => state.packGroups.get(id)?.status === 'ELIGIBLE');
    else if (Array.isArray(body.packGroupIds)) {
      // Pack group ids too must come back in the type the answers gave them.
      const wrong = (body.packGroupIds as unknown[]).find((x) => typeof x !== (state.numericIds ? 'number' : 'string'));
      if (wrong !== undefined) return err(ctx, 400, `pack group ${JSON.stringify(wrong)} is not in job ${job.jobId}`);
      ids = (body.packGroupIds as unknown[]).map(String);
    }
    else return err(ctx, 400, 'packGroupIds must be an array');
    for (const id of ids) {
      const pg = state.packGroups.get(id);
      if (!pg || pg.jobId !== job.jobId) return err(ctx, 400, `pack group ${id} is not in job ${job.jobId}`);
      if (pg.status !== 'ELIGIBLE') return err(ctx, 400, `pack group ${id} is ${pg.status}`);
    }
    if (ids.length === 0) return err(ctx, 400, 'no eligible pack group to deliver');
    state.commands.push(body);
    const deliveryIds = createDeliveries(job, ids, labels[0], perFile as Record<string, unknown[]>, body.expectedPostDate as number | undefined);
    ctx.send(200, { result: { jobId: wireId(job.jobId), deliveryIds } });
  }));

  router.add('GET', `${prefix}/shipments/:shipmentId/trackingFile/:name`, authed((ctx) => {
    const shipment = [...state.deliveries.values()].flatMap((d) => d.shipments).find((s) => s.id === ctx.params.shipmentId);
    if (!shipment) return err(ctx, 404, `no shipment ${ctx.params.shipmentId}`);
    const name = ctx.params.name;
    if (!shipment.metadata.some((m) => m.metadataType === 'FILE' && m.name === name)) return err(ctx, 404, `shipment ${shipment.id} has no ${name}`);
    const type = name === 'TRACKING_DETAIL' ? 'application/json' : 'application/pdf';
    if (state.honourAccept && !accepts(ctx.req.headers.accept, type)) return err(ctx, 406, `Not Acceptable: ${name} is ${type}`);
    if (name === 'TRACKING_DETAIL') {
      return ctx.send(200, { shipmentId: shipment.id, events: [{ code: 'DEPOSITED', date: Date.now() - 3_600_000 }, { code: 'DISTRIBUTED', date: Date.now() }] });
    }
    const pdf = samplePdf(['PostGreen sandbox proof', `${name} for shipment ${shipment.id}`, `tracking ${trackingNumber(shipment.id)}`, 'This is not a real proof.']);
    ctx.send(200, pdf, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${shipment.id}_${name}.pdf"` });
  }));

  return state;
}

function trackingNumber(shipmentId: string): string {
  return `1A${shipmentId.replace(/\D/g, '').padStart(11, '0')}`;
}
