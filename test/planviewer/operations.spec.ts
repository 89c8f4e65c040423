/**
 * The Planviewer operations through the operation node, in a real Node-RED
 * runtime against the sandbox: input checked before anything is sent, answers
 * checked against their documented shape, errors on the Catch path with what
 * was sent and what came back, and `select` sent once behind the repeat guard.
 */
import assert from 'assert';
import { helper, allNodes, collect, accountNode, catchTo, sandboxPerTest } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { PLANVIEWER_ADDRESSES, PLANVIEWER_TEST_UUIDS as T, planviewerIntentionUuid } from '../../sandbox/providers/planviewer';
import { PlanviewerClient } from '../../nodes/providers/planviewer/client';

const CREDS = { acc: { apiKey: 'pv-key-123', apiSecret: 'pv-secret-456' } };
const API = '/planviewer/product_api/v1';
const [CASTELLA_2, CASTELLA_52, DORPSWEG] = PLANVIEWER_ADDRESSES;

type Msg = Record<string, unknown>;
type ErrorMsg = { message: string; code: string; cause: { field?: string; status?: number; providerCode?: string; request?: { method: string; url: string; body?: unknown }; response?: unknown } };

describe('Planviewer operations (operation node) against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;

  sandboxPerTest((s) => (sandbox = s));

  async function load(operation: string, extra: Msg = {}): Promise<void> {
    await helper.load(allNodes(), [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'planviewer', sandbox.providerUrl('planviewer')),
      { id: 'op', type: 'fulfillment-operation', z: 'f1', account: 'acc', operation, dedupeWindow: 60, ...extra, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      ...catchTo(),
    ], CREDS);
  }

  async function run(operation: string, payload: unknown, extra: Msg = {}): Promise<Msg> {
    await load(operation, extra);
    const out = collect('out');
    helper.getNode('op')?.receive({ payload, topic: 'kept' });
    const [msg] = await out.wait(1);
    return msg;
  }

  async function fails(operation: string, payload: unknown, extra: Msg = {}): Promise<ErrorMsg> {
    await load(operation, extra);
    const errors = collect('errors');
    helper.getNode('op')?.receive({ payload });
    const [msg] = await errors.wait(1);
    return msg.error as ErrorMsg;
  }

  describe('products', () => {
    it('lists the published slugs with their names; msg.products holds the slugs', async () => {
      const msg = await run('products', undefined);
      const list = msg.payload as Array<{ slug: string; name: string }>;
      assert.ok(list.some((p) => p.slug === 'eigendomsinformatie-json' && p.name), JSON.stringify(list.slice(0, 3)));
      assert.deepStrictEqual(msg.products, list.map((p) => p.slug));
      assert.strictEqual(msg.topic, 'kept');
      assert.strictEqual(sandbox.count(`${API}/products/list`, 'GET'), 1);
    });

    it('refuses a product list without slugs as malformed (never a false success)', async () => {
      sandbox.fault({ path: `${API}/products/list`, fault: { type: 'malformed', body: '[{"code": "x", "name": "old field name"}]' } });
      const e = await fails('products', undefined);
      assert.strictEqual(e.code, 'malformed_response');
      assert.match(e.message, /answer\[0\]\.slug/);
    });
  });

  describe('search', () => {
    it('turns {postcode, housenumber} into the documented bool query; msg.locations best score first', async () => {
      const msg = await run('search', { postcode: '6512 ex', housenumber: '2' });
      const found = msg.payload as Array<{ uuid: string; title: string; score: number }>;
      assert.strictEqual(found[0].title, 'Castellastraat 2, 6512EX Nijmegen');
      assert.deepStrictEqual(msg.locations, [CASTELLA_2.uuid, CASTELLA_52.uuid], 'the documentation\'s example finds 2 and 52, 2 first');
      assert.ok(found[0].score > found[1].score);
    });

    it('sends a house letter as huisletter and finds the address with two parcels', async () => {
      const msg = await run('search', { postcode: '9999AA', housenumber: 8, suffix: 'a' });
      assert.deepStrictEqual(msg.locations, [DORPSWEG.uuid]);
    });

    it('reads a house number written with its letter ("8a", as a form gives it) as number and suffix', async () => {
      const msg = await run('search', { postcode: '9999 aa', housenumber: '8a' });
      assert.deepStrictEqual(msg.locations, [DORPSWEG.uuid]);
    });

    it('passes the documented body {entity, query} through as it is', async () => {
      const body = { entity: 'adres', query: { field: { fields: ['woonplaatsnaam'], query: 'Arnhem' } } };
      const msg = await run('search', body);
      assert.deepStrictEqual((msg.payload as Array<{ title: string }>).map((l) => l.title), ['Utrechtsestraat 61, 6811LW Arnhem']);
    });

    const badInputs: Array<[string, unknown, string]> = [
      ['no payload', undefined, 'msg.payload'],
      ['a postcode with a leading zero', { postcode: '0512EX', housenumber: 2 }, 'msg.payload.postcode'],
      ['no house number', { postcode: '6512EX' }, 'msg.payload.housenumber'],
      ['a suffix with a space', { postcode: '6512EX', housenumber: 2, suffix: 'a b' }, 'msg.payload.suffix'],
      ['a house number with a letter and a suffix as well', { postcode: '9999AA', housenumber: '8a', suffix: 'a' }, 'msg.payload.housenumber'],
      ['a house number that is not one', { postcode: '6512EX', housenumber: 'two' }, 'msg.payload.housenumber'],
      ['an unknown entity', { entity: 'gebouw', query: { field: { fields: ['x'], query: 'y' } } }, 'msg.payload.entity'],
      ['a query of no documented type', { entity: 'adres', query: { match: 'x' } }, 'msg.payload.query'],
    ];
    for (const [what, payload, field] of badInputs) {
      it(`refuses ${what} before sending, naming ${field}`, async () => {
        const e = await fails('search', payload);
        assert.strictEqual(e.code, 'invalid_input');
        assert.strictEqual(e.cause.field, field);
        assert.strictEqual(sandbox.requests.length, 0, 'nothing reached the provider');
      });
    }

    it('reports a 400 with what was sent and what came back', async () => {
      sandbox.fault({ path: `${API}/search/structured`, fault: { type: 'status', status: 400, body: { error: { code: 400, message: 'Invalid entity or query' } } } });
      const e = await fails('search', { postcode: '6512EX', housenumber: 2 });
      assert.strictEqual(e.code, 'http');
      assert.strictEqual(e.cause.status, 400);
      assert.match(e.message, /invalid entity or query/);
      assert.deepStrictEqual((e.cause.request?.body as { entity: string }).entity, 'adres');
      assert.deepStrictEqual(e.cause.response, { error: { code: 400, message: 'Invalid entity or query' } });
      assert.strictEqual(sandbox.count(`${API}/search/structured`), 1, 'a 400 is not retried');
    });

    it('retries a read on a server error, as everywhere', async () => {
      sandbox.fault({ path: `${API}/search/structured`, fault: { type: 'status', status: 503 }, times: 1 });
      const msg = await run('search', { postcode: '6512EX', housenumber: 2 });
      assert.strictEqual((msg.locations as string[]).length, 2);
      assert.strictEqual(sandbox.count(`${API}/search/structured`), 2);
    });
  });

  describe('intentions', () => {
    it('lists intentions per location; msg.intentions is ready for place order', async () => {
      const msg = await run('intentions', { uuids: [CASTELLA_2.uuid], products: ['bestemmingsplanrapport', 'eigendomsinformatie-json'] });
      const expected = [planviewerIntentionUuid(CASTELLA_2.uuid, 'bestemmingsplanrapport'), planviewerIntentionUuid(CASTELLA_2.uuid, 'eigendomsinformatie-json')];
      assert.deepStrictEqual(msg.intentions, expected);
      const [location] = msg.payload as Array<{ uuid: string; intentions: Array<{ product: string }> }>;
      assert.strictEqual(location.uuid, CASTELLA_2.uuid);
      assert.deepStrictEqual(location.intentions.map((i) => i.product), ['bestemmingsplanrapport', 'eigendomsinformatie-json']);
    });

    it('takes the product from the node\'s setting when the payload has none', async () => {
      const msg = await run('intentions', { uuids: [CASTELLA_2.uuid] }, { choice: 'eigendomsinformatie-json' });
      assert.deepStrictEqual(msg.intentions, [planviewerIntentionUuid(CASTELLA_2.uuid, 'eigendomsinformatie-json')]);
    });

    it('answers an empty list when nothing is available (an empty msg.intentions, not an error)', async () => {
      const msg = await run('intentions', { uuids: [CASTELLA_2.uuid], products: ['objectlijstpersoon-json'] });
      assert.deepStrictEqual(msg.payload, []);
      assert.deepStrictEqual(msg.intentions, []);
    });

    it('refuses missing products before sending', async () => {
      const e = await fails('intentions', { uuids: [CASTELLA_2.uuid] });
      assert.strictEqual(e.cause.field, 'msg.payload.products');
      assert.strictEqual(sandbox.requests.length, 0);
    });

    it('refuses an intentions answer of the old flat shape as malformed', async () => {
      sandbox.fault({ path: `${API}/intentions/list`, fault: { type: 'malformed', body: '[{"uuid": "x", "product": "p"}]' } });
      const e = await fails('intentions', { uuids: [CASTELLA_2.uuid], products: ['bestemmingsplanrapport'] });
      assert.strictEqual(e.code, 'malformed_response');
      assert.match(e.message, /answer\[0\]\.intentions/);
    });
  });

  describe('waiting and select', () => {
    /** Orders eigendomsinformatie at the address with two parcels and reads its status until it waits. */
    async function waitingJob(): Promise<string> {
      const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'k', apiSecret: 's' });
      try {
        const [o] = await client.order([planviewerIntentionUuid(DORPSWEG.uuid, 'eigendomsinformatie')]);
        let status = '';
        for (let i = 0; i < 5 && status !== 'waiting for user'; i++) status = (await client.status([o.job.uuid]))[0].status;
        assert.strictEqual(status, 'waiting for user');
        return o.job.uuid;
      } finally {
        client.close();
      }
    }

    it('waiting lists the choices, keyed by number, as msg.choices; poll status output is accepted as input', async () => {
      const job = await waitingJob();
      const msg = await run('waiting', { uuid: job, status: 'waiting for user', progress: { current: 2, total: 4 } });
      assert.deepStrictEqual(msg.choices, DORPSWEG.parcels.map((label, i) => ({ index: i + 1, label })));
      assert.strictEqual((msg.payload as { message: string }).message, 'Which of the found locations must be used to complete te order?');
      assert.strictEqual(msg.jobId, job);
    });

    it('waiting refuses an answer whose locaties are a list (not the documented object keyed by number)', async () => {
      sandbox.fault({ path: `${API}/kik/waiting`, fault: { type: 'malformed', body: '{"locaties": ["a", "b"], "message": "m"}' } });
      const e = await fails('waiting', T.exampleWaitingJob);
      assert.strictEqual(e.code, 'malformed_response');
      assert.match(e.message, /locaties/);
    });

    it('waiting on a job that does not wait is a clear 404', async () => {
      const e = await fails('waiting', T.exampleFinishedJob);
      assert.strictEqual(e.cause.status, 404);
      assert.match(e.message, /not waiting for a choice/);
    });

    it('select sends {select: [index]} once; the job then runs to finished', async () => {
      const job = await waitingJob();
      const msg = await run('select', { uuid: job, select: '2' });
      assert.deepStrictEqual(sandbox.planviewer.selections, [{ job, select: [2] }]);
      assert.strictEqual(msg.jobId, job);
      assert.ok(typeof msg.idempotencyKey === 'string');
      const client = new PlanviewerClient({ baseUrl: sandbox.providerUrl('planviewer'), apiKey: 'k', apiSecret: 's' });
      try {
        const seen: string[] = [];
        for (let i = 0; i < 5; i++) seen.push((await client.status([job]))[0].status);
        assert.deepStrictEqual(seen, ['in_progress', 'in_progress', 'finished', 'finished', 'finished']);
      } finally {
        client.close();
      }
    });

    it('select accepts an answer that is not JSON (its body is not documented)', async () => {
      sandbox.fault({ path: `${API}/kik/select`, fault: { type: 'malformed', body: 'OK', contentType: 'text/plain' } });
      const msg = await run('select', { uuid: T.exampleWaitingJob, select: 1 });
      assert.strictEqual(msg.payload, 'OK');
    });

    it('select refuses the same choice twice within the window, with the earlier answer; a new key sends it again', async () => {
      await load('select');
      const out = collect('out');
      const errors = collect('errors');
      helper.getNode('op')?.receive({ payload: { uuid: T.exampleWaitingJob, select: 1 } });
      const [first] = await out.wait(1);
      helper.getNode('op')?.receive({ payload: { uuid: T.exampleWaitingJob, select: [1] } });
      const [dup] = await errors.wait(1);
      const e = dup.error as ErrorMsg;
      assert.strictEqual(e.code, 'duplicate');
      assert.deepStrictEqual(e.cause.response, first.payload);
      assert.strictEqual(sandbox.count(`${API}/kik/select`, 'POST'), 1);
      helper.getNode('op')?.receive({ payload: { uuid: T.exampleWaitingJob, select: 1 }, idempotencyKey: 'choose again' });
      await out.wait(2);
      assert.strictEqual(sandbox.count(`${API}/kik/select`, 'POST'), 2);
    });

    it('select whose connection drops after sending is outcome unknown, never resent, and stays refused', async () => {
      sandbox.fault({ method: 'POST', path: `${API}/kik/select`, fault: { type: 'reset-after' }, times: 1 });
      await load('select');
      const errors = collect('errors');
      helper.getNode('op')?.receive({ payload: { uuid: T.exampleWaitingJob, select: 1 } });
      const [m1] = await errors.wait(1);
      assert.strictEqual((m1.error as ErrorMsg).code, 'outcome_unknown');
      assert.strictEqual(sandbox.count(`${API}/kik/select`, 'POST'), 1, 'not retried');
      helper.getNode('op')?.receive({ payload: { uuid: T.exampleWaitingJob, select: 1 } });
      const all = await errors.wait(2);
      assert.strictEqual((all[1].error as ErrorMsg).code, 'duplicate');
      assert.strictEqual(sandbox.count(`${API}/kik/select`, 'POST'), 1);
    });

    it('select answered 200 with Planviewer\'s error shape is outcome unknown, not a success', async () => {
      sandbox.fault({ path: `${API}/kik/select`, fault: { type: 'malformed', body: '[{"error": "true", "message": "Something went wrong"}]' } });
      const e = await fails('select', { uuid: T.exampleWaitingJob, select: 1 });
      assert.strictEqual(e.code, 'outcome_unknown');
      assert.match(e.message, /Something went wrong/);
      assert.deepStrictEqual(e.cause.request?.body, { select: [1] });
    });

    it('select refuses an index that is not a positive number before sending', async () => {
      const e = await fails('select', { uuid: T.exampleWaitingJob, select: 'first' });
      assert.strictEqual(e.cause.field, 'msg.payload.select');
      assert.strictEqual(sandbox.requests.length, 0);
    });

    it('select of an index the job does not offer comes back as HTTP 400 with the request', async () => {
      const e = await fails('select', { uuid: T.exampleWaitingJob, select: 7 });
      assert.strictEqual(e.cause.status, 400);
      assert.deepStrictEqual(e.cause.request?.body, { select: [7] });
      assert.ok(e.cause.response);
    });
  });

  describe('documents', () => {
    it('lists the documents of a Kadaster order; msg.documents holds their identifications', async () => {
      const msg = await run('documents', { job: { uuid: T.exampleFinishedJob } });
      assert.deepStrictEqual(msg.documents, ['NL.IMKAD.TIAStuk.18020210018810']);
      assert.strictEqual((msg.payload as Array<{ IngeschrevenOp: { datum: string } }>)[0].IngeschrevenOp.datum, '1993-09-03');
    });

    it('refuses a uuid that is not one before sending', async () => {
      const e = await fails('documents', '../../etc/passwd');
      assert.strictEqual(e.code, 'invalid_input');
      assert.strictEqual(sandbox.requests.length, 0);
    });
  });

  it('shows a short status: "search · 2 found", "select · sent", "HTTP 404"', async () => {
    const texts = async (operation: string, payload: unknown): Promise<string[]> => {
      await load(operation);
      const done = Promise.race([collect('out').wait(1), collect('errors').wait(1)]);
      helper.getNode('op')?.receive({ payload });
      await done;
      const calls = (helper.getNode('op')?.status.getCalls?.() ?? []) as Array<{ args: Array<{ text?: string }> }>;
      await helper.unload();
      return calls.map((c) => String(c.args[0]?.text));
    };
    assert.deepStrictEqual((await texts('search', { postcode: '6512EX', housenumber: 2 })).slice(-1), ['search · 2 found']);
    assert.deepStrictEqual((await texts('select', { uuid: T.exampleWaitingJob, select: 1 })).slice(-1), ['select · sent']);
    assert.deepStrictEqual((await texts('waiting', T.exampleFinishedJob)).slice(-1), ['HTTP 404']);
  });
});
