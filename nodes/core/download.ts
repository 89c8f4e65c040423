/**
 * Streams a downloaded body into a Buffer (with a size cap) or into a file in a
 * chosen folder, never holding a whole large file in memory.
 */
import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { FulfillmentError, invalidInput } from './errors';

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

export async function streamToBuffer(stream: Readable, maxBytes: number, what: string, expectedBytes?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += b.length;
      if (size > maxBytes) {
        stream.destroy();
        throw new FulfillmentError({ kind: 'malformed_response', message: `${what} is larger than ${maxBytes} bytes; write it to a folder instead` });
      }
      chunks.push(b);
    }
  } catch (e) {
    if (e instanceof FulfillmentError) throw e;
    throw new FulfillmentError({ kind: 'network', message: `download of ${what} failed after ${size} bytes: ${(e as Error).message}` });
  }
  if (expectedBytes !== undefined && size !== expectedBytes) {
    throw new FulfillmentError({ kind: 'malformed_response', message: `download of ${what} was truncated: ${size} of ${expectedBytes} bytes` });
  }
  return Buffer.concat(chunks);
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
  const temp = `${target}.${process.pid}.${Date.now()}.part`;
  let bytes = 0;
  try {
    await pipeline(stream, fs.createWriteStream(temp));
    bytes = (await fs.promises.stat(temp)).size;
    if (expectedBytes !== undefined && bytes !== expectedBytes) {
      throw new FulfillmentError({ kind: 'malformed_response', message: `download of ${path.basename(target)} was truncated: ${bytes} of ${expectedBytes} bytes` });
    }
    await fs.promises.rename(temp, target);
  } catch (e) {
    await fs.promises.rm(temp, { force: true });
    if (e instanceof FulfillmentError) throw e;
    throw new FulfillmentError({ kind: 'network', message: `download of ${path.basename(target)} failed: ${(e as Error).message}` });
  }
  return { path: target, bytes };
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
