import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { samplePdf } from '../../sandbox/pdf';
import { SANDBOX_ADDRESSES as A, SANDBOX_SERVICE as S } from '../../sandbox/providers/postgreen';

const CREDS = { acc: { username: 'pg-user', password: 'pg-secret-789' } };
const PDF = samplePdf(['Dear customer', 'This is a letter.']);
type Msg = Record<string, unknown>;
type PackGroup = { id: string; status: string };

/**
 * Job and delivery status as PostGreen's pages describe it, in real flows:
 * CREATED is success; a job that stays in PACK_GROUP_CREATED needs attention;
 * no delivery for a processed job is "an error somewhere, probably an
 * incorrect address"; shipments carry the appendix's numeric statuses.
 */
describe('PostGreen job and delivery status against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;

  sandboxPerTest((s) => (sandbox = s));

  /** create job (auto-created deliveries) -> poll status of `kind` -> done / attention / progress; track shipment on its own. */
  function flow(kind: string, account: Record<string, unknown> = {}): Msg[] {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'postgreen', sandbox.providerUrl('postgreen'), account),
      { id: 'createJob', type: 'fulfillment-create-job', z: 'f1', account: 'acc', mode: 'autocreate', service: S.id, serviceType: 'str', jobName: 'auto', jobNameType: 'str', wires: [['created', 'poll']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind, interval: 1, maxWait: 60, wires: [['done'], ['attention'], ['progress']] },
      { id: 'track', type: 'fulfillment-track-shipment', z: 'f1', account: 'acc', proofs: 'none', wires: [['tracked']] },
      ...['created', 'done', 'attention', 'progress', 'tracked'].map((id) => ({ id, type: 'helper', z: 'f1' })),
      ...catchTo(),
    ];
  }

  it('kind "created": a job with auto-created deliveries is done at CREATED, not at PACK_GROUP_CREATED', async () => {
    await helper.load(allNodes(), flow('created'), CREDS);
    const done = collect('done');
    const progress = collect('progress');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [d] = await done.wait(1);
    assert.strictEqual(d.status, 'CREATED');
    assert.ok(progress.messages.some((m) => m.status === 'PACK_GROUP_CREATED'), 'PACK_GROUP_CREATED is progress');
    assert.strictEqual(sandbox.postgreen.jobs.get(String(d.jobId))?.status, 'CREATED');
  });

  it('kind "created": a job that stays in PACK_GROUP_CREATED longer than the account allows goes to output 2 with its pack groups', async () => {
    sandbox.postgreen.stuckPackGroups = true;
    await helper.load(allNodes(), flow('created', { packGroupWait: 1 }), CREDS);
    const attention = collect('attention');
    const done = collect('done');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [a] = await attention.wait(1);
    assert.strictEqual(a.status, 'PACK_GROUP_CREATED');
    assert.match(String(a.reason), /stayed in PACK_GROUP_CREATED for more than 1 s: probably an eligibility issue/);
    const groups = (a.payload as { packGroups: PackGroup[] }).packGroups;
    assert.deepStrictEqual(groups.map((g) => g.status), ['PENDING'], 'the pack groups as the platform gave them');
    assert.strictEqual(done.messages.length, 0);
  });

  it('kind "created": a NOT_ELIGIBLE pack group goes to output 2 at once, with its problem spelled out', async () => {
    await helper.load(allNodes(), flow('created'), CREDS);
    const attention = collect('attention');
    helper.getNode('createJob')?.receive({ payload: PDF, packRequirements: { POSTAL_ADDRESS_RECIPIENT: A.ineligible } });
    const [a] = await attention.wait(1);
    assert.match(String(a.reason), /1 pack group\(s\) NOT_ELIGIBLE: PG\d+: ADDRESS_INVALID: the last address line must start with a 5-digit postal code/);
    assert.strictEqual(a.status, 'PACK_GROUP_CREATED');
  });

  it('kind "deliveries": no delivery for a processed job is output 2, "probably an incorrect address", with the pack groups', async () => {
    await helper.load(allNodes(), flow('deliveries'), CREDS);
    const attention = collect('attention');
    helper.getNode('createJob')?.receive({ payload: PDF, packRequirements: { POSTAL_ADDRESS_RECIPIENT: A.ineligible } });
    const [a] = await attention.wait(1);
    assert.strictEqual(a.status, 'NO_DELIVERY');
    assert.match(String(a.reason), /no delivery: an error somewhere, probably an incorrect address/);
    const p = a.payload as { deliveries: unknown[]; packGroups: PackGroup[]; job: { status: string } };
    assert.deepStrictEqual(p.deliveries, []);
    assert.deepStrictEqual(p.packGroups.map((g) => g.status), ['NOT_ELIGIBLE']);
    assert.strictEqual(p.job.status, 'PACK_GROUP_CREATED');
  });

  it('kind "deliveries": a processed job whose deliveries never come is output 2 after the pack group wait, not an endless wait', async () => {
    sandbox.postgreen.stuckPackGroups = true;
    await helper.load(allNodes(), flow('deliveries', { packGroupWait: 1 }), CREDS);
    const attention = collect('attention');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [a] = await attention.wait(1);
    assert.strictEqual(a.status, 'NO_DELIVERY');
    assert.match(String(a.reason), /probably an incorrect address.*still none 1 s after the job's processing ended/);
    assert.strictEqual((a.payload as { packGroups: PackGroup[] }).packGroups.length, 1);
  });

  it('kind "deliveries": a shipment that failed (-614 Incorrect address) is output 2; track shipment gives the status its meaning', async () => {
    sandbox.postgreen.shipmentStatus = -614;
    await helper.load(allNodes(), flow('deliveries'), CREDS);
    const attention = collect('attention');
    const done = collect('done');
    const tracked = collect('tracked');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [a] = await attention.wait(1);
    assert.strictEqual(a.status, 'SHIPMENT_FAILED');
    assert.match(String(a.reason), /shipment SHP\d+: -614 Incorrect address/);
    assert.strictEqual(done.messages.length, 0);
    helper.getNode('track')?.receive({ payload: a.jobId });
    const [t] = await tracked.wait(1);
    const [s] = t.shipments as Array<{ status: unknown; shipmentStatus: unknown }>;
    assert.strictEqual(s.status, -614, 'the code as it came');
    assert.deepStrictEqual(s.shipmentStatus, { code: -614, label: 'Incorrect address', final: true, failed: true, known: true });
  });

  it('kind "deliveries": all OUTPUTTED with a mailed shipment is done, and track shipment reads 600 as Mailed', async () => {
    await helper.load(allNodes(), flow('deliveries'), CREDS);
    const done = collect('done');
    const tracked = collect('tracked');
    helper.getNode('createJob')?.receive({ payload: PDF });
    const [d] = await done.wait(1);
    assert.strictEqual(d.status, 'OUTPUTTED');
    helper.getNode('track')?.receive({ payload: d.jobId });
    const [t] = await tracked.wait(1);
    const [s] = t.shipments as Array<{ shipmentStatus: unknown }>;
    assert.deepStrictEqual(s.shipmentStatus, { code: 600, label: 'Mailed', final: false, failed: false, known: true });
  });
});
