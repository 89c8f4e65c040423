/**
 * Reads an answer's body as a stream, bounded before and while it is read:
 * a declared Content-Length over the limit is refused without reading a
 * byte, an undeclared body is cut at the limit (the stream destroyed, never
 * more than the limit held), and a body that ends early is named as cut off
 * with how much came. The HTTP layer turns these facts into its errors.
 */
import { EventEmitter } from 'events';
import { Readable, pipeline } from 'stream';
import zlib from 'zlib';

export type BodyProblem =
  | { kind: 'too_large'; limit: number; declared?: number; received: number }
  | { kind: 'cut_off'; received: number; declared?: number; cause?: string }
  | { kind: 'idle'; received: number; declared?: number; idleMs: number };

/** A body that could not be read whole; `partial` holds its first bytes, for the error. */
export class BodyError extends Error {
  constructor(readonly problem: BodyProblem, readonly partial: Buffer = Buffer.alloc(0)) {
    super(describeBodyProblem(problem));
    this.name = 'BodyError';
  }
}

const KIB = 1024;
/** How much of an unreadable body an error keeps to show. */
const PARTIAL_BYTES = 4 * 1024;
const MIB = 1024 * 1024;

/** `209715200 bytes (200 MiB)`: exact for logs, readable for people. */
export function formatBytes(n: number): string {
  if (n < 10 * KIB) return `${n} bytes`;
  const human = n >= MIB ? `${+(n / MIB).toFixed(1)} MiB` : `${+(n / KIB).toFixed(1)} KiB`;
  return `${n} bytes (${human})`;
}

export function cutOffText(received: number, declared?: number): string {
  return declared !== undefined ? `answer cut off after ${received} of ${declared} bytes` : `answer cut off after ${received} bytes`;
}

export function describeBodyProblem(p: BodyProblem): string {
  switch (p.kind) {
    case 'too_large':
      return p.declared !== undefined
        ? `answer too large: ${formatBytes(p.declared)} declared, the limit is ${formatBytes(p.limit)}; it was not read`
        : `answer too large: more than the limit of ${formatBytes(p.limit)} (no length declared); reading stopped there`;
    case 'cut_off':
      return `${cutOffText(p.received, p.declared)} (the connection closed early${p.cause ? `: ${p.cause}` : ''})`;
    case 'idle':
      return `${cutOffText(p.received, p.declared)} (nothing more came for ${p.idleMs} ms)`;
  }
}

/** A Content-Length that is a plain number, else undefined. */
export function declaredLength(headers: Record<string, string | undefined>): number | undefined {
  const raw = headers['content-length'];
  return raw !== undefined && /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined;
}

const DECODERS: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** The encodings `decodedBody` can undo, for the Accept-Encoding header. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

/**
 * The body decoded when it came compressed (gzip, deflate, br); the raw
 * stream itself otherwise. Errors of the raw stream reach the decoded one.
 */
export function decodedBody(raw: Readable, contentEncoding: string | undefined): Readable {
  const make = DECODERS[(contentEncoding ?? '').trim().toLowerCase()];
  if (!make) return raw;
  const decoder = make();
  pipeline(raw, decoder, () => undefined);
  return decoder;
}

export interface ReadLimits {
  /** Largest body (after decoding) accepted. */
  maxBytes: number;
  /** Content-Length of the raw body, when declared. */
  declared?: number;
  /** Give up when nothing arrives for this long; 0 or undefined = never. */
  idleMs?: number;
  /**
   * For a body cut at the limit or an error body: keep the first `maxBytes`
   * and stop reading, instead of failing.
   */
  truncate?: boolean;
}

/**
 * Reads `body` (the decoded stream) whole, counting `raw` (the stream on the
 * wire, the same object when not compressed) against the declared length.
 * Resolves with the bytes; rejects with a BodyError, or with the stream's own
 * error when it was destroyed for another reason (a cancel, say).
 */
export function readBody(raw: Readable, body: Readable, limits: ReadLimits): Promise<Buffer> {
  const { maxBytes, declared, idleMs, truncate } = limits;
  return new Promise<Buffer>((resolve, reject) => {
    if (declared !== undefined && declared > maxBytes && !truncate) {
      stop();
      reject(new BodyError({ kind: 'too_large', limit: maxBytes, declared, received: 0 }));
      return;
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    let onWire = 0;
    let settled = false;
    const timer = idleMs ? setTimeout(onIdle, idleMs) : undefined;
    const countWire = (chunk: Buffer): void => {
      onWire += chunk.length;
    };
    if (raw !== body) raw.on('data', countWire);

    function stop(): void {
      if (!raw.destroyed) raw.destroy();
      if (!body.destroyed) body.destroy();
    }
    function done(error?: Error): void {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      raw.off('data', countWire);
      socket?.off('timeout', onIdle);
      if (error) {
        stop();
        reject(error instanceof BodyError ? new BodyError(error.problem, head(chunks, PARTIAL_BYTES)) : error);
      } else resolve(Buffer.concat(chunks, kept));
    }
    const wire = (): number => (raw === body ? kept : onWire);
    function onData(chunk: Buffer): void {
      timer?.refresh();
      if (raw === body) onWire += chunk.length;
      const room = maxBytes - kept;
      if (chunk.length > room) {
        if (room > 0) {
          chunks.push(chunk.subarray(0, room));
          kept += room;
        }
        if (truncate) done();
        else done(new BodyError({ kind: 'too_large', limit: maxBytes, received: wire() }));
        stop();
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
    }
    function onEnd(): void {
      const got = wire();
      if (declared !== undefined && got < declared && !truncate) done(new BodyError({ kind: 'cut_off', received: got, declared }));
      else done();
    }
    function onClose(): void {
      // Destroyed without an error and without an end: the connection went away.
      if (!settled) done(truncate ? undefined : new BodyError({ kind: 'cut_off', received: wire(), declared }));
    }
    function onError(e: Error): void {
      if (settled) return;
      if (truncate) return done();
      if ((e as { name?: string }).name === 'CanceledError' || (e as { code?: string }).code === 'ERR_CANCELED') return done(e);
      done(new BodyError({ kind: 'cut_off', received: wire(), declared, cause: (e as { code?: string }).code ?? e.message }));
    }
    function onIdle(): void {
      done(truncate ? undefined : new BodyError({ kind: 'idle', received: wire(), declared, idleMs: idleMs ?? 0 }));
    }
    // The socket's own idle timeout may destroy it first (a redirect-following
    // request arms one): name that as the stall it is, not as a reset.
    const socket = idleMs ? (raw as { socket?: EventEmitter | null }).socket ?? undefined : undefined;
    socket?.on('timeout', onIdle);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onClose);
    // Kept after settling: a late error of a destroyed stream must not be unhandled.
    body.on('error', onError);
    if (raw !== body) raw.on('error', () => undefined);
  });
}

/** The first `n` bytes of some chunks, without joining them all. */
function head(chunks: Buffer[], n: number): Buffer {
  const out: Buffer[] = [];
  let size = 0;
  for (const c of chunks) {
    if (size >= n) break;
    const part = c.length > n - size ? c.subarray(0, n - size) : c;
    out.push(part);
    size += part.length;
  }
  return Buffer.concat(out, size);
}
