/**
 * examples/planviewer-address-to-result.json, run as shipped against the
 * sandbox by pressing its injects: one address straight to the result, and one
 * whose job waits for the user, is answered with `select` and watched again.
 */
import assert from 'assert';
import { helper, collect, Collector } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_ADDRESSES } from '../../sandbox/providers/planviewer';
import { loadExample, readExample } from './load-example';

const FILE = 'planviewer-address-to-result.json';

describe(`examples/${FILE} against the sandbox`, function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let errors: Collector;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
    await loadExample(FILE, sandbox);
    errors = collect('pva_error');
  });
  afterEach(async () => {
    await helper.unload();
    await sandbox.stop();
  });

  it('runs from Castellastraat 2 to its JSON result', async () => {
    const result = collect('pva_result');
    helper.getNode('pva_inject_one')?.receive({});
    const [msg] = await result.wait(1, 40_000);
    assert.deepStrictEqual(errors.messages.map((m) => (m.error as { message: string }).message), []);
    assert.strictEqual(msg.contentType, 'application/json');
    const payload = msg.payload as { product: string; locatie: string };
    assert.strictEqual(payload.product, 'eigendomsinformatie-json');
    assert.strictEqual(payload.locatie, PLANVIEWER_ADDRESSES[0].title);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/kik'), 0, 'a job on one parcel never waits');
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs/order', 'POST'), 1);
  });

  it('runs an address on two parcels through waiting, select and a second watch to its result', async () => {
    const result = collect('pva_result_again');
    helper.getNode('pva_inject_two')?.receive({});
    const [msg] = await result.wait(1, 40_000);
    assert.deepStrictEqual(errors.messages.map((m) => (m.error as { message: string }).message), []);
    const dorpsweg = PLANVIEWER_ADDRESSES[2];
    const payload = msg.payload as { locatie: string; kadastraalObject: { aanduiding: string } };
    assert.strictEqual(payload.locatie, dorpsweg.title);
    assert.strictEqual(payload.kadastraalObject.aanduiding, dorpsweg.parcels[0], 'the first parcel was chosen');
    assert.deepStrictEqual(sandbox.planviewer.selections.map((s) => s.select), [[1]]);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/kik/waiting', 'GET'), 1);
    assert.strictEqual(collect('pva_result').messages.length, 0);
  });

  it('stops an address that is not found at the Catch node, saying so, before anything is ordered', async () => {
    helper.getNode('pva_search')?.receive({ payload: { postcode: '1234AB', housenumber: 1 } });
    const [msg] = await errors.wait(1);
    const e = msg.error as { message: string; code: string; source: { id: string } };
    assert.strictEqual(e.code, 'invalid_input');
    assert.strictEqual(e.source.id, 'pva_intentions');
    assert.match(e.message, /did the search find nothing\?/);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/intentions'), 0);
    assert.strictEqual(sandbox.count('/planviewer/product_api/v1/jobs'), 0);
  });

  it('fits the workspace: nodes inside 940 x 700, a comment says what to press, no seed wording', () => {
    const flow = readExample(FILE);
    const placed = flow.filter((n) => typeof n.x === 'number');
    for (const n of placed) {
      assert.ok((n.x as number) >= 0 && (n.x as number) <= 940 && (n.y as number) >= 0 && (n.y as number) <= 700, `${String(n.id)} at ${String(n.x)},${String(n.y)}`);
    }
    assert.ok(flow.some((n) => n.type === 'comment' && /press an inject/i.test(String(n.name))));
    assert.doesNotMatch(JSON.stringify(flow), /\bseeds?\b|\bexcerpts?\b/i);
  });
});
