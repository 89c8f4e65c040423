/**
 * Answers that are too large, cut off or stalled, against a real loopback
 * server: bounded before and while they are read, named with how much came,
 * never retried when over the limit, outcome unknown for a creating call.
 */
import assert from 'assert';
import http from 'http';
import zlib from 'zlib';
import { AddressInfo } from 'net';
import { Readable } from 'stream';
import { HttpClient, DEFAULT_MAX_RESPONSE_BYTES } from '../../nodes/core/http';
import { FulfillmentError } from '../../nodes/core/errors';
import { streamToBuffer } from '../../nodes/core/download';

interface Served {
  requests: number;
  /** Body bytes the server got onto the wire for each request before it ended or the client went away. */
  written: number[];
  closedEarly: boolean[];
}

type Answer = (res: http.ServerResponse, served: Served, i: number) => void;

async function server(answer: Answer) {
  const served: Served = { requests: 0, written: [], closedEarly: [] };
  const srv = http.createServer((req, res) => {
    const i = served.requests++;
    served.written[i] = 0;
    served.closedEarly[i] = false;
    res.on('close', () => (served.closedEarly[i] = !res.writableFinished));
    req.resume();
    req.on('end', () => answer(res, served, i));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return {
    url,
    served,
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}

/** Writes `total` bytes of JSON-ish filler in 64 KiB chunks, respecting backpressure, counting what went out. */
function pump(res: http.ServerResponse, served: Served, i: number, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let left = total;
  const go = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, chunk.length);
      left -= n;
      served.written[i] += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', go);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  go();
}

const MB = 1024 * 1024;

describe('core/http answers: size limits and cut-off answers', () => {
  let close: (() => Promise<void>) | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    client?.close();
    await close?.();
    close = undefined;
  });
  const make = (url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
    (client = new HttpClient({ provider: 'test', baseUrl: url, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra }));

  it('has a default limit of 10 MiB', () => {
    assert.strictEqual(DEFAULT_MAX_RESPONSE_BYTES, 10 * MB);
  });

  it('refuses a declared Content-Length over the limit before reading a byte, and never retries it', async () => {
    // Headers only: a client that tried to read the body would wait for it and time out.
    const s = await server((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(200 * MB) });
      res.flushHeaders();
    });
    close = s.close;
    await assert.rejects(make(s.url, { maxResponseBytes: MB, timeoutMs: 10_000 }).request({ method: 'GET', path: '/status' }), (e: FulfillmentError) => {
      assert.strictEqual(e.kind, 'malformed_response');
      assert.strictEqual(e.providerCode, 'answer_too_large');
      assert.strictEqual(e.retryable, false);
      assert.strictEqual(e.status, 200);
      assert.strictEqual(
        e.message,
        'test: the answer to GET /status (HTTP 200) cannot be read: answer too large: 209715200 bytes (200 MiB) declared, the limit is 1048576 bytes (1 MiB); it was not read',
      );
      return true;
    });
    assert.strictEqual(s.served.requests, 1, 'one request, no retry');
  });

  it('stops an answer without a declared length at the limit, holding no more than that, and does not retry', async () => {
    const s = await server((res, served, i) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      pump(res, served, i, 200 * MB);
    });
    close = s.close;
    await assert.rejects(make(s.url, { maxResponseBytes: MB }).request({ method: 'GET', path: '/status' }), (e: FulfillmentError) => {
      assert.strictEqual(e.providerCode, 'answer_too_large');
      assert.match(e.message, /cannot be read: answer too large: more than the limit of 1048576 bytes \(1 MiB\) \(no length declared\); reading stopped there$/);
      assert.ok(typeof e.response === 'string' && e.response.length <= 4000, 'what came back is shown, bounded');
      return true;
    });
    await waitFor(() => s.served.closedEarly[0]);
    assert.strictEqual(s.served.requests, 1);
    // The kernel's socket buffers take some megabytes; reading on would have taken all 200.
    assert.ok(s.served.written[0] < 64 * MB, `the server could send only ${s.served.written[0]} bytes before the client hung up`);
  });

  it('names a cut-off JSON answer with how much of the declared length came, after retrying the read', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write(`[${'{"uuid":"a"},'.repeat(30)}`);
      setTimeout(() => res.destroy(), 20);
    });
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'GET', path: '/status' }), (e: FulfillmentError) => {
      assert.strictEqual(e.kind, 'network');
      assert.strictEqual(e.providerCode, 'answer_cut_off');
      assert.match(e.message, /^test: the answer to GET \/status \(HTTP 200\) cannot be read: answer cut off after 391 of 1000 bytes \(the connection closed early/);
      assert.doesNotMatch(e.message, /ERR_BAD_RESPONSE/);
      return true;
    });
    assert.strictEqual(s.served.requests, 3, 'a read cut short by the connection is retried like a dropped connection');
  });

  it('names a cut-off chunked answer with the bytes that came', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"items": [1, 2, 3');
      setTimeout(() => res.destroy(), 20);
    });
    close = s.close;
    await assert.rejects(make(s.url, { retry: { attempts: 1 } }).request({ method: 'GET', path: '/list' }), /cannot be read: answer cut off after 18 bytes \(the connection closed early/);
  });

  it('names JSON that stops in the middle when the connection ended normally', async () => {
    const s = await server((res) => {
      // HTTP/1.0 style: no length, the end of the connection ends the body.
      res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
      res.useChunkedEncodingByDefault = false;
      res.end('{"items": [1, 2');
    });
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'GET', path: '/list' }), (e: FulfillmentError) => {
      assert.strictEqual(e.kind, 'malformed_response');
      assert.match(e.message, /cannot be read: it is not valid JSON: answer cut off after 15 bytes \(it stops in the middle of a value\)/);
      return true;
    });
  });

  for (const fault of ['cut off', 'too large (declared)', 'too large (undeclared)', 'stalled'] as const) {
    it(`makes a creating call whose 2xx answer is ${fault} an unknown outcome, sent once`, async () => {
      const s = await server((res, served, i) => {
        if (fault === 'cut off') {
          res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '500' });
          res.write('{"id": "order-1", "sta');
          setTimeout(() => res.destroy(), 20);
        } else if (fault === 'too large (declared)') {
          res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': String(50 * MB) });
          res.flushHeaders();
        } else if (fault === 'too large (undeclared)') {
          res.writeHead(201, { 'Content-Type': 'application/json' });
          pump(res, served, i, 50 * MB);
        } else {
          res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '500' });
          res.write('{"id": "order-1"');
        }
      });
      close = s.close;
      await assert.rejects(make(s.url, { maxResponseBytes: MB, timeoutMs: 300 }).request({ method: 'POST', path: '/orders', json: { ref: 'x' } }), (e: FulfillmentError) => {
        assert.strictEqual(e.kind, 'outcome_unknown');
        assert.ok(e.outcomeUnknown);
        assert.strictEqual(e.providerCode, 'answer_unreadable');
        assert.strictEqual(e.status, 201);
        assert.match(e.message, /^test: the provider accepted POST \/orders \(HTTP 201\) but its answer cannot be read: answer (cut off after 22 of 500 bytes|too large|cut off after 16 of 500 bytes \(nothing more came for 300 ms\))/);
        assert.match(e.message, /check with the provider before sending it again$/);
        assert.deepStrictEqual(e.request?.body, { ref: 'x' });
        return true;
      });
      assert.strictEqual(s.served.requests, 1, 'a creating call is never sent twice');
    });
  }

  it('gives up on a GET answer that stalls mid-body instead of hanging', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('[1, 2,');
    });
    close = s.close;
    await assert.rejects(make(s.url, { timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 } }).request({ method: 'GET', path: '/slow' }), (e: FulfillmentError) => {
      assert.strictEqual(e.kind, 'timeout');
      assert.match(e.message, /answer cut off after 6 of 100 bytes \(nothing more came for 200 ms\)/);
      return true;
    });
    assert.strictEqual(s.served.requests, 2);
  });

  it('reads only the start of a huge error answer and still reports its status', async () => {
    const s = await server((res, served, i) => {
      res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Length': String(100 * MB) });
      pump(res, served, i, 100 * MB);
    });
    close = s.close;
    await assert.rejects(make(s.url).request({ method: 'POST', path: '/orders', json: {} }), (e: FulfillmentError) => {
      assert.strictEqual(e.kind, 'http');
      assert.strictEqual(e.status, 500);
      assert.match(e.message, /^test: POST \/orders failed with HTTP 500/);
      return true;
    });
    await waitFor(() => s.served.closedEarly[0]);
    assert.ok(s.served.written[0] < 64 * MB, `only the start was read (${s.served.written[0]} bytes sent)`);
  });

  it('keeps the status in a provider\'s own wording of an error', async () => {
    const s = await server((res) => {
      res.writeHead(429, { 'Content-Type': 'application/json' });
      res.end('{"message": "slow down"}');
    });
    close = s.close;
    const describeError = (status: number) => (status === 429 ? { message: 'test: too many requests; nothing was done', retryable: false } : undefined);
    await assert.rejects(make(s.url, { describeError }).request({ method: 'POST', path: '/orders', json: {} }), (e: FulfillmentError) => {
      assert.strictEqual(e.message, 'test: too many requests; nothing was done (HTTP 429)');
      return true;
    });
  });

  it('decodes a gzip answer, and bounds it by its decoded size', async () => {
    const payload = JSON.stringify({ items: Array.from({ length: 2000 }, (_, n) => ({ n, name: 'same text again' })) });
    const gz = zlib.gzipSync(payload);
    const s = await server((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(gz.length) });
      res.end(gz);
    });
    close = s.close;
    const res = await make(s.url).request<{ items: unknown[] }>({ method: 'GET', path: '/list' });
    assert.strictEqual(res.data.items.length, 2000);
    client?.close();
    await assert.rejects(make(s.url, { maxResponseBytes: gz.length * 2 }).request({ method: 'GET', path: '/list' }), /answer too large: more than the limit/);
  });

  it('hands a download over as a stream that a buffer read refuses by its declared size', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': String(200 * MB) });
      res.flushHeaders();
    });
    close = s.close;
    const res = await make(s.url, { maxResponseBytes: MB }).request<Readable>({ method: 'GET', path: '/file', responseType: 'stream' });
    assert.strictEqual(res.headers['content-length'], String(200 * MB), 'the stream limit is its consumer\'s, not the client\'s');
    await assert.rejects(streamToBuffer(res.data, 50 * MB, 'result.pdf', Number(res.headers['content-length'])), /result\.pdf is larger than 52428800 bytes; write it to a folder instead/);
    assert.ok(res.data.destroyed);
  });
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
