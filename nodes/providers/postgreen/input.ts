/** Files for a job from what a flow holds: a Buffer, a path, `{filename, data|path|stream, box}` or an array of those. */
import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { Readable } from 'stream';
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { PostgreenJobFile } from './types';

export function filesFromPayload(payload: unknown, defaults: { box?: string; filename?: string } = {}): PostgreenJobFile[] {
  const list = Array.isArray(payload) ? payload : [payload];
  if (list.length === 0) throw invalidInput('msg.payload', 'no file: give a Buffer, a path, {filename, data|path|stream, box} or an array of them', 'postgreen');
  return list.map((item, i) => {
    const field = Array.isArray(payload) ? `msg.payload[${i}]` : 'msg.payload';
    const box = defaults.box || undefined;
    if (Buffer.isBuffer(item)) return { data: item, box, filename: list.length === 1 ? defaults.filename : undefined };
    if (typeof item === 'string' && item !== '') return { path: item, box };
    if (item instanceof Readable) return { stream: item, box, filename: list.length === 1 ? defaults.filename : undefined };
    if (isPlainObject(item)) {
      const f = item as Record<string, unknown>;
      const file: PostgreenJobFile = { box: typeof f.box === 'string' && f.box !== '' ? f.box : box };
      if (f.filename !== undefined) file.filename = f.filename as string;
      if (f.contentType !== undefined) file.contentType = f.contentType as string;
      if (f.data !== undefined) file.data = f.data as Buffer;
      if (f.path !== undefined) file.path = f.path as string;
      if (f.stream !== undefined) file.stream = f.stream as Readable;
      if (typeof f.size === 'number') file.size = f.size;
      return file;
    }
    throw invalidInput(field, 'must be a Buffer, a file path or {filename, data|path|stream, box}', 'postgreen');
  });
}

export function fileLabel(f: PostgreenJobFile, i: number): string {
  return f.filename ?? f.path ?? `file ${i + 1}`;
}

/**
 * What identifies these files for the repeat guard: content hash of Buffers,
 * path + size + mtime of files. Undefined when a stream is among them (a
 * stream cannot be fingerprinted without reading it): then only an explicit
 * msg.idempotencyKey guards the job.
 */
export async function filesFingerprint(files: PostgreenJobFile[]): Promise<string[] | undefined> {
  const out: string[] = [];
  for (const f of files) {
    const where = `${f.box ?? ''}|${f.filename ?? ''}`;
    if (f.data !== undefined && Buffer.isBuffer(f.data)) out.push(`${where}|sha256:${createHash('sha256').update(f.data).digest('hex')}`);
    else if (typeof f.path === 'string') {
      try {
        const st = await fs.promises.stat(f.path);
        out.push(`${where}|${path.resolve(f.path)}|${st.size}|${st.mtimeMs}`);
      } catch {
        out.push(`${where}|${f.path}|missing`);
      }
    } else return undefined;
  }
  return out;
}
