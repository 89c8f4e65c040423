/**
 * ARRI as its public guide describes it: a host per customer (no default),
 * HTTP-200 login refusals that must not be repeated, 24 h tokens revoked on
 * close, order hashes of any length, both `state` and `status`, the documented
 * answer shapes, ARRI's status lines, and the `order` operation.
 */
import assert from 'assert';
import sinon from 'sinon';
import { helper, allNodes, collect, accountNode, catchTo, delay } from '../support/red';
import { Sandbox } from '../../sandbox/server';
import { ARRI_SANDBOX as A } from '../../sandbox/providers/arri';
import { ArriClient } from '../../nodes/providers/arri/client';
import { arriDescriptor } from '../../nodes/providers/arri/descriptor';
import { createProvider } from '../../nodes/providers';
import { LANGUAGES } from '../../nodes/core/descriptor';

const PASSWORD = 'arri-pass-5521';
const LOGIN = { acc: { username: 'studio-admin', password: PASSWORD } };
const REFUSED = { acc: { username: 'studio-admin', password: A.wrongPassword } };
const STATIC = { acc: { accessToken: A.staticToken } };

type ErrorMsg = { message: string; code: string; cause: Record<string, unknown> };

describe('ARRI Webgate as its guide describes it, in a real runtime against the sandbox', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(async () => {
    sandbox = new Sandbox();
    await sandbox.start();
  });
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await sandbox.stop();
  });

  const customerUrl = (customer: string = A.customer): string => `${sandbox.providerUrl('arri')}/${customer}`;
  const ordersPath = (customer: string = A.customer): string => `/arri/${customer}/api/orders`;
  const tokenPath = (customer: string = A.customer): string => `/arri/${customer}/oauth/token`;

  function flow(baseUrl: string, account: Record<string, unknown> = {}): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'arri', baseUrl, account),
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, wires: [['placed']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'order', interval: 1, maxWait: 60, wires: [['done'], ['attention'], ['progress']] },
      { id: 'placed', type: 'helper', z: 'f1' },
      { id: 'done', type: 'helper', z: 'f1' },
      { id: 'attention', type: 'helper', z: 'f1' },
      { id: 'progress', type: 'helper', z: 'f1' },
      ...catchTo(),
    ];
  }

  function statusTexts(id: string): string[] {
    const texts: string[] = [];
    helper.getNode(id)?.on('call:status', (call) => texts.push(String(((call as unknown as { args: Array<{ text?: string }> }).args[0] ?? {}).text ?? '')));
    return texts;
  }

  describe('a host per customer', () => {
    it('has no default host: an account without a base URL is a config error naming baseUrl, before any request', async () => {
      assert.strictEqual(arriDescriptor.defaultBaseUrl, undefined);
      for (const lang of LANGUAGES) assert.match(arriDescriptor.baseUrlHint?.[lang] ?? '', /https:\/\/<[^>]+>\.webgate\.io.*\/api/, lang);
      await helper.load(allNodes(), flow(''), STATIC);
      const errors = collect('errors');
      const texts = statusTexts('order');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      helper.getNode('poll')?.receive({ payload: A.exampleOrderHash });
      const got = await errors.wait(2);
      for (const m of got) {
        const e = m.error as ErrorMsg;
        assert.strictEqual(e.code, 'config');
        assert.strictEqual(e.cause.field, 'baseUrl');
        assert.match(e.message, /no base URL.*https:\/\/<customer>\.webgate\.io/);
      }
      assert.match(texts[texts.length - 1], /no base URL/);
      assert.strictEqual(sandbox.requests.length, 0, 'nothing was sent anywhere');
    });

    it('talks to the customer host the account names: OAuth at its root, orders under /api (a trailing /api is taken back to the root)', async () => {
      await helper.load(allNodes(), flow(`${customerUrl()}/api/`), LOGIN);
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      await placed.wait(1);
      assert.strictEqual(sandbox.count(tokenPath(), 'POST'), 1);
      assert.strictEqual(sandbox.count(ordersPath(), 'POST'), 1);
      const [entry] = [...sandbox.arri.orders.values()];
      assert.strictEqual(entry.customer, A.customer);
    });

    it('keeps customers apart in the sandbox: a token and an order of one host are unknown to another', async () => {
      const a = new ArriClient({ baseUrl: customerUrl('studio-a'), username: 'u', password: 'p' });
      const b = new ArriClient({ baseUrl: customerUrl('studio-b'), accessToken: A.staticToken });
      try {
        const order = await a.createOrder({ product: 'm' });
        await assert.rejects(b.getOrder(order.order_hash), (e: Error & { status?: number }) => e.status === 404);
        const tokenOfA = [...sandbox.arri.tokens.keys()][0];
        const stolen = new ArriClient({ baseUrl: customerUrl('studio-b'), accessToken: tokenOfA });
        try {
          await assert.rejects(stolen.getOrder(order.order_hash), (e: Error & { status?: number }) => e.status === 401);
        } finally {
          await stolen.close();
        }
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('refused logins', () => {
    it('tries a refused login once: later orders and poll rounds send no login, so ARRI never gets a 4th attempt', async () => {
      await helper.load(allNodes(), flow(customerUrl()), REFUSED);
      const errors = collect('errors');
      const texts = statusTexts('order');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      const [first] = await errors.wait(1);
      const e1 = first.error as ErrorMsg;
      assert.strictEqual(e1.code, 'config');
      assert.strictEqual(e1.cause.providerCode, 'invalid_grant');
      assert.match(e1.message, /refused \(invalid_grant.*HTTP 200\).*no further login is tried/);
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      helper.getNode('poll')?.receive({ payload: A.exampleOrderHash });
      const [, second, third] = await errors.wait(3);
      for (const m of [second, third]) {
        const e = m.error as ErrorMsg;
        assert.strictEqual(e.code, 'config');
        assert.match(e.message, /no login sent: ARRI refused the login as "studio-admin" once \(invalid_grant\); correct the username or password/);
      }
      await delay(3500); // three more poll rounds
      assert.strictEqual(sandbox.count(tokenPath(), 'POST'), 1, 'one login request in all');
      assert.strictEqual(sandbox.count(ordersPath()), 0);
      assert.strictEqual(sandbox.arri.lockedOut.size, 0, 'never locked out');
      assert.match(texts[texts.length - 1], /no login sent/);
      assert.ok(!JSON.stringify(errors.messages).includes(`"${A.wrongPassword}"`));
    });

    it('with "login tries" 3 makes three refused logins, then stops; a changed account logs in again', async () => {
      await helper.load(allNodes(), flow(customerUrl(), { loginAttempts: 3 }), REFUSED);
      const errors = collect('errors');
      for (let i = 0; i < 5; i++) {
        helper.getNode('order')?.receive({ payload: { product: 's', client_name: `Client ${i}` } });
        await errors.wait(i + 1);
      }
      const messages = errors.messages.map((m) => (m.error as ErrorMsg).message);
      assert.match(messages[0], /tries 2 more times with these credentials/);
      assert.match(messages[1], /tries 1 more time with these credentials/);
      assert.match(messages[2], /no further login is tried/);
      assert.match(messages[3], /no login sent: ARRI refused the login as "studio-admin" 3 times/);
      assert.strictEqual(sandbox.count(tokenPath(), 'POST'), 3);
      assert.strictEqual(sandbox.arri.failedLogins.get(`${A.customer}/studio-admin`), 3);
      assert.strictEqual(sandbox.arri.lockedOut.size, 0, 'the 4th attempt, whose answer ARRI does not document, is never made');
      await helper.unload();

      await helper.load(allNodes(), flow(customerUrl(), { loginAttempts: 3 }), LOGIN);
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      await placed.wait(1);
      assert.strictEqual(sandbox.arri.failedLogins.size, 0);
    });

    it('declares the number of tries as an account setting (default 1, at most 3)', () => {
      const setting = arriDescriptor.settings.find((f) => f.key === 'loginAttempts');
      assert.ok(setting);
      assert.strictEqual(setting.type, 'number');
      assert.strictEqual(setting.default, 1);
      assert.strictEqual(setting.max, 3);
      for (const lang of LANGUAGES) assert.ok(setting.label[lang] && setting.hint?.[lang], lang);
    });

    it('does not count a login answer it cannot read as a refusal (malformed_response, tried again next time)', async () => {
      sandbox.fault({ method: 'POST', path: tokenPath(), times: 1, fault: { type: 'malformed', body: JSON.stringify({ token: 'somewhere else' }) } });
      await helper.load(allNodes(), flow(customerUrl()), LOGIN);
      const errors = collect('errors');
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      const [m] = await errors.wait(1);
      assert.strictEqual((m.error as ErrorMsg).code, 'malformed_response');
      assert.match((m.error as ErrorMsg).message, /does not have the documented shape/);
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      await placed.wait(1);
    });
  });

  describe('tokens', () => {
    it('revokes the token it fetched when the account closes (POST /oauth/revoke with Bearer), never a static token', async () => {
      await helper.load(allNodes(), flow(customerUrl()), LOGIN);
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      await placed.wait(1);
      const [token] = [...sandbox.arri.tokens.keys()];
      await helper.unload();
      assert.deepStrictEqual(sandbox.arri.revoked, [token]);
      assert.strictEqual(sandbox.arri.tokens.has(token), false);

      await helper.load(allNodes(), flow(customerUrl()), STATIC);
      const placed2 = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      await placed2.wait(1);
      await helper.unload();
      assert.strictEqual(sandbox.count(`/arri/${A.customer}/oauth/revoke`), 1, 'the static token was not revoked');
    });

    it('renews a token before it runs out by created_at when expires_in is missing (24 h from creation)', async () => {
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      const createdAt = Math.floor(Date.now() / 1000) - 23 * 3600;
      const injected = 'b'.repeat(64);
      sandbox.arri.tokens.set(injected, { customer: A.customer, createdAt: createdAt * 1000, expires: createdAt * 1000 + A.tokenLifetimeS * 1000 });
      sandbox.fault({ method: 'POST', path: tokenPath(), times: 1, fault: { type: 'malformed', body: JSON.stringify({ access_token: injected, token_type: 'bearer', created_at: createdAt }) } });
      await helper.load(allNodes(), flow(customerUrl()), LOGIN);
      const placed = collect('placed');
      const errors = collect('errors');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      await placed.wait(1);
      clock.tick(56 * 60 * 1000); // 4 minutes before the 24 h since created_at are over
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      await placed.wait(2);
      assert.strictEqual(sandbox.count(tokenPath(), 'POST'), 2, 'renewed before it ran out');
      assert.strictEqual(errors.messages.length, 0);
    });
  });

  describe('orders', () => {
    it('follows an order_hash of any length (12 characters here) to packed, reading state and status', async () => {
      await helper.load(allNodes(), flow(customerUrl()), STATIC);
      const done = collect('done');
      const errors = collect('errors');
      const client = new ArriClient({ baseUrl: customerUrl(), accessToken: A.staticToken });
      let hash: string;
      try {
        hash = (await client.createOrder({ product: 'l', client_name: A.shortHashClient })).order_hash;
      } finally {
        await client.close();
      }
      assert.strictEqual(hash.length, 12);
      helper.getNode('poll')?.receive({ payload: hash });
      const [msg] = await done.wait(1, 15_000);
      const order = msg.payload as Record<string, unknown>;
      assert.strictEqual(msg.status, 'packed');
      assert.strictEqual(order.state, 'packed');
      assert.strictEqual(order.status, 'packed', 'the sandbox sends both');
      assert.strictEqual(errors.messages.length, 0);
    });

    it('reads the state from status when state is absent', async () => {
      sandbox.fault({ method: 'GET', path: `${ordersPath()}/`, fault: { type: 'malformed', body: JSON.stringify({ status: 200, status_message: 'OK', info: '', data: { order: { order_hash: 'abcdef0123', status: 'has_packing_errors' } } }) } });
      await helper.load(allNodes(), flow(customerUrl()), STATIC);
      const attention = collect('attention');
      helper.getNode('poll')?.receive({ payload: 'abcdef0123' });
      const [msg] = await attention.wait(1);
      assert.strictEqual(msg.status, 'has_packing_errors');
    });

    it('shows "HTTP 422" (not "HTTP 422 422") with ARRI\'s reasons in providerMessage', async () => {
      sandbox.fault({ method: 'POST', path: ordersPath(), times: 1, fault: { type: 'status', status: 422, body: { status: 422, status_message: 'Unprocessable Entity', error: { base: ['Order could not be saved'] } } } });
      await helper.load(allNodes(), flow(customerUrl()), STATIC);
      const errors = collect('errors');
      const texts = statusTexts('order');
      helper.getNode('order')?.receive({ payload: { product: 'm' } });
      helper.getNode('order')?.receive({ payload: { product: 's', client_name: A.takenClient } });
      const got = await errors.wait(2);
      await delay(20);
      const errorTexts = texts.filter((t) => /^HTTP/.test(t));
      assert.deepStrictEqual(errorTexts, ['HTTP 422', 'HTTP 422']);
      assert.strictEqual((got[0].error as ErrorMsg).cause.providerMessage, 'Order could not be saved');
      assert.strictEqual((got[1].error as ErrorMsg).cause.providerMessage, 'Client name has already been taken');
      assert.match((got[1].error as ErrorMsg).message, /422 Unprocessable Entity: Client name has already been taken \(an error envelope under HTTP 200\)/);
    });
  });

  describe('answer shapes', () => {
    it('a create answer it cannot read is outcome_unknown, and the repeat guard refuses the same order', async () => {
      sandbox.fault({ method: 'POST', path: ordersPath(), times: 1, fault: { type: 'malformed', body: JSON.stringify({ status: 201, status_message: 'Created', data: { order: { product: 's' } } }) } });
      await helper.load(allNodes(), flow(customerUrl()), STATIC);
      const errors = collect('errors');
      const placed = collect('placed');
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      const [first] = await errors.wait(1);
      const e = first.error as ErrorMsg;
      assert.strictEqual(e.code, 'outcome_unknown');
      assert.match(e.message, /accepted POST \/api\/orders .*data\.order\.order_hash/);
      helper.getNode('order')?.receive({ payload: { product: 's' } });
      const [, second] = await errors.wait(2);
      assert.strictEqual((second.error as ErrorMsg).code, 'duplicate');
      assert.strictEqual(sandbox.count(ordersPath(), 'POST'), 1);
      assert.strictEqual(placed.messages.length, 0);
    });

    it('an order read of the wrong shape is malformed_response, never a status', async () => {
      sandbox.fault({ method: 'GET', path: `${ordersPath()}/`, fault: { type: 'malformed', body: JSON.stringify([{ unexpected: true }]) } });
      await helper.load(allNodes(), flow(customerUrl()), STATIC);
      const errors = collect('errors');
      const progress = collect('progress');
      helper.getNode('poll')?.receive({ payload: A.exampleOrderHash });
      const [m] = await errors.wait(1);
      assert.strictEqual((m.error as ErrorMsg).code, 'malformed_response');
      assert.strictEqual(progress.messages.length, 0);
    });
  });

  describe('operation order', () => {
    it('is listed in the descriptor with its documentation in four languages and runs its example against the sandbox', async () => {
      const [info] = arriDescriptor.capabilities.operations;
      assert.strictEqual(info.name, 'order');
      assert.strictEqual(info.call, 'GET /api/orders/{order_hash}');
      assert.strictEqual(info.changes, false);
      for (const lang of LANGUAGES) for (const text of [info.label, info.description, info.input, info.output]) assert.ok(text[lang], lang);
      const handle = createProvider({ provider: 'arri', baseUrl: customerUrl(), credentials: { accessToken: A.staticToken }, options: {} });
      try {
        const op = handle.capabilities.operations?.order;
        assert.ok(op);
        const result = await op.run(op.prepare(info.example));
        assert.strictEqual(result.fields.order_hash, A.exampleOrderHash);
        assert.strictEqual(result.fields.state, 'packed');
        assert.strictEqual((result.payload as { client_name: string }).client_name, 'Constantin Film');
        const placed = await (handle.client as ArriClient).createOrder({ product: 's' });
        const fromPlaced = await op.run(op.prepare({ order_hash: placed.order_hash, product: 's' }));
        assert.strictEqual(fromPlaced.fields.state, 'pending');
        const before = sandbox.requests.length;
        assert.throws(() => op.prepare([placed.order_hash, A.exampleOrderHash]), (e: Error & { field?: string }) => e.field === 'msg.payload' && /one order at a time/.test(e.message));
        assert.throws(() => op.prepare('not-a-hash'), (e: Error & { field?: string }) => e.field === 'msg.payload');
        assert.strictEqual(sandbox.requests.length, before, 'bad input sends nothing');
      } finally {
        await handle.close();
      }
    });
  });
});
