/**
 * A file read for an upload through a few reused buffers instead of a new
 * 64 KB buffer per read. V8 frees young buffers only after about 32 MB of
 * them have piled up, so a 200 MB upload through `fs.createReadStream` grew
 * the process by about 40 MB of garbage (`npm run bench`). A buffer is read
 * into again only after the request has written it to the socket (the
 * request's write callback, see `releasingRequests` in http.ts), so a chunk
 * never changes while it may still be sent. A chunk that is never given back
 * (another path, a request that failed) is simply left to the collector, as
 * before: the stream never waits for a buffer.
 */
import fs from 'fs';
import { Readable } from 'stream';

const CHUNK = 64 * 1024;
/** In flight at once on an upload: the socket's chunk, the pipes' buffers. More than that are not reused. */
const MAX_POOLED = 16;

/** Each chunk handed out, to the function that gives its buffer back. */
const owners = new WeakMap<Buffer, () => void>();

/** Called once a chunk has been written to the socket: its buffer may be read into again. */
export function releaseWritten(chunk: unknown): void {
  if (!Buffer.isBuffer(chunk)) return;
  const release = owners.get(chunk);
  if (!release) return;
  owners.delete(chunk);
  release();
}

class UploadFileStream extends Readable {
  private fd: number | undefined;
  private position = 0;
  private readonly free: Buffer[] = [];
  private pooled = 0;

  constructor(private readonly path: string) {
    super({ highWaterMark: CHUNK });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    fs.open(this.path, 'r', (err, fd) => {
      this.fd = fd;
      callback(err);
    });
  }

  override _read(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    let buffer = this.free.pop();
    let reused = true;
    if (!buffer) {
      buffer = Buffer.allocUnsafeSlow(CHUNK);
      reused = this.pooled < MAX_POOLED;
      if (reused) this.pooled++;
    }
    const own = buffer;
    fs.read(fd, own, 0, own.length, this.position, (err, bytes) => {
      if (err) return this.destroy(err);
      if (bytes === 0) {
        if (reused) this.free.push(own);
        this.push(null);
        return;
      }
      this.position += bytes;
      const chunk = own.subarray(0, bytes);
      if (reused) owners.set(chunk, () => this.free.push(own));
      this.push(chunk);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.free.length = 0;
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return callback(error);
    fs.close(fd, () => callback(error));
  }
}

/** A readable of the file at `path` for a multipart upload (see the top of this file). */
export function uploadFileStream(path: string): Readable {
  return new UploadFileStream(path);
}
