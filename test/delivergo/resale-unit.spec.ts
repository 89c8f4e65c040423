import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { DELIVERGO_SANDBOX as D } from '../../sandbox/providers/delivergo';
import { DelivergoClient } from '../../nodes/providers/delivergo/client';
import { delivergoCapabilities } from '../../nodes/providers/delivergo/capabilities';

const SECRET = 'dg-secret-9731';
const CREDS = { acc: { apiKey: 'dg-key', apiSecret: SECRET } };
const PATH = `/delivergo/portal/${D.portalNamespace}/api/Customer/${D.customerGuid}/ResaleUnits`;
const DOCUMENTED_UNIT = {
  Id: 1,
  Guid: D.exampleUnitGuid,
  CurrencyToken: 'EUR',
  Created: '2011-03-09T17:03:17.893+01:00',
  Creator: D.exampleCreator,
  Modified: null,
  Modifier: null,
  Active: true,
  ResaleUnitTranslation: [{ LanguageToken: 'DE', Name: 'Name', Description: 'Description' }],
};

describe('delivergo resale unit node in a real runtime against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;

  sandboxPerTest((s) => (sandbox = s));

  function flow(format: 'json' | 'xml', operation = 'msg', account: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'delivergo', sandbox.providerUrl('delivergo'), { portalNamespace: D.portalNamespace, customerGuid: D.customerGuid, format, ...account }),
      { id: 'ru', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ];
  }

  for (const format of ['json', 'xml'] as const) {
    describe(`${format.toUpperCase()} on the wire`, () => {
      it('lists the units with ISO dates, nil as null and the translations as an array', async () => {
        await helper.load(allNodes(), flow(format, 'list'), CREDS);
        const out = collect('out');
        helper.getNode('ru')?.receive({ payload: null });
        const [msg] = await out.wait(1);
        assert.deepStrictEqual(msg.payload, [DOCUMENTED_UNIT]);
        assert.strictEqual(msg.count, 1);
        assert.strictEqual(msg.operation, 'list');
        assert.strictEqual(sandbox.count(PATH, 'GET'), 1);
        assert.deepStrictEqual(sandbox.delivergo.answered, [format], 'Accept asked for the account format');
      });

      it('adds (PUT), updates (POST) and deletes (DELETE with a body), each sent once, same objects in and out', async () => {
        await helper.load(allNodes(), flow(format), CREDS);
        const out = collect('out');
        const errors = collect('errors');
        const ru = helper.getNode('ru');
        ru?.receive({ operation: 'add', payload: { Active: false, CurrencyToken: 'USD', ResaleUnitTranslation: [{ Description: 'Description', LanguageToken: 'EN', Name: '007' }] } });
        const [added] = await out.wait(1);
        const unit = added.payload as Record<string, unknown>;
        assert.strictEqual(unit.Id, 2);
        assert.strictEqual(unit.Active, false);
        assert.strictEqual(unit.CurrencyToken, 'USD');
        assert.match(String(unit.Guid), /^[0-9a-f-]{36}$/);
        assert.match(String(unit.Created), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+01:00$/);
        assert.deepStrictEqual(unit.ResaleUnitTranslation, [{ LanguageToken: 'EN', Name: '007', Description: 'Description' }], '"007" stays a string');
        assert.strictEqual(sandbox.count(PATH, 'PUT'), 1);
        const sentAdd = sandbox.delivergo.received[0];
        assert.strictEqual(sentAdd.format, format);
        if (format === 'xml') {
          assert.match(sentAdd.body, /<ResaleUnit xmlns="http:\/\/delivergo.net\/portal\/api">/);
          assert.match(sentAdd.body, /<Active>false<\/Active>\s*<ResaleUnitTranslation>\s*<ResaleUnitTranslation>\s*<LanguageToken>EN<\/LanguageToken>\s*<Name>007<\/Name>/);
        } else {
          assert.deepStrictEqual(JSON.parse(sentAdd.body), { Active: false, CurrencyToken: 'USD', ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: '007', Description: 'Description' }] });
        }

        // The listed unit is fed back with a change: returned fields are not sent.
        ru?.receive({ operation: 'update', payload: { ...unit, Active: true, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'NewName', Description: 'NewDescription' }] } });
        const [, updated] = await out.wait(2);
        const changed = updated.payload as Record<string, unknown>;
        assert.strictEqual(changed.Id, 2);
        assert.strictEqual(changed.Active, true);
        assert.strictEqual(changed.Created, unit.Created);
        assert.match(String(changed.Modified), /\+01:00$/);
        assert.deepStrictEqual(changed.ResaleUnitTranslation, [{ LanguageToken: 'EN', Name: 'NewName', Description: 'NewDescription' }]);
        assert.strictEqual(sandbox.count(PATH, 'POST'), 1);
        const sentUpdate = sandbox.delivergo.received[1].body;
        assert.ok(!/Created|Creator/.test(sentUpdate), 'returned fields are not sent');
        assert.match(sentUpdate, format === 'xml' ? /<Id>2<\/Id>/ : /"Id":2/);

        ru?.receive({ operation: 'delete', payload: 2 });
        const [, , deleted] = await out.wait(3);
        assert.strictEqual((deleted.payload as { Id: number }).Id, 2);
        assert.strictEqual(sandbox.count(PATH, 'DELETE'), 1);
        const sentDelete = sandbox.delivergo.received[2].body;
        if (format === 'xml') assert.match(sentDelete, /<ResaleUnit xmlns="http:\/\/delivergo.net\/portal\/api">\s*<Id>2<\/Id>\s*<\/ResaleUnit>/);
        else assert.deepStrictEqual(JSON.parse(sentDelete), { Id: 2 });

        ru?.receive({ operation: 'list' });
        const [, , , listed] = await out.wait(4);
        assert.deepStrictEqual((listed.payload as Array<{ Id: number }>).map((u) => u.Id), [1]);
        assert.strictEqual(errors.messages.length, 0);
        assert.deepStrictEqual(sandbox.delivergo.answered, [format, format, format, format]);
      });

      it('refuses bad input before sending anything, naming the field', async () => {
        await helper.load(allNodes(), flow(format), CREDS);
        const errors = collect('errors');
        const ru = helper.getNode('ru');
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ operation: 'add', payload: { ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'n' }] } }, 'msg.payload.Active'],
          [{ operation: 'add', payload: { Active: true } }, 'msg.payload.ResaleUnitTranslation'],
          [{ operation: 'add', payload: { Active: true, ResaleUnitTranslation: [{ LanguageToken: 'ENG', Name: 'n' }] } }, 'msg.payload.ResaleUnitTranslation[0].LanguageToken'],
          [{ operation: 'add', payload: { Active: true, ResaleUnitTranslation: [{ LanguageToken: 'EN' }] } }, 'msg.payload.ResaleUnitTranslation[0].Name'],
          [{ operation: 'add', payload: { Active: true, CurrencyToken: 'EURO', ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'n' }] } }, 'msg.payload.CurrencyToken'],
          [{ operation: 'update', payload: { Active: true } }, 'msg.payload.Id'],
          [{ operation: 'delete', payload: {} }, 'msg.payload.Id'],
          [{ operation: 'update', payload: { Id: 1, active: true } }, 'msg.payload.active'],
          [{ operation: 'rename', payload: {} }, 'msg.operation'],
        ];
        for (const [msg] of cases) ru?.receive(msg);
        const got = await errors.wait(cases.length);
        assert.deepStrictEqual(got.map((m) => (m.error as { cause: { field: string } }).cause.field), cases.map((c) => c[1]));
        assert.ok(got.every((m) => (m.error as { code: string }).code === 'invalid_input'));
        assert.strictEqual(sandbox.requests.length, 0, 'nothing was sent');
      });
    });
  }

  it('gives the same objects from JSON and XML', async () => {
    const lists: unknown[] = [];
    for (const format of ['json', 'xml'] as const) {
      await helper.load(allNodes(), flow(format, 'list'), CREDS);
      const out = collect('out');
      helper.getNode('ru')?.receive({});
      lists.push((await out.wait(1))[0].payload);
      await helper.unload();
    }
    assert.deepStrictEqual(lists[0], lists[1]);
  });

  it('reads a wrapped JSON list, the documented XML example and guid in lower case', async () => {
    sandbox.fault({ method: 'GET', path: PATH, times: 1, fault: { type: 'malformed', contentType: 'application/json', body: JSON.stringify({ result: [{ guid: 'abc', Id: 5, Active: true, Created: '\\/Date(1299686597893+0100)\\/' }] }) } });
    await helper.load(allNodes(), flow('json', 'list'), CREDS);
    const out = collect('out');
    helper.getNode('ru')?.receive({});
    const [msg] = await out.wait(1);
    assert.deepStrictEqual(msg.payload, [{ Guid: 'abc', Id: 5, Active: true, Created: '2011-03-09T17:03:17.893+01:00' }]);

    const documentedXml = `<ResaleUnit xmlns="http://delivergo.net/portal/api" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Id>1</Id><Guid>97c4a982-be25-41d4-b8c3-8a6d9b3ba86f</Guid><Created>2011-03-09T17:03:17.893</Created><Modifier xsi:nil="true" /><Active>true</Active><ResaleUnitTranslation><ResaleUnitTranslation><LanguageToken>DE</LanguageToken><Name>Name</Name></ResaleUnitTranslation></ResaleUnitTranslation></ResaleUnit>`;
    sandbox.fault({ method: 'GET', path: PATH, times: 1, fault: { type: 'malformed', contentType: 'application/xml', body: documentedXml } });
    helper.getNode('ru')?.receive({});
    const [, second] = await out.wait(2);
    assert.deepStrictEqual(second.payload, [{ Id: 1, Guid: '97c4a982-be25-41d4-b8c3-8a6d9b3ba86f', Created: '2011-03-09T17:03:17.893', Modifier: null, Active: true, ResaleUnitTranslation: [{ LanguageToken: 'DE', Name: 'Name' }] }]);
  });

  it('turns an unreadable answer into malformed_response', async () => {
    sandbox.fault({ method: 'GET', path: PATH, fault: { type: 'malformed', contentType: 'application/xml', body: '<ArrayOfResaleUnit><ResaleUnit><Active>maybe</Active></ResaleUnit></ArrayOfResaleUnit>' } });
    await helper.load(allNodes(), flow('xml', 'list'), CREDS);
    const errors = collect('errors');
    helper.getNode('ru')?.receive({});
    const [msg] = await errors.wait(1);
    assert.strictEqual((msg.error as { code: string }).code, 'malformed_response');
    assert.match((msg.error as { message: string }).message, /Active: expected true or false/);
  });

  it('reports refused credentials without the secret, and an unknown customer', async () => {
    await helper.load(allNodes(), flow('xml', 'list'), { acc: { apiKey: 'denied', apiSecret: SECRET } });
    const errors = collect('errors');
    helper.getNode('ru')?.receive({});
    const [msg] = await errors.wait(1);
    const error = msg.error as { message: string; code: string; cause: Record<string, unknown> };
    assert.strictEqual(error.code, 'http');
    assert.strictEqual(error.cause.status, 401);
    assert.match(error.message, /API key or secret was refused/);
    assert.ok(!JSON.stringify(msg).includes(SECRET));
    assert.ok(!JSON.stringify(msg).includes(Buffer.from(`denied:${SECRET}`).toString('base64')));
    await helper.unload();

    await helper.load(allNodes(), flow('json', 'list', { customerGuid: D.missingCustomer }), CREDS);
    const errors2 = collect('errors');
    helper.getNode('ru')?.receive({});
    const [m2] = await errors2.wait(1);
    assert.strictEqual((m2.error as { cause: { status: number } }).cause.status, 404);
    assert.match((m2.error as { message: string }).message, /customer GUID/);
  });

  it('marks an add whose connection dropped after sending as outcome unknown and does not resend it', async () => {
    sandbox.fault({ method: 'PUT', path: PATH, times: 1, fault: { type: 'reset-after' } });
    await helper.load(allNodes(), flow('xml', 'add'), CREDS);
    const errors = collect('errors');
    helper.getNode('ru')?.receive({ payload: { Active: true, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Shop' }] } });
    const [msg] = await errors.wait(1);
    assert.strictEqual((msg.error as { code: string }).code, 'outcome_unknown');
    assert.strictEqual(sandbox.count(PATH, 'PUT'), 1);
    const units = [...sandbox.delivergo.customers.values()][0];
    assert.strictEqual(units.size, 2, 'the sandbox did add it');
  });

  it('refuses the same add, update or delete again within the repeat guard (no shared state needed), before anything is sent; list is never refused', async () => {
    await helper.load(allNodes(), flow('json'), CREDS);
    const out = collect('out');
    const errors = collect('errors');
    const ru = helper.getNode('ru');
    const unit = { Active: false, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Poster shop', Description: 'A2' }] };
    ru?.receive({ operation: 'add', payload: unit });
    const [added] = await out.wait(1);
    assert.match(String(added.idempotencyKey), /^[0-9a-f]{64}$/);
    ru?.receive({ operation: 'add', payload: { ...unit } });
    const [dup] = await errors.wait(1);
    const err = dup.error as { code: string; message: string; cause: { response: unknown } };
    assert.strictEqual(err.code, 'duplicate');
    assert.match(err.message, /delivergo: this resale unit change was already sent .*Use a new msg\.idempotencyKey to send it once more/);
    assert.deepStrictEqual(err.cause.response, added.payload, 'the first answer');
    assert.strictEqual(sandbox.count(PATH, 'PUT'), 1, 'not sent again');
    ru?.receive({ operation: 'add', payload: unit, idempotencyKey: 'a second poster shop' });
    await out.wait(2);
    assert.strictEqual(sandbox.count(PATH, 'PUT'), 2, 'a new key adds it once more');

    const id = (added.payload as { Id: number }).Id;
    const change = { Id: id, Active: true, ResaleUnitTranslation: unit.ResaleUnitTranslation };
    ru?.receive({ operation: 'update', payload: change });
    await out.wait(3);
    ru?.receive({ operation: 'update', payload: change });
    ru?.receive({ operation: 'update', payload: { ...change, Active: false } });
    await out.wait(4);
    ru?.receive({ operation: 'delete', payload: id });
    await out.wait(5);
    ru?.receive({ operation: 'delete', payload: { Id: id } });
    ru?.receive({ operation: 'list' });
    ru?.receive({ operation: 'list' });
    await out.wait(7);
    const refused = await errors.wait(3);
    assert.deepStrictEqual(refused.map((m) => (m.error as { code: string }).code), ['duplicate', 'duplicate', 'duplicate']);
    assert.deepStrictEqual([sandbox.count(PATH, 'POST'), sandbox.count(PATH, 'DELETE'), sandbox.count(PATH, 'GET')], [2, 1, 2], 'the other change and both lists went out; the repeats did not');
  });

  it('keeps the guard after an add whose outcome is unknown, and sends again when the repeat guard is 0', async () => {
    sandbox.fault({ method: 'PUT', path: PATH, times: 1, fault: { type: 'reset-after' } });
    await helper.load(allNodes(), flow('xml', 'add'), CREDS);
    const errors = collect('errors');
    const unit = { Active: true, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Shop' }] };
    helper.getNode('ru')?.receive({ payload: unit });
    const [first] = await errors.wait(1);
    assert.strictEqual((first.error as { code: string }).code, 'outcome_unknown');
    helper.getNode('ru')?.receive({ payload: unit });
    const [, second] = await errors.wait(2);
    assert.strictEqual((second.error as { code: string }).code, 'duplicate');
    assert.match((second.error as { message: string }).message, /an earlier attempt of this resale unit change has an unknown outcome/);
    assert.strictEqual(sandbox.count(PATH, 'PUT'), 1);
    await helper.unload();

    await helper.load(allNodes(), flow('json', 'add').map((n) => (n.id === 'ru' ? { ...n, dedupeWindow: 0 } : n)), CREDS);
    const out = collect('out');
    helper.getNode('ru')?.receive({ payload: unit });
    helper.getNode('ru')?.receive({ payload: unit });
    await out.wait(2);
    assert.strictEqual(sandbox.count(PATH, 'PUT'), 3, 'off: each message is sent');
  });

  it('refuses an account of another provider', async () => {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'planviewer', sandbox.providerUrl('planviewer')),
      { id: 'ru', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation: 'list', wires: [[]] },
      ...catchTo(),
    ], { acc: { apiKey: 'k', apiSecret: 's' } });
    const errors = collect('errors');
    helper.getNode('ru')?.receive({});
    const [msg] = await errors.wait(1);
    assert.match((msg.error as { message: string }).message, /cannot manage Resale Units; choose an account of delivergo/);
  });

  it('is usable without Node-RED, and its connection test lists the units', async () => {
    const client = new DelivergoClient({ baseUrl: sandbox.providerUrl('delivergo'), apiKey: 'k', apiSecret: SECRET, portalNamespace: D.portalNamespace, customerGuid: D.customerGuid, format: 'xml' });
    try {
      assert.strictEqual(await delivergoCapabilities(client).probe?.(), 'connected (XML); 1 resale units');
      const added = await client.add({ Active: true, ResaleUnitTranslation: [{ LanguageToken: 'FR', Name: 'Boutique' }] });
      const updated = await client.update({ Id: added.Id, CurrencyToken: 'CHF' });
      assert.strictEqual(updated.CurrencyToken, 'CHF');
      assert.strictEqual(updated.Active, true);
      await client.delete(added.Id);
      assert.strictEqual((await client.list()).length, 1);
      await assert.rejects(client.update({ Id: 999 }), (e: Error & { status?: number }) => e.status === 404);
    } finally {
      client.close();
    }
  });
});
