/** Files for a job from what a flow holds: a Buffer, a path, `{filename, data|path|stream, box}` or an array of those. */
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
