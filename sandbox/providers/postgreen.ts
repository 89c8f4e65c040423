/**
 * PostGreen (Nirva) emulation (seed 001), mounted at /postgreen.
 *
 * Logins: any login with a non-empty password, except password `wrong` or
 * login `denied` (401). The token comes back in BOTH the `X-Auth-Token`
 * header and the body `token`; every other call needs the `X-Auth-Token`
 * header, else 401. Tests call `state.expireTokens()` to make every live
 * token answer 401, and read `state.authenticateCalls` / `state.logoutCalls`.
 *
 * The profile has one service `SRV_LETTER` ("Registered letter") with two
 * boxes: `BX101` (@type MAIN, the letters) and `BX102` (@type ANNEX, with the
 * configured file `SF_BACKGROUND_7`, which every job must send as
 * `serviceFile__file_BX102_0`), and one channel whose label is
 * `LETTRE_RECOMMANDEE` and whose NAME is `postal_registered_fr` (sending the
 * name is refused with 400, as on the real platform). Output files: MAIN,
 * ADDRESS_PAGE. Option ids differ from their names (see SANDBOX_OPTIONS).
 *
 * Jobs: POST /jobs multipart, checked strictly: a `parameters` part with JSON,
 * files named `file_main<BoxID>_<n>` (n from 0 per box, boxes of the
 * service), the service file values. A file that does not start with `%PDF-`
 * makes the job PROCESSING_ERROR at once. Otherwise the answer is
 * `PROCESSING`, and the first read of the job (GET /jobs/{id}, its pack groups,
 * its deliveries, CheckOptions) turns it into PACK_GROUP_CREATED (after
 * `state.processingReads` reads). One pack group per MAIN file.
 *
 * Mail-merge: a `packRequirements.POSTAL_ADDRESS_RECIPIENT` whose last line
 * does not start with a 5-digit postal code makes the pack group NOT_ELIGIBLE
 * (see SANDBOX_ADDRESSES.ineligible: "NIRVA SOFTWARE\n65 RUE HENON\nLYON").
 * POST /packGroups/{id}/edit with a valid RAW address makes it ELIGIBLE.
 *
 * Deliveries: created by POST /deliveries/commands (or at once with
 * autocreateDeliveryCommand=true) as CREATED; each GET /deliveries?jobId=..
 * moves them one step: READY, then OUTPUTTED with one shipment each, carrying
 * the tracking number (TRACKING) and the files TRACKING_DETAIL, ACKN and
 * CERTIF. `state.omitCounts = true` leaves packGroupCountPerStates out of job
 * answers. `state.sendWebhook(url, event)` posts a shipment event to a
 * callback URL (`state.shipmentEvents(id)` builds the usual ones).
 */
import http from 'http';
import { randomBytes } from 'crypto';
import { Router, RouteContext } from '../router';
import { samplePdf } from '../pdf';
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

export const SANDBOX_OPTION_TYPES = { print_mode: 'OT_3107', print_color: 'OT_3108', envelope_type: 'OT_3109' } as const;
export const SANDBOX_OPTIONS = {
  '1SIDE': 'OPT_77001',
  '2SIDE': 'OPT_77002',
  BW: 'OPT_77011',
  COLOR: 'OPT_77012',
  C4: 'OPT_77021',
  DL: 'OPT_77022',
} as const;

export const SANDBOX_ADDRESSES = {
  valid: 'NIRVA SOFTWARE\n65 RUE HENON\n69004 LYON',
  ineligible: 'NIRVA SOFTWARE\n65 RUE HENON\nLYON',
} as const;

const OPTIONS_BY_TYPE: Record<string, Array<{ id: string; value: string }>> = {
  [SANDBOX_OPTION_TYPES.print_mode]: [{ id: SANDBOX_OPTIONS['1SIDE'], value: '1SIDE' }, { id: SANDBOX_OPTIONS['2SIDE'], value: '2SIDE' }],
  [SANDBOX_OPTION_TYPES.print_color]: [{ id: SANDBOX_OPTIONS.BW, value: 'BW' }, { id: SANDBOX_OPTIONS.COLOR, value: 'COLOR' }],
  [SANDBOX_OPTION_TYPES.envelope_type]: [{ id: SANDBOX_OPTIONS.C4, value: 'C4' }, { id: SANDBOX_OPTIONS.DL, value: 'DL' }],
};
const OUTPUT_FILES = ['MAIN', 'ADDRESS_PAGE'];

export interface SandboxFile {
  field: string;
  filename?: string;
  contentType?: string;
  size: number;
}

export interface SandboxPackGroup {
  id: string;
  jobId: string;
  status: 'ELIGIBLE' | 'NOT_ELIGIBLE' | 'DELIVERED';
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
  options: Record<string, string[]>;
  expectedPostDate?: number;
  shipments: Array<{ id: string; status: string; metadata: Array<{ metadataKind: string; metadataType: string; name: string; value?: unknown }> }>;
}

export interface SandboxJob {
  jobId: string;
  jobName: string;
  serviceId: string;
  autocreateDeliveryCommand: boolean;
  packRequirements?: Record<string, { '@type': string; value: unknown }>;
  status: 'PROCESSING' | 'PACK_GROUP_CREATED' | 'PROCESSING_ERROR';
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
  expireTokens(): void;
  shipmentEvents(shipmentId: string): Array<Record<string, unknown>>;
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
    expireTokens() {
      for (const t of state.tokens.values()) t.expired = true;
    },
    shipmentEvents(shipmentId) {
      const now = Date.now();
      return [
        { eventType: 'SHIPMENT_STATUS', shipmentId, name: 'STATUS', value: 'DEPOSITED', serverTimestamp: now, eventDate: now - 60_000 },
        { eventType: 'TRACKING_TEXT', shipmentId, name: 'TRACKING', value: trackingNumber(shipmentId), serverTimestamp: now + 1, eventDate: now - 60_000 },
        { eventType: 'TRACKING_FILE', shipmentId, name: 'ACKN', value: `/shipments/${shipmentId}/trackingFile/ACKN`, serverTimestamp: now + 2, eventDate: now },
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
    const profile = body.withProfileDetail === true ? { services: [service] } : {};
    ctx.send(200, { token, result: { login: body.login, ...profile } }, { 'X-Auth-Token': token });
  });

  const logout = authed((ctx) => {
    state.logoutCalls++;
    state.tokens.delete(String(ctx.req.headers['x-auth-token']));
    ctx.send(200, { status: 'OK' });
  });
  router.add('POST', `${prefix}/authentication/logout`, logout);
  router.add('GET', `${prefix}/authentication/logout`, logout);

  // The seed shows these calls both as GET and as POST.
  const optionTypes = authed((ctx) => ctx.send(200, { result: Object.entries(SANDBOX_OPTION_TYPES).map(([name, id]) => ({ id, name })) }));
  const options = authed((ctx) => ctx.send(200, { result: OPTIONS_BY_TYPE }));
  for (const m of ['GET', 'POST']) {
    router.add(m, `${prefix}/options/type`, optionTypes);
    router.add(m, `${prefix}/options`, options);
  }

  const advance = (job: SandboxJob): void => {
    job.reads++;
    if (job.status !== 'PROCESSING' || job.reads < state.processingReads) return;
    job.status = 'PACK_GROUP_CREATED';
    for (const f of job.files.filter((x) => x.field.startsWith(`file_main${SANDBOX_SERVICE.mainBox}_`))) {
      const pg: SandboxPackGroup = { id: next('PG'), jobId: job.jobId, status: 'ELIGIBLE', packRequirements: { ...(job.packRequirements ?? {}) }, document: f.filename ?? f.field, edits: [] };
      if (job.packRequirements?.POSTAL_ADDRESS_RECIPIENT && !addressOk(job.packRequirements.POSTAL_ADDRESS_RECIPIENT.value)) pg.status = 'NOT_ELIGIBLE';
      state.packGroups.set(pg.id, pg);
      job.packGroups.push(pg.id);
    }
    if (job.autocreateDeliveryCommand) createDeliveries(job, job.packGroups.filter((id) => state.packGroups.get(id)?.status === 'ELIGIBLE'), SANDBOX_SERVICE.channelLabel, {});
  };

  const jobView = (job: SandboxJob): Record<string, unknown> => {
    const counts: Record<string, number> = {};
    for (const id of job.packGroups) {
      const s = state.packGroups.get(id)?.status ?? 'UNKNOWN';
      counts[s] = (counts[s] ?? 0) + 1;
    }
    const view: Record<string, unknown> = { jobId: job.jobId, jobName: job.jobName, serviceId: job.serviceId, status: job.status };
    if (!state.omitCounts) view.packGroupCountPerStates = counts;
    return view;
  };

  const packGroupView = (pg: SandboxPackGroup): Record<string, unknown> => ({
    id: pg.id,
    jobId: pg.jobId,
    status: pg.status,
    document: pg.document,
    packRequirements: pg.packRequirements,
    eligibility: pg.status === 'NOT_ELIGIBLE'
      ? { eligible: false, problems: [{ code: 'ADDRESS_INVALID', message: 'the last address line must start with a 5-digit postal code', field: 'POSTAL_ADDRESS_RECIPIENT', channelLabel: SANDBOX_SERVICE.channelLabel }] }
      : { eligible: true, problems: [] },
  });

  const createDeliveries = (job: SandboxJob, packGroupIds: string[], channelLabel: string, options: Record<string, string[]>, expectedPostDate?: number): string[] => {
    return packGroupIds.map((pgId) => {
      const pg = state.packGroups.get(pgId) as SandboxPackGroup;
      pg.status = 'DELIVERED';
      const d: SandboxDelivery = { id: next('DLV'), jobId: job.jobId, packGroupId: pgId, status: 'CREATED', channelLabel, options, expectedPostDate, shipments: [] };
      state.deliveries.set(d.id, d);
      return d.id;
    });
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
    const perBox = new Map<string, number[]>();
    let broken = false;
    for (const p of parts) {
      if (p.name === 'parameters') continue;
      const file = /^file_main(.+)_(\d+)$/.exec(p.name);
      const sf = /^serviceFile__file_(.+)_(\d+)$/.exec(p.name);
      if (file) {
        if (file[1] !== SANDBOX_SERVICE.mainBox && file[1] !== SANDBOX_SERVICE.annexBox) return err(ctx, 400, `${p.name}: no box ${file[1]} in service ${SANDBOX_SERVICE.id}`);
        if (p.filename === undefined) return err(ctx, 400, `${p.name}: must be a file part`);
        perBox.set(file[1], [...(perBox.get(file[1]) ?? []), Number(file[2])]);
        files.push({ field: p.name, filename: p.filename, contentType: p.contentType, size: p.data.length });
        if (p.data.subarray(0, 5).toString('latin1') !== '%PDF-') broken = true;
      } else if (sf) {
        serviceFiles[p.name] = p.data.toString('utf8');
      } else return err(ctx, 400, `unexpected multipart field ${p.name}`);
    }
    for (const [box, ns] of perBox) {
      const sorted = [...ns].sort((a, b) => a - b);
      if (sorted.some((n, i) => n !== i)) return err(ctx, 400, `files of box ${box} must be numbered 0..n-1, got ${sorted.join(',')}`);
    }
    if (!perBox.has(SANDBOX_SERVICE.mainBox)) return err(ctx, 400, `no file in the MAIN box ${SANDBOX_SERVICE.mainBox}`);
    if (serviceFiles[`serviceFile__file_${SANDBOX_SERVICE.annexBox}_0`] !== SANDBOX_SERVICE.serviceFileId) {
      return err(ctx, 400, `box ${SANDBOX_SERVICE.annexBox} has a configured file: send serviceFile__file_${SANDBOX_SERVICE.annexBox}_0 = ${SANDBOX_SERVICE.serviceFileId}`);
    }
    const req = params.packRequirements as SandboxJob['packRequirements'];
    const job: SandboxJob = {
      jobId: next('JOB'),
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

  router.add('POST', `${prefix}/packGroups/:packGroupId/edit`, authed(async (ctx) => {
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
  }));

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
          status: 'DEPOSITED',
          metadata: [
            { metadataKind: 'TRACKING', metadataType: 'SHORT_VALUE', name: 'TRACKING', value: trackingNumber(id) },
            { metadataKind: 'TRACKING', metadataType: 'FILE', name: 'TRACKING_DETAIL' },
            { metadataKind: 'TRACKING', metadataType: 'FILE', name: 'ACKN' },
            { metadataKind: 'TRACKING', metadataType: 'FILE', name: 'CERTIF' },
          ],
        }];
      }
    }
    ctx.send(200, { result: list.map((d) => ({ id: d.id, jobId: d.jobId, packGroupId: d.packGroupId, status: d.status, channelLabel: d.channelLabel, shipments: d.shipments })) });
  }));

  router.add('POST', `${prefix}/deliveries/CheckOptions`, authed((ctx) => {
    const job = jobOr404(ctx, ctx.query.get('jobId'));
    if (!job) return;
    advance(job);
    const selectable: Record<string, unknown> = {};
    for (const id of job.packGroups) {
      if (state.packGroups.get(id)?.status !== 'ELIGIBLE') continue;
      const perType = Object.fromEntries(Object.entries(OPTIONS_BY_TYPE).map(([t, list]) => [t, list.map((o) => o.id)]));
      selectable[id] = { [SANDBOX_SERVICE.channelLabel]: { MAIN: perType } };
    }
    ctx.send(200, { result: { selectableOptions: selectable } });
  }));

  router.add('POST', `${prefix}/deliveries/commands`, authed(async (ctx) => {
    const body = await ctx.json<{ jobId?: unknown; packGroupIds?: unknown; serviceChannelOptions?: unknown; expectedPostDate?: unknown }>();
    const job = typeof body?.jobId === 'string' ? state.jobs.get(body.jobId) : undefined;
    if (!job) return err(ctx, 400, 'unknown jobId');
    if (job.status !== 'PACK_GROUP_CREATED') return err(ctx, 400, `job ${job.jobId} is ${job.status}`);
    const sco = body.serviceChannelOptions;
    if (!sco || typeof sco !== 'object' || Array.isArray(sco)) return err(ctx, 400, 'serviceChannelOptions is required');
    const labels = Object.keys(sco);
    if (labels.length !== 1 || labels[0] !== SANDBOX_SERVICE.channelLabel) return err(ctx, 400, `unknown channel label ${labels.join(', ')}`);
    const perFile = (sco as Record<string, unknown>)[labels[0]] as Record<string, unknown>;
    const known = new Set(Object.values(SANDBOX_OPTIONS) as string[]);
    for (const [file, ids] of Object.entries(perFile ?? {})) {
      if (!OUTPUT_FILES.includes(file)) return err(ctx, 400, `unknown output file ${file}`);
      if (!Array.isArray(ids) || ids.some((x) => !known.has(x as string))) return err(ctx, 400, `unknown option id in ${file}`);
    }
    if (body.expectedPostDate !== undefined && (typeof body.expectedPostDate !== 'number' || body.expectedPostDate <= Date.now())) return err(ctx, 400, 'expectedPostDate must be a future epoch ms');
    let ids: string[];
    if (body.packGroupIds === undefined) ids = job.packGroups.filter((id) => state.packGroups.get(id)?.status === 'ELIGIBLE');
    else if (Array.isArray(body.packGroupIds)) ids = body.packGroupIds as string[];
    else return err(ctx, 400, 'packGroupIds must be an array');
    for (const id of ids) {
      const pg = state.packGroups.get(id);
      if (!pg || pg.jobId !== job.jobId) return err(ctx, 400, `pack group ${id} is not in job ${job.jobId}`);
      if (pg.status !== 'ELIGIBLE') return err(ctx, 400, `pack group ${id} is ${pg.status}`);
    }
    if (ids.length === 0) return err(ctx, 400, 'no eligible pack group to deliver');
    state.commands.push(body);
    const deliveryIds = createDeliveries(job, ids, labels[0], perFile as Record<string, string[]>, body.expectedPostDate as number | undefined);
    ctx.send(200, { result: { jobId: job.jobId, deliveryIds } });
  }));

  router.add('GET', `${prefix}/shipments/:shipmentId/trackingFile/:name`, authed((ctx) => {
    const shipment = [...state.deliveries.values()].flatMap((d) => d.shipments).find((s) => s.id === ctx.params.shipmentId);
    if (!shipment) return err(ctx, 404, `no shipment ${ctx.params.shipmentId}`);
    const name = ctx.params.name;
    if (!shipment.metadata.some((m) => m.metadataType === 'FILE' && m.name === name)) return err(ctx, 404, `shipment ${shipment.id} has no ${name}`);
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
