/**
 * The node × call cases of the reliability matrix. Each case builds a flow
 * whose node under test has id `dut`, wired to the helper `ok`; the suite
 * injects every fault on the case's route and checks that the message reaches
 * the Catch node, that nothing is sent twice, and that the next message works.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Sandbox } from '../../sandbox/server';
import { PlanviewerClient } from '../../nodes/providers/planviewer/client';
import { ProboClient } from '../../nodes/providers/probo/client';
import { ArriClient } from '../../nodes/providers/arri/client';
import { PostgreenClient } from '../../nodes/providers/postgreen/client';
import { DelivergoClient } from '../../nodes/providers/delivergo/client';
import { samplePdf } from '../../sandbox/pdf';
import { SANDBOX_ADDRESSES } from '../../sandbox/providers/postgreen';
import { PLANVIEWER_ADDRESSES, planviewerIntentionUuid } from '../../sandbox/providers/planviewer';
import { proboOrder } from '../probo/fixtures';

export interface FaultCase {
  name: string;
  /** Flow nodes (without tab, catch and helpers); the account must have id `acc`. */
  flow(base: (provider: string) => string): Array<Record<string, unknown>>;
  credentials: Record<string, unknown>;
  /** Called before each message; returns it (fresh, so the repeat guard does not interfere). */
  message(sandbox: Sandbox, n: number): Promise<Record<string, unknown>>;
  /** Path prefix the fault is injected on. */
  route: string;
  method?: string;
  /** The call creates something at the provider: it must never be sent twice. */
  creates?: boolean;
  /** The verb that creates, when not POST. */
  createMethod?: string;
  download?: boolean;
  /** Poll-style nodes keep the job and report the failure once instead of failing the message. */
  keepsWatching?: boolean;
  /** The node has a repeat guard: after an unknown outcome the same message must be refused as `duplicate`. */
  guarded?: boolean;
  /** Writes a file of any size to a folder: a large answer is a large file, not an error. */
  anySize?: boolean;
  /**
   * Where the provider documents variants that no JSON shape describes (a
   * login token in a header or as a bare body), the message that names the
   * problem instead of the shared one.
   */
  answerMessages?: { 'not JSON'?: RegExp; 'wrong shape'?: RegExp };
  /** The provider documents no answer for this call: any 2xx body (JSON or not) is its answer. */
  answerUndocumented?: boolean;
}

const PV = { acc: { apiKey: 'rel-key', apiSecret: 'rel-secret-value' } };
const PROBO = { acc: { apiKey: 'rel-secret-value' } };
const PROBO_DELIVERY = [{ address: { first_name: 'A', last_name: 'B', street: 'Teststraat', house_number: '1', postal_code: '1234AB', city: 'Utrecht', country: 'NL' }, delivery_date_preset: 'cheapest', shipping_method_preset: 'cheapest' }];
const ARRI = { acc: { username: 'rel-user', password: 'rel-password-value' } };
const POSTGREEN = { acc: { username: 'rel-user', password: 'rel-password-value' } };
const DELIVERGO = { acc: { apiKey: 'rel-key', apiSecret: 'rel-secret-value' } };
const DG_CUSTOMER = '1186f976-8aae-4929-b6f2-3ce99553e248';
const uuid = (n: number) => `00000000-0000-4000-9000-${String(n + 1000).padStart(12, '0')}`;

async function finishedJob(sandbox: Sandbox, n: number): Promise<string> {
  const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'x', apiSecret: 'y' });
  try {
    const [o] = await client.order([uuid(5000 + n)]);
    for (let i = 0; i < 6; i++) await client.status([o.job.uuid]);
    return o.job.uuid;
  } finally {
    client.close();
  }
}

export const CASES: FaultCase[] = [
  {
    name: 'place order · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: PV,
    message: async (_s, n) => ({ payload: { uuids: [uuid(n)] } }),
    route: '/planviewer/product_api/v1/jobs/order',
    creates: true,
    guarded: true,
  },
  {
    name: 'poll status · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', interval: 1, maxWait: 600, wires: [['ok'], [], []] },
    ],
    credentials: PV,
    message: async (s, n) => ({ payload: await finishedJob(s, n) }),
    route: '/planviewer/product_api/v1/jobs/status',
    keepsWatching: true,
  },
  {
    name: 'retrieve result (Buffer) · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-retrieve-result', z: 'f1', account: 'acc', output: 'buffer', wires: [['ok']] },
    ],
    credentials: PV,
    message: async (s, n) => ({ payload: await finishedJob(s, n) }),
    route: '/planviewer/product_api/v1/jobs/retrieve',
    download: true,
  },
  {
    name: 'retrieve result (file) · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-retrieve-result', z: 'f1', account: 'acc', output: 'file', folder: fs.mkdtempSync(path.join(os.tmpdir(), 'rel-')), folderType: 'str', wires: [['ok']] },
    ],
    credentials: PV,
    message: async (s, n) => ({ payload: await finishedJob(s, n) }),
    route: '/planviewer/product_api/v1/jobs/retrieve',
    download: true,
    anySize: true,
  },
  {
    // A read sent as POST: retried like any read, never guarded.
    name: 'operation (search) · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-operation', z: 'f1', account: 'acc', operation: 'search', wires: [['ok']] },
    ],
    credentials: PV,
    message: async () => ({ payload: { postcode: '6512EX', housenumber: 2 } }),
    route: '/planviewer/product_api/v1/search/structured',
    method: 'POST',
  },
  {
    name: 'operation (select) · planviewer',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'planviewer', baseUrl: base('planviewer'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-operation', z: 'f1', account: 'acc', operation: 'select', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: PV,
    message: async (s) => ({ payload: { uuid: await waitingJob(s), select: 1 } }),
    route: '/planviewer/product_api/v1/kik/select/',
    method: 'POST',
    creates: true,
    guarded: true,
    answerUndocumented: true,
  },
  {
    name: 'place order · probo',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'probo', baseUrl: base('probo'), timeout: 1000, testMode: true, authScheme: 'bearer' },
      { id: 'dut', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: PROBO,
    message: async (_s, n) => ({ payload: { id: `rel-${n}`, reference: `reliability ${n}`, products: [{ code: 'banner-510', options: [{ code: 'width', value: 100 }, { code: 'height', value: 100 }, { code: 'amount', value: 1 }] }], deliveries: PROBO_DELIVERY } }),
    route: '/probo/order',
    method: 'POST',
    creates: true,
    guarded: true,
  },
  {
    name: 'uploader session · probo',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'probo', baseUrl: base('probo'), timeout: 1000, testMode: true, authScheme: 'bearer' },
      { id: 'dut', type: 'fulfillment-uploader-session', z: 'f1', account: 'acc', wires: [['ok']] },
    ],
    credentials: PROBO,
    message: async (s) => {
      const client = new ProboClient({ baseUrl: s.providerUrl('probo'), apiKey: 'x' });
      try {
        const price = await client.price({ language: 'nl', products: [{ code: 'banner-510', options: [{ code: 'amount', value: 1 }] }] });
        return { payload: { calculation_id: price.calculation_id, callback_url: 'http://127.0.0.1:9/uploader-callback', language: 'nl' } };
      } finally {
        client.close();
      }
    },
    route: '/probo/products/uploader/create',
    creates: true,
  },
  {
    name: 'poll status · probo',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'probo', baseUrl: base('probo'), timeout: 1000, testMode: true, authScheme: 'bearer' },
      { id: 'dut', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'order', interval: 1, maxWait: 600, wires: [['ok'], ['ok'], []] },
    ],
    credentials: PROBO,
    message: async (s, n) => {
      const client = new ProboClient({ baseUrl: s.providerUrl('probo'), apiKey: 'x', testMode: true });
      // Test orders canceled on receipt (one of the two behaviours Probo's pages describe): one read ends the watch.
      s.probo.testOrders = 'cancel';
      try {
        await client.placeOrder({ id: `poll-${n}`, reference: 'r', products: [{ code: 'banner-510', options: [{ code: 'amount', value: 1 }] }], deliveries: PROBO_DELIVERY });
      } finally {
        client.close();
      }
      return { payload: `poll-${n}` };
    },
    route: '/probo/order/status',
    keepsWatching: true,
  },
  {
    name: 'operation (cancel) · probo',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'probo', baseUrl: base('probo'), timeout: 1000, testMode: true, authScheme: 'bearer' },
      { id: 'dut', type: 'fulfillment-operation', z: 'f1', account: 'acc', operation: 'cancel', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: PROBO,
    message: async (s, n) => {
      const client = new ProboClient({ baseUrl: s.providerUrl('probo'), apiKey: 'x', testMode: false });
      try {
        await client.placeOrder(proboOrder(`cancel-${n}`));
      } finally {
        client.close();
      }
      return { payload: `cancel-${n}` };
    },
    route: '/probo/order/cancel',
    method: 'POST',
    creates: true,
    guarded: true,
  },
  {
    name: 'place order · arri',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'arri', baseUrl: base('arri'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: ARRI,
    message: async (_s, n) => ({ payload: { product: 's', client_name: `Client ${n}`, project_name: `Project ${n}`, user_email: 'ops@example.com', user_login: `ops${n}` } }),
    route: '/arri/api/orders',
    creates: true,
    guarded: true,
  },
  {
    name: 'poll status · arri',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'arri', baseUrl: base('arri'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'order', interval: 1, maxWait: 600, wires: [['ok'], ['ok'], []] },
    ],
    credentials: ARRI,
    message: async (s, n) => {
      const client = new ArriClient({ baseUrl: s.providerUrl('arri'), accessToken: 'sandbox-token' });
      try {
        const order = await client.createOrder({ product: 's', client_name: `Poll ${n}`, project_name: `Poll ${n}` });
        return { payload: order.order_hash };
      } finally {
        client.close();
      }
    },
    route: '/arri/api/orders/',
    method: 'GET',
    keepsWatching: true,
  },
  ...(['json', 'xml'] as const).map((format): FaultCase => ({
    name: `resale unit (add, ${format.toUpperCase()}) · delivergo`,
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'delivergo', baseUrl: base('delivergo'), timeout: 1000, format, portalNamespace: 'rel', customerGuid: DG_CUSTOMER },
      { id: 'dut', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation: 'add', wires: [['ok']] },
    ],
    credentials: DELIVERGO,
    message: async (_s, n) => ({ payload: { Active: false, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: `Unit ${n}`, Description: 'reliability' }] } }),
    route: '/delivergo/portal/rel/api/Customer/',
    method: 'PUT',
    creates: true,
    createMethod: 'PUT',
    // The node's default repeat guard (no setting in the flow).
    guarded: true,
  })),
  ...(['json', 'xml'] as const).flatMap((format) => (['update', 'delete'] as const).map((operation): FaultCase => ({
    name: `resale unit (${operation}, ${format.toUpperCase()}) · delivergo`,
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'delivergo', baseUrl: base('delivergo'), timeout: 1000, format, portalNamespace: 'rel', customerGuid: DG_CUSTOMER },
      { id: 'dut', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation, wires: [['ok']] },
    ],
    credentials: DELIVERGO,
    message: async (s, n) => {
      const unit = await delivergoUnit(s, n);
      return { payload: operation === 'delete' ? unit.Id : { ...unit, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: `Unit ${n} renamed`, Description: 'reliability' }] } };
    },
    route: '/delivergo/portal/rel/api/Customer/',
    method: operation === 'update' ? 'POST' : 'DELETE',
    creates: true,
    createMethod: operation === 'update' ? 'POST' : 'DELETE',
    guarded: true,
  }))),
  {
    name: 'resale unit (list, JSON) · delivergo',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'delivergo', baseUrl: base('delivergo'), timeout: 1000, format: 'json', portalNamespace: 'rel', customerGuid: DG_CUSTOMER },
      { id: 'dut', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation: 'list', wires: [['ok']] },
    ],
    credentials: DELIVERGO,
    message: async () => ({ payload: null }),
    route: '/delivergo/portal/rel/api/Customer/',
    method: 'GET',
  },
  {
    name: 'resale unit (list, XML) · delivergo',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'delivergo', baseUrl: base('delivergo'), timeout: 1000, format: 'xml', portalNamespace: 'rel', customerGuid: DG_CUSTOMER },
      { id: 'dut', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation: 'list', wires: [['ok']] },
    ],
    credentials: DELIVERGO,
    message: async () => ({ payload: null }),
    route: '/delivergo/portal/rel/api/Customer/',
    method: 'GET',
  },
  {
    name: 'authenticate · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-authenticate', z: 'f1', account: 'acc', wires: [['ok']] },
    ],
    credentials: POSTGREEN,
    message: async () => ({ payload: null }),
    route: '/postgreen/authentication/authenticate',
    // The token may come in the X-Auth-Token header, as a JSON body or as the bare body.
    answerMessages: { 'not JSON': /cannot be read: it is neither JSON nor a token/, 'wrong shape': /answered without a token/ },
  },
  {
    name: 'create job · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-create-job', z: 'f1', account: 'acc', mode: 'classic', service: 'SRV_LETTER', serviceType: 'str', box: 'BX101', boxType: 'str', jobName: 'reliability', jobNameType: 'str', dedupeWindow: 3600, wires: [['ok']] },
    ],
    credentials: POSTGREEN,
    message: async (_s, n) => ({ payload: { filename: `letter-${n}.pdf`, data: samplePdf([`letter ${n}`]) } }),
    route: '/postgreen/jobs',
    method: 'POST',
    creates: true,
    guarded: true,
  },
  {
    name: 'create delivery · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-create-delivery', z: 'f1', account: 'acc', channel: 'LETTRE_RECOMMANDEE', channelType: 'str', outputFile: 'MAIN', options: '{"print_mode":"2SIDE"}', optionsType: 'json', wires: [['ok']] },
    ],
    credentials: POSTGREEN,
    message: async (s, n) => ({ payload: await postgreenJob(s, n) }),
    route: '/postgreen/deliveries/commands',
    creates: true,
    // The node's default repeat guard (no setting in the flow).
    guarded: true,
  },
  {
    name: 'poll status (job) · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'job', interval: 1, maxWait: 600, wires: [['ok'], ['ok'], []] },
    ],
    credentials: POSTGREEN,
    message: async (s, n) => ({ payload: await postgreenJob(s, n) }),
    route: '/postgreen/jobs/',
    method: 'GET',
    keepsWatching: true,
  },
  {
    name: 'poll status (deliveries) · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'deliveries', interval: 1, maxWait: 600, wires: [['ok'], ['ok'], []] },
    ],
    credentials: POSTGREEN,
    message: async (s, n) => ({ payload: await postgreenJob(s, n, true) }),
    route: '/postgreen/deliveries',
    method: 'GET',
    keepsWatching: true,
  },
  {
    name: 'track shipment · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-track-shipment', z: 'f1', account: 'acc', proofs: 'none', wires: [['ok']] },
    ],
    credentials: POSTGREEN,
    message: async (s, n) => ({ payload: await postgreenJob(s, n, true) }),
    route: '/postgreen/deliveries',
    method: 'GET',
  },
  {
    name: 'edit packgroup (list) · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'list', wires: [['ok']] },
    ],
    credentials: POSTGREEN,
    message: async (s, n) => ({ payload: await postgreenJob(s, n) }),
    route: '/postgreen/jobs/',
    method: 'GET',
  },
  {
    name: 'edit packgroup (edit) · postgreen',
    flow: (base) => [
      { id: 'acc', type: 'fulfillment-account', provider: 'postgreen', baseUrl: base('postgreen'), timeout: 1000 },
      { id: 'dut', type: 'fulfillment-edit-packgroup', z: 'f1', account: 'acc', action: 'edit', wires: [['ok']] },
    ],
    credentials: POSTGREEN,
    message: async (s, n) => ({ payload: { packGroupId: await postgreenPackGroup(s, n), name: 'POSTAL_ADDRESS_RECIPIENT', value: `Client ${n}\n1 Rue de la Paix\n75002 Paris` } }),
    route: '/postgreen/packGroups/',
    method: 'POST',
    creates: true,
  },
];

/** A Planviewer job that stops at "waiting for user" (the sandbox's address with two parcels). */
async function waitingJob(sandbox: Sandbox): Promise<string> {
  const address = PLANVIEWER_ADDRESSES.find((a) => a.parcels && a.parcels.length > 1);
  if (!address) throw new Error('the sandbox has no address with two parcels');
  const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'x', apiSecret: 'y' });
  try {
    const [o] = await client.order([planviewerIntentionUuid(address.uuid, 'eigendomsinformatie')]);
    for (let i = 0; i < 6; i++) if ((await client.status([o.job.uuid]))[0].status === 'waiting for user') return o.job.uuid;
    throw new Error(`job ${o.job.uuid} never waited for the user`);
  } finally {
    client.close();
  }
}

async function delivergoUnit(sandbox: Sandbox, n: number): Promise<{ Id: number } & Record<string, unknown>> {
  const client = new DelivergoClient({ baseUrl: sandbox.providerUrl('delivergo'), apiKey: 'setup', apiSecret: 'setup-secret', portalNamespace: 'rel', customerGuid: DG_CUSTOMER });
  try {
    const unit = await client.add({ Active: false, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: `Setup ${n}`, Description: 'reliability' }] });
    return unit as unknown as { Id: number } & Record<string, unknown>;
  } finally {
    client.close();
  }
}

async function postgreenPackGroup(sandbox: Sandbox, n: number): Promise<string> {
  const jobId = await postgreenJob(sandbox, n);
  const client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'setup', password: 'setup-password' });
  try {
    // The sandbox makes the pack groups after a few reads of the job, as PostGreen does after processing.
    for (let i = 0; i < 10; i++) {
      const [group] = await client.jobPackGroups(jobId);
      if (group) return String(group.id);
    }
    throw new Error(`no pack group for ${jobId}`);
  } finally {
    await client.close();
  }
}

async function postgreenJob(sandbox: Sandbox, n: number, withDeliveries = false): Promise<string> {
  const client = new PostgreenClient({ baseUrl: sandbox.providerUrl('postgreen'), login: 'setup', password: 'setup-password' });
  try {
    const job = await client.createJob({ jobName: `setup ${n}`, serviceId: 'SRV_LETTER', autocreateDeliveryCommand: withDeliveries, files: [{ box: 'BX101', filename: `setup-${n}.pdf`, data: samplePdf([`setup ${n}`]) }] });
    return String(job.jobId);
  } finally {
    await client.close();
  }
}
