import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Readable } from 'stream';
import { backoffDelay, parseRetryAfter } from '../../nodes/core/retry';
import { filenameFromDisposition, safeFilename, streamToBuffer, streamToFile } from '../../nodes/core/download';
import { IdempotencyGuard, LedgerEntry, LedgerStorage, stableStringify, idempotencyKey } from '../../nodes/core/idempotency';

function memoryLedger(): LedgerStorage & { map: Map<string, LedgerEntry> } {
  const map = new Map<string, LedgerEntry>();
  return {
    map,
    get: async (k) => map.get(k),
    set: async (k, v) => {
      if (v === undefined) map.delete(k);
      else map.set(k, v);
    },
    keys: async () => [...map.keys()],
  };
}
import { uuidList, assertNoPollution } from '../../nodes/core/validate';
import { Redactor } from '../../nodes/core/redact';
import { FulfillmentError } from '../../nodes/core/errors';
import { PlanviewerClient } from '../../nodes/providers/planviewer/client';

describe('core units', () => {
  it('backs off exponentially within bounds, with jitter', () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.strictEqual(backoffDelay(1, p, () => 0), 50);
    assert.strictEqual(backoffDelay(1, p, () => 1), 100);
    assert.strictEqual(backoffDelay(3, p, () => 1), 400);
    assert.strictEqual(backoffDelay(10, p, () => 1), 1000);
  });

  it('parses Retry-After in seconds and as a date', () => {
    assert.strictEqual(parseRetryAfter('2'), 2000);
    assert.strictEqual(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
  });

  it('reads file names from Content-Disposition and makes them safe', () => {
    assert.strictEqual(filenameFromDisposition('attachment; filename="20180111_test.pdf"'), '20180111_test.pdf');
    assert.strictEqual(filenameFromDisposition("attachment; filename*=UTF-8''caf%C3%A9.pdf"), 'café.pdf');
    assert.strictEqual(safeFilename('../../etc/passwd', 'x'), 'passwd');
    assert.strictEqual(safeFilename('..', 'fallback.pdf'), 'fallback.pdf');
    assert.strictEqual(safeFilename('a\\b\\c:d.pdf', 'x'), 'c_d.pdf');
  });

  it('refuses a buffered download that is larger than allowed or truncated', async () => {
    await assert.rejects(streamToBuffer(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), 15, 'f.pdf'), /larger than 15 bytes/);
    await assert.rejects(streamToBuffer(Readable.from([Buffer.alloc(10)]), 100, 'f.pdf', 20), /download of f\.pdf failed: answer cut off after 10 of 20 bytes/);
  });

  it('refuses a buffered download whose declared size is over the cap without reading it', async () => {
    let pulled = 0;
    const source = new Readable({ read() { pulled++; this.push(Buffer.alloc(10)); } });
    await assert.rejects(streamToBuffer(source, 15, 'big.pdf', 200 * 1024 * 1024), (e: FulfillmentError) => {
      assert.strictEqual(e.providerCode, 'answer_too_large');
      assert.match(e.message, /big\.pdf is larger than 15 bytes; write it to a folder instead.*209715200 bytes \(200 MiB\) declared/);
      return true;
    });
    assert.strictEqual(pulled, 0, 'not a byte read');
    assert.ok(source.destroyed);
  });

  it('writes a download through a temporary file and leaves nothing on failure', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-'));
    const ok = await streamToFile(Readable.from([Buffer.from('%PDF-1.4')]), dir, '../evil.pdf');
    assert.strictEqual(ok.path, path.join(dir, 'evil.pdf'));
    await assert.rejects(streamToFile(Readable.from([Buffer.from('abc')]), dir, 'short.pdf', 10), /download of short\.pdf failed: answer cut off after 3 of 10 bytes/);
    let reads = 0;
    const broken = new Readable({
      read() {
        if (reads++ === 0) this.push(Buffer.from('%PDF'));
        else setImmediate(() => this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      },
    });
    await assert.rejects(streamToFile(broken, dir, 'broken.pdf', 100), /download of broken\.pdf failed: answer cut off after 4 of 100 bytes \(the connection closed early: ECONNRESET\)/);
    assert.deepStrictEqual(fs.readdirSync(dir), ['evil.pdf']);
  });

  it('hashes the same order the same way whatever its key order', () => {
    assert.strictEqual(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] }), '{"a":[{"c":2,"d":1}],"b":1}');
    assert.strictEqual(idempotencyKey('p', { a: 1, b: 2 }), idempotencyKey('p', { b: 2, a: 1 }));
    assert.notStrictEqual(idempotencyKey('p', { a: 1 }), idempotencyKey('q', { a: 1 }));
  });

  it('guards against doubles, lets a definite failure be sent again, and forgets after the window', async () => {
    let now = 1000;
    const guard = new IdempotencyGuard(memoryLedger(), 60_000, () => now);
    await guard.claim('k', 'p');
    await assert.rejects(guard.claim('k', 'p'), (e: FulfillmentError) => e.kind === 'duplicate' && e.providerCode === 'sending');
    await guard.settle('k', { state: 'failed' });
    await guard.claim('k', 'p');
    await guard.settle('k', { state: 'placed', answer: { id: 7 } });
    await assert.rejects(guard.claim('k', 'p'), (e: FulfillmentError) => e.providerCode === 'placed' && (e.response as { id: number }).id === 7);
    now += 60_001;
    await guard.claim('k', 'p');
  });

  it('sweeps expired entries so the ledger does not grow without end', async () => {
    let now = 0;
    const ledger = memoryLedger();
    const guard = new IdempotencyGuard(ledger, 1000, () => now);
    for (let i = 0; i < 450; i++) {
      await guard.claim(`k${i}`, 'p');
      await guard.settle(`k${i}`, { state: 'placed' });
      now += 10;
    }
    assert.ok(ledger.map.size < 450 && ledger.map.size >= 100, `ledger holds ${ledger.map.size}`);
  });

  it('lets only one of two simultaneous identical orders through', async () => {
    const guard = new IdempotencyGuard(memoryLedger(), 60_000);
    const results = await Promise.allSettled([guard.claim('k', 'p'), guard.claim('k', 'p')]);
    assert.deepStrictEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  it('validates uuid lists in every accepted shape', () => {
    const u = '0fe30323-a86e-4048-a7e7-6d60c3365dcb';
    assert.deepStrictEqual(uuidList(u, 'f'), [u]);
    assert.deepStrictEqual(uuidList([u, u], 'f'), [u]);
    assert.deepStrictEqual(uuidList({ uuids: [u] }, 'f'), [u]);
    assert.throws(() => uuidList([], 'f'), /f: expected/);
    assert.throws(() => uuidList({ uuids: [u, 'x'] }, 'f'), /"x"/);
  });

  it('rejects prototype-pollution keys anywhere in a payload', () => {
    assert.throws(() => assertNoPollution(JSON.parse('{"a":{"__proto__":{"x":1}}}'), 'msg.payload'), /msg.payload.a: must not contain the key "__proto__"/);
    assert.doesNotThrow(() => assertNoPollution({ a: [1, { b: 2 }] }, 'msg.payload'));
  });

  it('redacts secrets, their URL-encoded and Basic forms, and sensitive keys', () => {
    const r = new Redactor();
    r.add('p@ss word');
    r.addBasicPair('user', 'p@ss word');
    assert.strictEqual(r.text('x p@ss word y p%40ss%20word'), 'x *** y ***');
    assert.deepStrictEqual(r.data({ password: 'zzz', nested: { Authorization: 'Basic abc' }, ok: 'fine' }), { password: '***', nested: { Authorization: '***' }, ok: 'fine' });
  });

  it('splits Planviewer status reads only where the URL would grow too long', () => {
    const client = new PlanviewerClient({ apiKey: 'k', apiSecret: 's', baseUrl: 'http://127.0.0.1:1', maxUrlLength: 2000 });
    const uuids = Array.from({ length: 100 }, (_v, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const batches = client.statusBatches(uuids);
    assert.ok(batches.length > 1 && batches.length <= 4, `got ${batches.length} batches`);
    assert.deepStrictEqual(batches.flat(), uuids);
    for (const b of batches) assert.ok(client.http.url('/product_api/v1/jobs/status', { 'uuids[]': b }).length <= 2000);
    assert.strictEqual(client.statusBatches(uuids.slice(0, 10)).length, 1);
    client.close();
  });
});
