import assert from 'assert';
import { Sandbox } from '../../sandbox/server';
import { SANDBOX_OPTIONS as O, SANDBOX_OPTION_TYPES as OT, SANDBOX_SAMPLE_JOB, SANDBOX_SERVICE as S } from '../../sandbox/providers/postgreen';
import { createProvider } from '../../nodes/providers';
import { postgreenDescriptor } from '../../nodes/providers/postgreen/descriptor';
import { LANGUAGES, ProviderHandle } from '../../nodes/core/descriptor';
import { FulfillmentError } from '../../nodes/core/errors';

/** PostGreen's operations and live lists, bound to an account's client, against the sandbox. */
describe('PostGreen operations and live lists against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  let handle: ProviderHandle;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    handle = createProvider({ provider: 'postgreen', baseUrl: sandbox.providerUrl('postgreen'), credentials: { username: 'u', password: 'p' }, options: {} });
  });
  afterEach(async () => {
    await handle.close();
    await sandbox.stop();
  });

  const run = async (name: string, input: unknown): Promise<{ payload: unknown; fields: Record<string, unknown> }> => {
    const op = handle.capabilities.operations?.[name];
    assert.ok(op, `operation ${name}`);
    return op.run(op.prepare(input));
  };

  it('lists the four operations with their documentation in every language, all reads', () => {
    const infos = postgreenDescriptor.capabilities.operations;
    assert.deepStrictEqual(infos.map((o) => o.name), ['optionTypes', 'options', 'checkOptions', 'packGroups']);
    for (const info of infos) {
      assert.strictEqual(info.changes, false);
      for (const part of [info.label, info.description, info.input, info.output]) {
        for (const lang of LANGUAGES) assert.ok(part[lang].trim().length > 0, `${info.name} ${lang}`);
      }
      assert.match(info.call, /^(GET|POST) \//);
    }
    assert.deepStrictEqual(Object.keys(handle.capabilities.operations ?? {}), infos.map((o) => o.name));
  });

  it('every example runs against the sandbox as documented', async () => {
    const ran: string[] = [];
    for (const info of postgreenDescriptor.capabilities.operations) {
      const out = await run(info.name, info.example);
      assert.ok(Array.isArray(out.payload) ? out.payload.length > 0 : Object.keys(out.payload as object).length > 0, `${info.name}: an answer`);
      ran.push(info.name);
    }
    assert.deepStrictEqual(ran, ['optionTypes', 'options', 'checkOptions', 'packGroups']);
  });

  it('optionTypes and options: ids as the platform sent them, and the catalogue by name', async () => {
    const types = await run('optionTypes', null);
    assert.deepStrictEqual(types.fields.optionTypesByName, OT);
    const options = await run('options', undefined);
    const byName = options.fields.optionsByName as Record<string, { typeId: unknown; values: Record<string, unknown> }>;
    assert.deepStrictEqual(byName.print_mode, { typeId: OT.print_mode, values: { '1SIDE': O['1SIDE'], '2SIDE': O['2SIDE'] } });
    assert.ok((options.payload as Array<{ id: unknown }>).every((o) => typeof o.id === 'number'));
  });

  it('checkOptions and packGroups on the sample job: what can be delivered, and why the other cannot', async () => {
    const check = await run('checkOptions', { jobId: SANDBOX_SAMPLE_JOB });
    const [deliverable] = check.fields.packGroupIds as string[];
    assert.deepStrictEqual(check.fields.channels, [S.channelLabel]);
    assert.deepStrictEqual((check.fields.selectableByName as Record<string, Record<string, Record<string, Record<string, string[]>>>>)[deliverable][S.channelLabel].MAIN.print_mode, ['1SIDE', '2SIDE']);
    const groups = await run('packGroups', SANDBOX_SAMPLE_JOB);
    const summary = groups.fields.packGroups as Array<{ id: string; eligible: boolean; problems: string[] }>;
    assert.deepStrictEqual(summary.map((g) => g.eligible), [true, false]);
    assert.strictEqual(summary[0].id, deliverable);
    assert.match((groups.fields.notEligible as Array<{ problems: string[] }>)[0].problems[0], /ADDRESS_INVALID/);
    assert.strictEqual(check.fields.jobId, SANDBOX_SAMPLE_JOB);
  });

  it('checks the input before any request, naming the field', async () => {
    const before = sandbox.requests.length;
    for (const [name, input] of [['checkOptions', {}], ['packGroups', 'a/b'], ['packGroups', ['J1', 'J2']], ['optionTypes', 'JOB_SAMPLE']] as const) {
      assert.throws(() => handle.capabilities.operations?.[name].prepare(input), (e: unknown) => e instanceof FulfillmentError && e.kind === 'invalid_input' && e.field === 'msg.payload', `${name} ${JSON.stringify(input)}`);
    }
    assert.strictEqual(sandbox.requests.length, before);
  });

  it('serves live lists for the editor: services, boxes, channels, options', async () => {
    const choices = handle.capabilities.choices ?? {};
    assert.deepStrictEqual(Object.keys(choices), ['services', 'boxes', 'channels', 'options']);
    assert.deepStrictEqual(await choices.services(), [{ value: S.id, label: `${S.name} (${S.id})` }]);
    assert.deepStrictEqual((await choices.boxes()).map((c) => c.value), [S.mainBox, S.annexBox]);
    assert.deepStrictEqual(await choices.channels(), [{ value: S.channelLabel, label: `${S.channelName} (${S.channelLabel}) · ${S.name}` }]);
    assert.ok((await choices.options()).some((c) => c.value === 'print_mode:2SIDE' && c.label.includes(String(O['2SIDE']))));
  });
});
