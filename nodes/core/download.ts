/**
 * Streams a downloaded body into a Buffer (with a size cap) or into a file in a
 * chosen folder, never holding a whole large file in memory.
 */
import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { FulfillmentError, invalidInput } from './errors';
import { BodyError, cutOffText, describeBodyProblem, formatBytes, readBody } from './body';

/** The file name from a Content-Disposition header (RFC 6266 `filename*` first). */
export function filenameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*([^;]+)/i.exec(header);
  if (star) {
    const value = star[1].trim().replace(/^"(.*)"$/, '$1');
    const encoded = value.replace(/^[\w-]+'[^']*'/, '');
    try {
      return decodeURIComponent(encoded);
    } catch {
      return encoded;
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header);
  if (!plain) return undefined;
  return (plain[2] !== undefined ? plain[2].replace(/\\(.)/g, '$1') : plain[1]).trim();
}

/** Keeps only a bare, harmless file name: no folders, no `..`, no control characters. */
export function safeFilename(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '').trim().slice(0, 200);
  return cleaned === '' ? fallback : cleaned;
}

/**
 * Reads a download into a Buffer of at most `maxBytes`. A declared size over
 * the cap is refused before anything is read; an undeclared one is stopped at
 * the cap; a body that ends early is named as cut off.
 */
export async function streamToBuffer(stream: Readable, maxBytes: number, what: string, expectedBytes?: number): Promise<Buffer> {
  try {
    return await readBody(stream, stream, { maxBytes, declared: expectedBytes });
  } catch (e) {
    if (!(e instanceof BodyError)) throw downloadFailed(what, e);
    const p = e.problem;
    if (p.kind === 'too_large') {
      const size = p.declared !== undefined ? `${formatBytes(p.declared)} declared` : 'no size declared, reading stopped at the limit';
      throw new FulfillmentError({ kind: 'malformed_response', providerCode: 'answer_too_large', message: `${what} is larger than ${maxBytes} bytes; write it to a folder instead, or raise the buffer limit (${size}; it was not kept)` });
    }
    throw new FulfillmentError({ kind: 'network', providerCode: 'answer_cut_off', retryable: true, message: `download of ${what} failed: ${describeBodyProblem(p)}` });
  }
}

/**
 * Writes the stream to `folder/filename` through a temporary file, so a broken
 * download never leaves a half-written file under the final name. Returns the path.
 */
export async function streamToFile(stream: Readable, folder: string, filename: string, expectedBytes?: number): Promise<{ path: string; bytes: number }> {
  if (!folder || typeof folder !== 'string') throw invalidInput('folder', 'an output folder is required');
  const dir = path.resolve(folder);
  await fs.promises.mkdir(dir, { recursive: true });
  const target = path.join(dir, safeFilename(filename, 'download.bin'));
  if (path.dirname(target) !== dir) throw invalidInput('filename', 'must not leave the output folder');
  const name = path.basename(target);
  const temp = `${target}.${process.pid}.${Date.now()}.part`;
  let bytes = 0;
  let sourceError: Error | undefined;
  // Counted alongside the pipe (both are 'data' listeners): no extra buffering stage.
  stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  stream.once('error', (e) => (sourceError = e));
  try {
    await pipeline(stream, fs.createWriteStream(temp));
    if (expectedBytes !== undefined && bytes !== expectedBytes) {
      throw new FulfillmentError({ kind: 'network', providerCode: 'answer_cut_off', retryable: true, message: `download of ${name} failed: ${cutOffText(bytes, expectedBytes)}` });
    }
    await fs.promises.rename(temp, target);
  } catch (e) {
    await fs.promises.rm(temp, { force: true });
    if (e instanceof FulfillmentError) throw e;
    if (sourceError || isPrematureClose(e)) {
      const cause = (sourceError as { code?: string } | undefined)?.code ?? sourceError?.message;
      throw new FulfillmentError({ kind: 'network', providerCode: 'answer_cut_off', retryable: true, message: `download of ${name} failed: ${describeBodyProblem({ kind: 'cut_off', received: bytes, declared: expectedBytes, cause })}` });
    }
    throw new FulfillmentError({ kind: 'config', message: `download of ${name} could not be written to ${dir}: ${(e as Error).message}` });
  }
  return { path: target, bytes };
}

function isPrematureClose(e: unknown): boolean {
  return (e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function downloadFailed(what: string, e: unknown): FulfillmentError {
  if (e instanceof FulfillmentError) return e;
  const err = e as { name?: string; code?: string; message?: string };
  if (err.name === 'CanceledError' || err.code === 'ERR_CANCELED') return new FulfillmentError({ kind: 'cancelled', message: `download of ${what} was cancelled` });
  return new FulfillmentError({ kind: 'network', message: `download of ${what} failed: ${err.code ?? err.message ?? String(e)}` });
}

/**
 * A provider that answers a file request with JSON or an HTML page is
 * reporting a problem, not sending the file: refuse it rather than save it.
 */
export function refuseNonFile(file: { stream: Readable; filename: string; contentType?: string }): void {
  const type = (file.contentType ?? '').toLowerCase();
  if (/^(application\/(json|problem\+json)|text\/html)/.test(type)) {
    file.stream.destroy();
    throw new FulfillmentError({ kind: 'malformed_response', message: `expected a file for ${file.filename}, got ${type.split(';')[0]} instead` });
  }
}
