/** The Planviewer sandbox answers as the provider's documentation shows (what the other Planviewer tests stand on). */
import assert from 'assert';
import http from 'http';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_ADDRESSES, PLANVIEWER_PRODUCTS, PLANVIEWER_TEST_UUIDS as T, planviewerIntentionUuid } from '../../sandbox/providers/planviewer';

const AUTH = `Basic ${Buffer.from('key:secret').toString('base64')}`;

function call(url: string, method = 'GET', body?: unknown, auth = AUTH): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('Planviewer sandbox', () => {
  let sandbox: Sandbox;
  let api: string;
  beforeEach(async () => {
    sandbox = new Sandbox({ planviewerDailyCap: 2 });
    await sandbox.start();
    api = `${sandbox.providerUrl('planviewer')}/product_api/v1`;
  });
  afterEach(() => sandbox.stop());

  async function order(intention: string): Promise<string> {
    const res = await call(`${api}/jobs/order`, 'POST', { uuids: [intention] });
    return (res.json as Array<{ job: { uuid: string } }>)[0].job.uuid;
  }

  it('lists the published product slugs', async () => {
    const res = await call(`${api}/products/list`);
    assert.deepStrictEqual(res.json, PLANVIEWER_PRODUCTS);
    assert.strictEqual(PLANVIEWER_PRODUCTS.length, 18);
  });

  it('reads the job uuids of a status request as uuids[]=, uuids[0]= and repeated uuids=', async () => {
    const a = await order(T.normal);
    const b = await order('11111111-1111-4111-8111-111111111111');
    for (const query of [`uuids%5B%5D=${a}&uuids%5B%5D=${b}`, `uuids%5B0%5D=${a}&uuids%5B1%5D=${b}`, `uuids=${a}&uuids=${b}`]) {
      const res = await call(`${api}/jobs/status?${query}`);
      assert.deepStrictEqual((res.json as Array<{ uuid: string }>).map((s) => s.uuid), [a, b], query);
    }
  });

  it('answers the daily cap with an array whose error is the string "true"', async () => {
    await order(T.normal);
    await order(T.normal);
    const res = await call(`${api}/jobs/order`, 'POST', { uuids: [T.normal] });
    assert.strictEqual(res.status, 429);
    assert.deepStrictEqual(res.json, [{ error: 'true', message: 'You are trying to order more products than your daily limit allows' }]);
  });

  it('answers a refused access key with {error: {code: 401, message}}', async () => {
    const res = await call(`${api}/products/list`, 'GET', undefined, `Basic ${Buffer.from('denied:x').toString('base64')}`);
    assert.deepStrictEqual(res, { status: 401, json: { error: { code: 401, message: 'Unauthorized' } } });
  });

  it('finds the documentation\'s example address with the documented query, best score first', async () => {
    const body = { entity: 'adres', query: { bool: { must: [{ field: { fields: ['postcode'], query: '6512EX' } }, { field: { method: 'match', fields: ['huisnummer'], query: '2' } }] } } };
    const res = await call(`${api}/search/structured`, 'POST', body);
    const found = res.json as Array<{ title: string; score: number; properties: { huisnummer: string } }>;
    assert.deepStrictEqual(found.map((l) => l.title), ['Castellastraat 2, 6512EX Nijmegen', 'Castellastraat 52, 6512EX Nijmegen']);
    assert.strictEqual(found[0].properties.huisnummer, '2');
    assert.strictEqual((await call(`${api}/search/structured`, 'POST', { entity: 'gebouw', query: {} })).status, 400);
  });

  it('answers intentions grouped per location, an empty array where nothing is available, 400 without products', async () => {
    const loc = PLANVIEWER_ADDRESSES[0].uuid;
    const res = await call(`${api}/intentions/list`, 'POST', { uuids: [loc], products: ['bestemmingsplanrapport'] });
    assert.deepStrictEqual((res.json as Array<{ uuid: string; intentions: Array<{ uuid: string; product: string }> }>).map((l) => [l.uuid, l.intentions.map((i) => [i.uuid, i.product])]), [
      [loc, [[planviewerIntentionUuid(loc, 'bestemmingsplanrapport'), 'bestemmingsplanrapport']]],
    ]);
    assert.deepStrictEqual((await call(`${api}/intentions/list`, 'POST', { uuids: [loc], products: ['objectlijstpersoon-pdf'] })).json, []);
    assert.strictEqual((await call(`${api}/intentions/list`, 'POST', { uuids: [loc] })).status, 400);
  });

  it('stops a Kadaster job on two parcels at "waiting for user" and continues it after select', async () => {
    const job = await order(planviewerIntentionUuid(PLANVIEWER_ADDRESSES[2].uuid, 'eigendomsinformatie'));
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) statuses.push(((await call(`${api}/jobs/status?uuids%5B%5D=${job}`)).json as Array<{ status: string }>)[0].status);
    assert.deepStrictEqual(statuses, ['initial', 'in_progress', 'waiting for user', 'waiting for user']);
    const waiting = await call(`${api}/kik/waiting/${job}`);
    assert.deepStrictEqual(Object.keys((waiting.json as { locaties: Record<string, string> }).locaties), ['1', '2']);
    assert.strictEqual((await call(`${api}/kik/select/${job}`, 'POST', { select: [2] })).status, 200);
    for (let i = 0; i < 3; i++) statuses.push(((await call(`${api}/jobs/status?uuids%5B%5D=${job}`)).json as Array<{ status: string }>)[0].status);
    assert.deepStrictEqual(statuses.slice(4), ['in_progress', 'in_progress', 'finished']);
    assert.strictEqual((await call(`${api}/kik/waiting/${job}`)).status, 404, 'no longer waiting');
  });
});
