import assert from 'assert';
import { Readable } from 'stream';
import { deliveriesReport, jobIdsFrom, jobReport } from '../../nodes/providers/postgreen/capabilities';
import { planDelivery, epochMs } from '../../nodes/providers/postgreen/delivery';
import { filesFromPayload } from '../../nodes/providers/postgreen/input';
import { OptionLookup, catalogueView } from '../../nodes/providers/postgreen/profile';
import { eligibilityProblems } from '../../nodes/providers/postgreen/parse';
import { SHIPMENT_STATUS_LABELS, shipmentStatus, shipmentStatusCode } from '../../nodes/providers/postgreen/shipment-status';
import { fileFieldNames } from '../../nodes/providers/postgreen/fields';
import { FulfillmentError } from '../../nodes/core/errors';
import { PostgreenDelivery, PostgreenProfile, PostgreenSelectableOptions } from '../../nodes/providers/postgreen/types';

const lookup = new OptionLookup({
  types: [{ id: 'T1', name: 'print_mode' }, { id: 'T2', name: 'print_color' }, { id: 'T3', name: 'envelope_type' }],
  options: [
    { id: 'O1', value: '1SIDE', typeId: 'T1' }, { id: 'O2', value: '2SIDE', typeId: 'T1' },
    { id: 'O3', value: 'BW', typeId: 'T2' }, { id: 'O4', value: 'COLOR', typeId: 'T2' },
    { id: 'O5', value: 'C4', typeId: 'T3' },
  ],
});
const selectable: PostgreenSelectableOptions = {
  PG1: { LBL: { MAIN: { T1: ['O1', 'O2'], T2: ['O3'] } } },
  PG2: { LBL: { MAIN: { T1: ['O1', 'O2'], T2: ['O3'] } } },
};
const profile: PostgreenProfile = { services: [{ id: 'S', name: 'S', boxes: [], channels: [{ label: 'LBL', name: 'channel_name', outputFiles: ['MAIN'] }] }] };

function invalid(fn: () => unknown, field: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FulfillmentError);
    assert.strictEqual(e.kind, 'invalid_input');
    assert.strictEqual(e.field, field);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('PostGreen pure helpers', () => {
  it('job verdicts: PACK_GROUP_CREATED / CREATED done, PROCESSING_ERROR failed, NOT_ELIGIBLE attention, others pending', () => {
    assert.strictEqual(jobReport({ jobId: 'J', status: 'PACK_GROUP_CREATED', packGroupCountPerStates: { ELIGIBLE: 2 } }).verdict, 'done');
    assert.strictEqual(jobReport({ jobId: 'J', status: 'CREATED' }).verdict, 'done');
    assert.strictEqual(jobReport({ jobId: 'J', status: 'PROCESSING_ERROR' }).verdict, 'failed');
    const att = jobReport({ jobId: 'J', status: 'PACK_GROUP_CREATED', packGroupCountPerStates: { ELIGIBLE: 1, NOT_ELIGIBLE: 1 } });
    assert.strictEqual(att.verdict, 'attention');
    assert.match(String(att.reason), /1 pack group\(s\) NOT_ELIGIBLE/);
    assert.strictEqual(jobReport({ jobId: 'J', status: 'SPLITTING' }).verdict, 'pending');
  });

  it('delivery verdicts: all OUTPUTTED done, READY progressing, none pending, error failed', () => {
    const d = (status: string): PostgreenDelivery => ({ id: `D${status}`, status });
    assert.strictEqual(deliveriesReport('J', [d('OUTPUTTED'), d('OUTPUTTED')]).verdict, 'done');
    const r = deliveriesReport('J', [d('OUTPUTTED'), d('READY')]);
    assert.deepStrictEqual([r.verdict, r.status, r.progress], ['pending', 'OUTPUTTED+READY', { current: 1, total: 2 }]);
    assert.strictEqual(deliveriesReport('J', []).status, 'NO_DELIVERY');
    assert.strictEqual(deliveriesReport('J', [d('OUTPUTTED'), d('PROCESSING_ERROR')]).verdict, 'failed');
  });

  it('shipment statuses: the appendix table, negative codes failed, numeric strings read, anything else passed on', () => {
    assert.strictEqual(SHIPMENT_STATUS_LABELS.size, 36);
    for (const [code, label] of SHIPMENT_STATUS_LABELS) {
      const s = shipmentStatus(String(code));
      assert.deepStrictEqual([s?.code, s?.label, s?.failed, s?.known], [code, label, code < 0, true]);
    }
    assert.deepStrictEqual([610, 714, 760, -610, -900, -910].map((c) => shipmentStatus(c)?.final), [true, true, true, true, true, true]);
    assert.deepStrictEqual([250, 600, 710, -740, -741, -750].map((c) => shipmentStatus(c)?.final), [false, false, false, false, false, false]);
    assert.deepStrictEqual(shipmentStatus(' -99 '), { code: -99, label: 'status -99', final: true, failed: true, known: false });
    assert.strictEqual(shipmentStatus('DEPOSITED'), undefined);
    assert.strictEqual(shipmentStatusCode(6.5), undefined);
  });

  it('file field names from the documented spellings; a pattern without a counter or a box is refused', () => {
    const box = { id: 'BX1', name: 'Letters' };
    assert.strictEqual(fileFieldNames().file(box, 2), 'file_mainBX1_2');
    assert.strictEqual(fileFieldNames().serviceFile(box, 0), 'serviceFile__file_BX1_0');
    assert.strictEqual(fileFieldNames('file__file_{box}_{n}').file(box, 0), 'file__file_BX1_0');
    assert.strictEqual(fileFieldNames('file_file__{name}_{n}').file(box, 1), 'file_file__Letters_1');
    for (const bad of ['file_{box}', 'file_{n}', 'file {box}_{n}', 'f_{box}_{n}_{x}']) {
      assert.throws(() => fileFieldNames(bad), (e: unknown) => e instanceof FulfillmentError && e.kind === 'config' && e.field === 'fileField', bad);
    }
  });

  it('job ids from strings, arrays, {jobId}, {result: {jobId}}; bad ones refused', () => {
    assert.deepStrictEqual(jobIdsFrom('J1', 'p'), ['J1']);
    assert.deepStrictEqual(jobIdsFrom(['J1', { jobId: 'J2' }, 'J1'], 'p'), ['J1', 'J2']);
    assert.deepStrictEqual(jobIdsFrom({ result: { jobId: 7 } }, 'p'), ['7']);
    invalid(() => jobIdsFrom({}, 'p'), 'p');
    invalid(() => jobIdsFrom('a/b', 'p'), 'p');
  });

  it('plans a delivery: names -> ids, the only channel label, MAIN', () => {
    const c = planDelivery({ jobId: 'J', options: { print_mode: '2SIDE', print_color: 'BW' } }, selectable, lookup, profile);
    assert.deepStrictEqual(c, { jobId: 'J', serviceChannelOptions: { LBL: { MAIN: ['O2', 'O3'] } } });
    const d = planDelivery({ jobId: 'J', options: { T1: 'O1' }, packGroupIds: ['PG2'], expectedPostDate: 1733889600000 }, selectable, lookup, profile);
    assert.deepStrictEqual(d, { jobId: 'J', packGroupIds: ['PG2'], serviceChannelOptions: { LBL: { MAIN: ['O1'] } }, expectedPostDate: 1733889600000 });
  });

  it('refuses a channel name, unknown or unselectable options and undeliverable pack groups, naming the field', () => {
    invalid(() => planDelivery({ jobId: 'J', channel: 'channel_name' }, selectable, lookup, profile), 'channel', /NAME; deliveries need its LABEL "LBL"/);
    invalid(() => planDelivery({ jobId: 'J', channel: 'OTHER' }, selectable, lookup, profile), 'channel', /offered: LBL/);
    invalid(() => planDelivery({ jobId: 'J', options: { paper: 'A4' } }, selectable, lookup), 'options.paper', /known: print_mode, print_color, envelope_type/);
    invalid(() => planDelivery({ jobId: 'J', options: { print_color: 'COLOR' } }, selectable, lookup), 'options.print_color', /selectable: BW/);
    invalid(() => planDelivery({ jobId: 'J', options: { envelope_type: 'C4' } }, selectable, lookup), 'options.envelope_type', /cannot be set/);
    invalid(() => planDelivery({ jobId: 'J', outputFile: 'ADDRESS_PAGE' }, selectable, lookup), 'outputFile');
    invalid(() => planDelivery({ jobId: 'J', packGroupIds: ['PG9'] }, selectable, lookup), 'packGroupIds', /PG9/);
    invalid(() => planDelivery({ jobId: 'J' }, {}, lookup), 'jobId', /NOT_ELIGIBLE/);
  });

  it('reads dates as epoch ms', () => {
    assert.strictEqual(epochMs('2024-12-11T05:00:00Z', 'd'), 1733893200000);
    assert.strictEqual(epochMs('1733889600000', 'd'), 1733889600000);
    assert.strictEqual(epochMs(undefined, 'd'), undefined);
    invalid(() => epochMs('tomorrow', 'd'), 'd');
  });

  it('turns a payload into files: Buffer, path, stream, objects, arrays', () => {
    const b = Buffer.from('%PDF-');
    assert.deepStrictEqual(filesFromPayload(b, { box: 'BX', filename: 'a.pdf' }), [{ data: b, box: 'BX', filename: 'a.pdf' }]);
    assert.deepStrictEqual(filesFromPayload('/x/a.pdf'), [{ path: '/x/a.pdf', box: undefined }]);
    const s = Readable.from([b]);
    assert.strictEqual(filesFromPayload([s])[0].stream, s);
    assert.deepStrictEqual(filesFromPayload([{ filename: 'n.pdf', data: b, box: 'B2' }], { box: 'BX' }), [{ filename: 'n.pdf', data: b, box: 'B2' }]);
    invalid(() => filesFromPayload([]), 'msg.payload');
    invalid(() => filesFromPayload([42]), 'msg.payload[0]');
  });

  it('spells out eligibility problems in their several shapes', () => {
    assert.deepStrictEqual(eligibilityProblems({ id: 'P', status: 'NOT_ELIGIBLE', eligibility: [{ code: 'C', message: 'm', field: 'F' }] }), ['C: m (F)']);
    assert.deepStrictEqual(eligibilityProblems({ id: 'P', status: 'NOT_ELIGIBLE', eligibility: { errors: ['bad zip'] } }), ['bad zip']);
    assert.match(eligibilityProblems({ id: 'P', status: 'NOT_ELIGIBLE' })[0], /no reason/);
    assert.deepStrictEqual(eligibilityProblems({ id: 'P', status: 'ELIGIBLE' }), []);
  });

  it('builds the by-name catalogue without prototype keys', () => {
    const v = catalogueView({ types: [{ id: 'T', name: '__proto__' }, { id: 'T1', name: 'print_mode' }], options: [{ id: 'O', value: '2SIDE', typeId: 'T1' }] });
    assert.deepStrictEqual(Object.keys(v.optionsByName), ['print_mode']);
    assert.strictEqual(({} as Record<string, unknown>).T, undefined);
  });
});

describe('PostGreen admin endpoints', () => {
  it('register each route once, behind the read permission', async () => {
    const { registerPostgreenAdmin } = await import('../../nodes/authenticate/admin');
    const routes: Array<{ path: string; handlers: unknown[] }> = [];
    const permissions: string[] = [];
    const guard = (): void => undefined;
    const fakeRed = {
      httpAdmin: { get: (path: string, ...handlers: unknown[]) => routes.push({ path, handlers }), post: () => undefined },
      auth: { needsPermission: (p: string) => { permissions.push(p); return guard; } },
      nodes: { getNode: () => null },
    };
    registerPostgreenAdmin(fakeRed as never);
    registerPostgreenAdmin(fakeRed as never);
    assert.deepStrictEqual(routes.map((r) => r.path), ['/fulfillment/postgreen/:account/services', '/fulfillment/postgreen/:account/options']);
    assert.deepStrictEqual(permissions, ['fulfillment-account.read', 'fulfillment-account.read']);
    for (const r of routes) assert.strictEqual(r.handlers[0], guard, 'the permission check runs first');
  });
});
