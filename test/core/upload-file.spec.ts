/**
 * The upload stream that reads a file into a few reused buffers: what reaches
 * the server is the file byte for byte, buffers are read into again only once
 * the request has written them, and without the request's release (another
 * reader) nothing is ever reused.
 */
import assert from 'assert';
import crypto from 'crypto';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { AddressInfo } from 'net';
import FormData from 'form-data';
import { HttpClient } from '../../nodes/core/http';
import { uploadFileStream } from '../../nodes/core/upload-file';
import { boundaryOf, parseMultipart } from '../../sandbox/multipart';

const MB = 1024 * 1024;

/** Records the buffer of every fs.read, to tell reused buffers from new ones. */
function watchReads(): { buffers: unknown[]; restore: () => void } {
  const buffers: unknown[] = [];
  const read = fs.read;
  (fs as { read: unknown }).read = (...args: unknown[]) => {
    buffers.push(args[1]);
    return (read as (...a: unknown[]) => void)(...args);
  };
  return { buffers, restore: () => ((fs as { read: unknown }).read = read) };
}

describe('core/upload-file: a file upload through reused buffers', () => {
  let dir: string;
  let file: string;
  let content: Buffer;
  let watched: ReturnType<typeof watchReads> | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-file-'));
    file = path.join(dir, 'letter.pdf');
    // Random bytes: a buffer read into again before it was sent would show as a wrong byte.
    content = crypto.randomBytes(12 * MB + 12345);
    fs.writeFileSync(file, content);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => watched?.restore());

  it('sends the file byte for byte through a slow server, reading into a few buffers again and again', async () => {
    // The server stops reading now and then, so the socket backs up and chunks wait while later ones are read.
    const server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      let n = 0;
      req.on('data', (c: Buffer) => {
        parts.push(c);
        if (++n % 20 === 0) {
          req.pause();
          setTimeout(() => req.resume(), 15);
        }
      });
      req.on('end', () => {
        const body = Buffer.concat(parts);
        const file = parseMultipart(body, boundaryOf(req.headers['content-type'])).find((p) => p.name === 'file');
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ size: file?.data.length, sha256: file ? crypto.createHash('sha256').update(file.data).digest('hex') : null }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new HttpClient({ provider: 'test', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    watched = watchReads();
    try {
      const form = new FormData();
      form.append('parameters', '{}');
      form.append('file', uploadFileStream(file), { filename: 'letter.pdf', contentType: 'application/pdf', knownLength: content.length });
      const res = await client.request<{ size: number; sha256: string }>({ method: 'POST', path: '/jobs', form, safeToRetry: false });
      assert.deepStrictEqual(res.data, { size: content.length, sha256: crypto.createHash('sha256').update(content).digest('hex') });
      const reads = watched.buffers.length;
      const distinct = new Set(watched.buffers).size;
      assert.ok(reads > 190, `read in 64 KB pieces (${reads} reads)`);
      assert.ok(distinct <= 16, `${distinct} buffers for ${reads} reads: reused`);
    } finally {
      client.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it('never reads into a buffer again when nothing gives it back (another reader keeping every chunk)', async () => {
    watched = watchReads();
    const chunks: Buffer[] = [];
    for await (const chunk of uploadFileStream(file)) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(content), 'every chunk still holds its bytes');
    assert.strictEqual(new Set(watched.buffers).size, watched.buffers.length, 'a new buffer for every read');
  });

  it('reports a file that cannot be read as an error of the stream, and closes the file', async () => {
    await assert.rejects(async () => {
      for await (const _ of uploadFileStream(path.join(dir, 'missing.pdf'))) void _;
    }, /ENOENT/);
  });
});
