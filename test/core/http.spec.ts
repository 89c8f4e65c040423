import assert from 'assert';
import http from 'http';
import { AddressInfo } from 'net';
import sinon from 'sinon';
import { HttpClient } from '../../nodes/core/http';
import { Redactor } from '../../nodes/core/redact';
import { FulfillmentError } from '../../nodes/core/errors';

/** A loopback server whose answers each test scripts, one per request. */
async function scriptedServer(answers: Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>) {
  const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const drop = (req: http.IncomingMessage) => req.socket.destroy();

describe('core/http HttpClient', () => {
  let close: (() => Promise<void>) | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    client?.close();
    await close?.();
    sinon.restore();
  });

  const make = (url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
    (client = new HttpClient({ provider: 'test', baseUrl: url, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra }));

  it('retries a GET on 503 and honours Retry-After', async () => {
    const s = await scriptedServer([json(503, { message: 'busy' }, { 'Retry-After': '0' }), json(200, { ok: true })]);
    close = s.close;
    const res = await make(s.url).request<{ ok: boolean }>({ method: 'GET', path: '/x' });
    assert.deepStrictEqual(res.data, { ok: true });
    assert.strictEqual(s.seen.length, 2);
  });

  it('does not wait for a Retry-After longer than the policy allows', async () => {
    const s = await scriptedServer([json(429, { message: 'later' }, { 'Retry-After': '3600' })]);
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'GET', path: '/x' }), (e: FulfillmentError) => e.status === 429 && e.retryable);
    assert.strictEqual(s.seen.length, 1);
  });

  it('never retries a POST that reached the server, and says the outcome is unknown on a dropped connection', async () => {
    const s = await scriptedServer([drop, json(200, {})]);
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'POST', path: '/orders', json: { a: 1 } }), (e: FulfillmentError) => {
      assert.strictEqual(e.kind, 'outcome_unknown');
      assert.deepStrictEqual(e.request?.body, { a: 1 });
      return true;
    });
    assert.strictEqual(s.seen.length, 1);
  });

  it('never retries a POST on 503 either', async () => {
    const s = await scriptedServer([json(503, {}), json(200, {})]);
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'POST', path: '/orders', json: {} }), (e: FulfillmentError) => e.status === 503);
    assert.strictEqual(s.seen.length, 1);
  });

  it('retries a POST 429 only when the provider says 429 means "not processed"', async () => {
    const s = await scriptedServer([json(429, {}, { 'Retry-After': '0' }), json(201, { id: 1 })]);
    close = s.close;
    const res = await make(s.url).request({ method: 'POST', path: '/orders', json: {}, retryOn429: true });
    assert.strictEqual(res.status, 201);
    assert.strictEqual(s.seen.length, 2);
  });

  it('retries a POST whose connection was refused (it never reached a server)', async () => {
    const s = await scriptedServer([json(200, {})]);
    const url = s.url;
    await s.close();
    await assert.rejects(make(url).request({ method: 'POST', path: '/orders', json: {} }), (e: FulfillmentError) => e.kind === 'network' && e.providerCode === 'ECONNREFUSED');
  });

  it('times out a server that never answers', async () => {
    const s = await scriptedServer([() => undefined]);
    close = s.close;
    await assert.rejects(make(s.url, { timeoutMs: 200, retry: { attempts: 1 } }).request({ method: 'GET', path: '/slow' }), (e: FulfillmentError) => e.kind === 'timeout');
  });

  it('reports a body that is not JSON as a malformed answer', async () => {
    const s = await scriptedServer([(_q, res) => res.end('<html>oops</html>')]);
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'GET', path: '/x' }), (e: FulfillmentError) => e.kind === 'malformed_response' && String(e.response).includes('oops'));
  });

  it('removes secrets from error text, bodies and headers it reports', async () => {
    const s = await scriptedServer([json(400, { message: 'bad key s3cret-value', token: 'abc' })]);
    close = s.close;
    const redactor = new Redactor();
    redactor.add('s3cret-value');
    await assert.rejects(
      make(s.url, { redactor, authHeaders: () => ({ Authorization: 'Bearer s3cret-value' }) }).request({ method: 'POST', path: '/x', json: { password: 'hunter22' } }),
      (e: FulfillmentError) => {
        const text = JSON.stringify(e.toJSON()) + e.message;
        assert.ok(!text.includes('s3cret-value'));
        assert.ok(!text.includes('hunter22'));
        assert.ok(!text.includes('"abc"'));
        return true;
      },
    );
    assert.strictEqual(s.seen[0].headers.authorization, 'Bearer s3cret-value', 'the secret is still sent on the wire');
  });

  it('repeats array query values under the same key', async () => {
    const s = await scriptedServer([json(200, [])]);
    close = s.close;
    await make(s.url).request({ method: 'GET', path: '/status', query: { 'uuids[]': ['a', 'b'] } });
    assert.strictEqual(s.seen[0].url, '/status?uuids%5B%5D=a&uuids%5B%5D=b');
  });

  it('fails clearly after close instead of hanging', async () => {
    const s = await scriptedServer([json(200, {})]);
    close = s.close;
    const c = make(s.url);
    c.close();
    await assert.rejects(c.request({ method: 'GET', path: '/x' }), /account was closed/);
  });
});
