/**
 * delivergo as its documentation describes it, beyond the Resale Unit page:
 * dates in three forms, `guid` casing, `xsi:nil`, the answer format asked for
 * by Accept and `format`, and answers whose shape is not documented read
 * tolerantly but never taken for a success when they hold no Resale Units.
 */
import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { DELIVERGO_SANDBOX as D } from '../../sandbox/providers/delivergo';

const CREDS = { acc: { apiKey: 'dg-key', apiSecret: 'dg-secret-9731' } };
const PATH = `/delivergo/portal/${D.portalNamespace}/api/Customer/${D.customerGuid}/ResaleUnits`;
const NEW_UNIT = { Active: true, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Shop' }] };

type ErrorMsg = { message: string; code: string; cause: Record<string, unknown> };

describe('delivergo resale units as documented, in a real runtime against the sandbox', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;

  sandboxPerTest((s) => (sandbox = s));

  async function load(format: 'json' | 'xml'): Promise<void> {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'delivergo', sandbox.providerUrl('delivergo'), { portalNamespace: D.portalNamespace, customerGuid: D.customerGuid, format }),
      { id: 'ru', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation: 'msg', wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], CREDS);
  }

  const answerWith = (method: string, contentType: string, body: string, times = 1): void => sandbox.fault({ method, path: PATH, times, fault: { type: 'malformed', contentType, body } });

  it('asks for the answer format both documented ways: Accept and the format query parameter', async () => {
    for (const format of ['json', 'xml'] as const) {
      await load(format);
      const out = collect('out');
      helper.getNode('ru')?.receive({ operation: 'list' });
      helper.getNode('ru')?.receive({ operation: 'add', payload: NEW_UNIT });
      await out.wait(2);
      await helper.unload();
    }
    assert.deepStrictEqual(sandbox.requests.map((r) => `${r.method} ${r.query}`), ['GET ?format=json', 'PUT ?format=json', 'GET ?format=xml', 'PUT ?format=xml']);
    assert.deepStrictEqual(sandbox.delivergo.answered, ['json', 'json', 'xml', 'xml']);
  });

  it('authenticates with HTTP Basic, the API key as user and the secret as password, exactly as the documentation\'s example shows', async () => {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'delivergo', sandbox.providerUrl('delivergo'), { portalNamespace: D.portalNamespace, customerGuid: D.customerGuid, format: 'json' }),
      { id: 'ru', type: 'fulfillment-resale-unit', z: 'f1', account: 'acc', operation: 'list', wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], { acc: { apiKey: '00D8DDFE-86BF-4913-A3A3-4F12FD252EA6', apiSecret: 'secret' } });
    const out = collect('out');
    helper.getNode('ru')?.receive({});
    await out.wait(1);
    assert.deepStrictEqual(sandbox.delivergo.authorizations, ['Basic MDBEOERERkUtODZCRi00OTEzLUEzQTMtNEYxMkZEMjUyRUE2OnNlY3JldA==']);
  });

  it('reads dates in all three documented forms: \\/Date(ms+zone)\\/, ISO 8601 with and without offset', async () => {
    // As on the wire: WCF escapes the slashes, `"\/Date(…)\/"`.
    const body = '[{"Id":1,"Guid":"a","Created":"\\/Date(1299686597893+0100)\\/","Modified":"\\/Date(1299686597893)\\/"},'
      + '{"Id":2,"guid":"b","Created":"2011-03-09T17:03:17.893+01:00","Modified":"2011-03-09T17:03:17.893"}]';
    answerWith('GET', 'application/json; charset=utf-8', body);
    answerWith('GET', 'application/xml', '<ArrayOfResaleUnit xmlns="http://delivergo.net/portal/api"><ResaleUnit><Id>3</Id><guid>c</guid><Created>2011-03-09T17:03:17.893+01:00</Created><Modified>2011-03-09T17:03:17.893</Modified></ResaleUnit></ArrayOfResaleUnit>');
    await load('json');
    const out = collect('out');
    helper.getNode('ru')?.receive({ operation: 'list' });
    helper.getNode('ru')?.receive({ operation: 'list' });
    const [json, xml] = await out.wait(2);
    assert.deepStrictEqual(json.payload, [
      { Id: 1, Guid: 'a', Created: '2011-03-09T17:03:17.893+01:00', Modified: '2011-03-09T16:03:17.893Z' },
      { Id: 2, Guid: 'b', Created: '2011-03-09T17:03:17.893+01:00', Modified: '2011-03-09T17:03:17.893' },
    ]);
    assert.deepStrictEqual(xml.payload, [{ Id: 3, Guid: 'c', Created: '2011-03-09T17:03:17.893+01:00', Modified: '2011-03-09T17:03:17.893' }]);
  });

  it('reads the documented XML example exactly as printed: xsi:nil without a declared xsi prefix', async () => {
    const printed = `<ResaleUnit xmlns="http://delivergo.net/portal/api">
  <Id>1</Id>
  <Guid>97c4a982-be25-41d4-b8c3-8a6d9b3ba86f</Guid>
  <Creator>1186f976-8aae-4929-b6f2-3ce99553e248</Creator>
  <Created>2011-03-09T17:03:17.893</Created>
  <Modifier xsi:nil="true" />
  <Modified xsi:nil="true" />
  <Active>true</Active>
  <ResaleUnitTranslation>
    <ResaleUnitTranslation>
      <LanguageToken>DE</LanguageToken>
      <Name>Name</Name>
      <Description>Description</Description>
    </ResaleUnitTranslation>
  </ResaleUnitTranslation>
</ResaleUnit>`;
    answerWith('GET', 'application/xml', printed);
    await load('xml');
    const out = collect('out');
    helper.getNode('ru')?.receive({ operation: 'list' });
    const [msg] = await out.wait(1);
    assert.deepStrictEqual(msg.payload, [{
      Id: 1, Guid: '97c4a982-be25-41d4-b8c3-8a6d9b3ba86f', Creator: '1186f976-8aae-4929-b6f2-3ce99553e248', Created: '2011-03-09T17:03:17.893',
      Modifier: null, Modified: null, Active: true, ResaleUnitTranslation: [{ LanguageToken: 'DE', Name: 'Name', Description: 'Description' }],
    }]);
  });

  it('a 2xx list answer without Resale Units is malformed_response, never an empty or odd list', async () => {
    const bodies: Array<[string, string]> = [
      ['application/json', JSON.stringify([{ unexpected: true }])],
      ['application/json', JSON.stringify({ unexpected: true })],
      ['application/json', JSON.stringify({ result: [{ Id: 'one' }] })],
      ['application/xml', '<Error xmlns="http://delivergo.net/portal/api"><Message>maintenance</Message></Error>'],
      ['text/html', '<html><body>Service Unavailable</body></html>'],
      ['application/json', ''],
    ];
    for (const [type, body] of bodies) answerWith('GET', type, body);
    await load('json');
    const out = collect('out');
    const errors = collect('errors');
    for (let i = 0; i < bodies.length; i++) {
      helper.getNode('ru')?.receive({ operation: 'list' });
      await errors.wait(i + 1);
    }
    for (const m of errors.messages) {
      const e = m.error as ErrorMsg;
      assert.strictEqual(e.code, 'malformed_response', e.message);
      assert.match(e.message, /the answer to GET \/portal\/.*\/ResaleUnits \(HTTP 200\) cannot be read/);
    }
    assert.match((errors.messages[0].error as ErrorMsg).message, /answer\[0\]: expected a Resale Unit with its Id or Guid/);
    assert.match((errors.messages[2].error as ErrorMsg).message, /Id: expected an integer/);
    assert.match((errors.messages[3].error as ErrorMsg).message, /<Error> holds <Message>, not <ResaleUnit> elements/);
    assert.strictEqual(out.messages.length, 0, 'nothing output as success');
  });

  it('add, update and delete answers that cannot be read are outcome_unknown (the change was probably made), each sent once', async () => {
    answerWith('PUT', 'application/json', JSON.stringify([{ unexpected: true }]));
    answerWith('POST', 'text/html', '<html><body>OK</body></html>');
    answerWith('DELETE', 'application/json', 'false');
    answerWith('PUT', 'application/json', '{"Id": 9, "Active": tr');
    await load('json');
    const out = collect('out');
    const errors = collect('errors');
    const messages = [
      { operation: 'add', payload: NEW_UNIT },
      { operation: 'update', payload: { Id: 1, Active: false } },
      { operation: 'delete', payload: 1 },
      { operation: 'add', payload: { ...NEW_UNIT, CurrencyToken: 'CHF' } },
    ];
    for (let i = 0; i < messages.length; i++) {
      helper.getNode('ru')?.receive(messages[i]);
      await errors.wait(i + 1);
    }
    for (const m of errors.messages) {
      const e = m.error as ErrorMsg;
      assert.strictEqual(e.code, 'outcome_unknown', e.message);
      assert.strictEqual(e.cause.providerCode, 'answer_unreadable');
      assert.match(e.message, /the provider accepted (PUT|POST|DELETE) .*ResaleUnits \(HTTP 200\) but its answer cannot be read/);
    }
    assert.match((errors.messages[3].error as ErrorMsg).message, /not valid JSON/);
    assert.strictEqual(out.messages.length, 0);
    assert.deepStrictEqual(['PUT', 'POST', 'DELETE'].map((m) => sandbox.count(PATH, m)), [2, 1, 1], 'none repeated');
  });

  it('reads the acknowledgements WCF\'s script-enabled JSON wraps in {"d": …}: {"d": 9}, {"d": true}, {"d": null}', async () => {
    answerWith('PUT', 'application/json; charset=utf-8', '{"d":9}');
    answerWith('POST', 'application/json; charset=utf-8', '{"d":true}');
    answerWith('DELETE', 'application/json; charset=utf-8', '{"d":null}');
    await load('json');
    const out = collect('out');
    const errors = collect('errors');
    helper.getNode('ru')?.receive({ operation: 'add', payload: NEW_UNIT });
    helper.getNode('ru')?.receive({ operation: 'update', payload: { Id: 1, Active: false } });
    helper.getNode('ru')?.receive({ operation: 'delete', payload: { Id: 1 } });
    await Promise.race([out.wait(3), errors.wait(1)]);
    assert.deepStrictEqual(errors.messages.map((m) => (m.error as ErrorMsg).message), []);
    assert.deepStrictEqual(out.messages.map((m) => m.payload), [{ ...NEW_UNIT, Id: 9 }, { Id: 1, Active: false }, { Id: 1 }]);
  });

  it('reads the acknowledgements a change may get: nothing, true, WCF\'s <boolean>true</boolean>, or the new Id alone (JSON or <int>)', async () => {
    answerWith('PUT', 'application/xml', '<int xmlns="http://schemas.microsoft.com/2003/10/Serialization/">7</int>');
    answerWith('PUT', 'application/json', '8');
    answerWith('POST', 'application/xml', '<boolean xmlns="http://schemas.microsoft.com/2003/10/Serialization/">true</boolean>');
    answerWith('DELETE', 'application/json', '');
    await load('xml');
    const out = collect('out');
    const errors = collect('errors');
    helper.getNode('ru')?.receive({ operation: 'add', payload: NEW_UNIT });
    // The same unit again is meant here: without a key of its own the repeat guard would refuse it.
    helper.getNode('ru')?.receive({ operation: 'add', payload: NEW_UNIT, idempotencyKey: 'second unit' });
    helper.getNode('ru')?.receive({ operation: 'update', payload: { Id: 1, Active: false } });
    helper.getNode('ru')?.receive({ operation: 'delete', payload: { Id: 1 } });
    const got = await out.wait(4);
    assert.deepStrictEqual(got.map((m) => m.payload), [{ ...NEW_UNIT, Id: 7 }, { ...NEW_UNIT, Id: 8 }, { Id: 1, Active: false }, { Id: 1 }]);
    assert.strictEqual(errors.messages.length, 0);
  });
});
