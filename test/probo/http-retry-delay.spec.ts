import assert from 'assert';
import http from 'http';
import { AddressInfo } from 'net';
import { HttpClient } from '../../nodes/core/http';
import { quotaResetDelay } from '../../nodes/providers/probo/client';

/** A server that answers the queued statuses in turn (then 200), recording arrival times. */
async function scripted(answers: Array<{ status: number; headers?: Record<string, string> }>): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  const hits: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(Date.now());
      const next = answers.shift() ?? { status: 200 };
      res.writeHead(next.status, { 'Content-Type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.status === 200 ? { ok: true } : { error: 'Quota has been exceeded' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('HttpClient retryDelayFromHeaders', () => {
  it('waits as long as the provider header says, then retries a 429', async () => {
    const srv = await scripted([{ status: 429, headers: { 'x-ratelimit-reset': '400', 'x-ratelimit-remaining': '0' } }]);
    const seen: Array<Record<string, string>> = [];
    const client = new HttpClient({
      provider: 't',
      baseUrl: srv.url,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      retryDelayFromHeaders: (h) => {
        seen.push(h);
        return quotaResetDelay(h);
      },
    });
    try {
      const res = await client.request({ method: 'POST', path: '/x', json: {}, safeToRetry: false, retryOn429: true });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(srv.hits.length, 2);
      assert.strictEqual(seen.length, 1);
      assert.strictEqual(seen[0]['x-ratelimit-remaining'], '0', 'header names arrive lower-cased');
      // The backoff alone would have waited at most 2 ms; the header asked for 400.
      assert.ok(srv.hits[1] - srv.hits[0] >= 350, `waited ${srv.hits[1] - srv.hits[0]} ms`);
    } finally {
      client.close();
      await srv.close();
    }
  });

  it('prefers Retry-After when both are present, and gives up when the wait is too long', async () => {
    const srv = await scripted([{ status: 429, headers: { 'retry-after': '120', 'x-ratelimit-reset': '5' } }]);
    let asked = 0;
    const client = new HttpClient({ provider: 't', baseUrl: srv.url, retry: { maxRetryAfterMs: 1000 }, retryDelayFromHeaders: () => (asked++, 5) });
    try {
      await assert.rejects(client.request({ method: 'GET', path: '/x' }), (e: { status?: number }) => e.status === 429);
      assert.strictEqual(asked, 0);
      assert.strictEqual(srv.hits.length, 1);
    } finally {
      client.close();
      await srv.close();
    }
  });

  it('changes nothing for clients that do not set it', async () => {
    const srv = await scripted([{ status: 503 }]);
    const client = new HttpClient({ provider: 't', baseUrl: srv.url, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    try {
      assert.strictEqual((await client.request({ method: 'GET', path: '/x' })).status, 200);
      assert.strictEqual(srv.hits.length, 2);
    } finally {
      client.close();
      await srv.close();
    }
  });

  it('reads x-ratelimit-reset as a delay in ms or as an epoch time', () => {
    const now = 1_800_000_000_000;
    assert.strictEqual(quotaResetDelay({ 'x-ratelimit-reset': '1500' }, now), 1500);
    assert.strictEqual(quotaResetDelay({ 'x-ratelimit-reset': String(now + 2500) }, now), 2500);
    assert.strictEqual(quotaResetDelay({ 'x-ratelimit-reset': String(now / 1000 + 3) }, now), 3000);
    assert.strictEqual(quotaResetDelay({ 'x-ratelimit-reset': 'soon' }, now), undefined);
    assert.strictEqual(quotaResetDelay({}, now), undefined);
  });
});
