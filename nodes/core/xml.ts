/**
 * XML <-> plain objects on fast-xml-parser, typed by a schema the caller
 * declares instead of by guessing: a Name "007" stays a string, "true" only
 * becomes a boolean where the schema says boolean. Lists are declared too
 * (`<Items><Item/><Item/></Items>`), because XML cannot tell a one-item list
 * from a single child. `xsi:nil="true"` reads as null and null writes as nil.
 *
 * Safety: documents with a DOCTYPE are refused (no entity declarations, so no
 * entity expansion); only the five XML entities and numeric character
 * references are decoded; element names that would touch an object's
 * prototype are refused by the parser and skipped by the mapper.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlSchema =
  | { type: 'string' }
  | { type: 'number' }
  | { type: 'boolean' }
  /** Fields in the order they are written; unknown fields read as raw strings / objects. */
  | { type: 'object'; fields: Record<string, XmlSchema> }
  /** An element whose children all repeat one element name: `<Outer><item/>...</Outer>`. */
  | { type: 'list'; item: string; of: XmlSchema };

/** Schema shorthands: `xs.object({Id: xs.number, Name: xs.string})`. */
export const xs = {
  string: { type: 'string' } as XmlSchema,
  number: { type: 'number' } as XmlSchema,
  boolean: { type: 'boolean' } as XmlSchema,
  object: (fields: Record<string, XmlSchema>): XmlSchema => ({ type: 'object', fields }),
  list: (item: string, of: XmlSchema): XmlSchema => ({ type: 'list', item, of }),
};

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const ATTR = '@_';
const TEXT = '#text';
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const DEFAULT_MAX_CHARS = 10 * 1024 * 1024;

/** A document that is not well-formed, or a value that does not fit its schema. */
export class XmlError extends Error {
  constructor(message: string, readonly path?: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'XmlError';
  }
}

export interface ParsedXml {
  /** Local name of the root element (namespace prefix removed). */
  root: string;
  /** The root's content as fast-xml-parser gives it (strings, attributes under `@_`). */
  content: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses a document into its root name and raw content; throws XmlError. */
export function parseXml(text: string, maxChars = DEFAULT_MAX_CHARS): ParsedXml {
  if (typeof text !== 'string' || text.trim() === '') throw new XmlError('empty document');
  if (text.length > maxChars) throw new XmlError(`document larger than ${maxChars} characters`);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new XmlError('documents with a DOCTYPE or entity declarations are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new XmlError(`not acceptable XML: ${(e as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith(ATTR));
  if (roots.length !== 1) throw new XmlError('expected exactly one root element');
  return { root: roots[0], content: doc[roots[0]] };
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    switch (ref) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
    }
  });
}

function isNil(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>)[`${ATTR}nil`] === 'true';
}

/** The element's text, whether it came bare or beside attributes. */
function textOf(raw: unknown, path: string): string {
  if (typeof raw === 'string') return decodeEntities(raw);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const childElements = Object.keys(o).filter((k) => k !== TEXT && !k.startsWith(ATTR));
    if (childElements.length > 0) throw new XmlError('expected text, found child elements', path);
    return typeof o[TEXT] === 'string' ? decodeEntities(o[TEXT] as string) : '';
  }
  throw new XmlError('expected a single value', path);
}

/** Raw parsed content -> typed value, as the schema says. */
export function fromXml(raw: unknown, schema: XmlSchema, path = '$'): unknown {
  if (isNil(raw)) return null;
  if (Array.isArray(raw) && schema.type !== 'list') throw new XmlError('element repeats but is not declared as a list', path);
  switch (schema.type) {
    case 'string':
      return textOf(raw, path);
    case 'number': {
      const t = textOf(raw, path).trim();
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) throw new XmlError(`expected a number, found ${JSON.stringify(t)}`, path);
      return n;
    }
    case 'boolean': {
      const t = textOf(raw, path).trim();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      throw new XmlError(`expected true or false, found ${JSON.stringify(t)}`, path);
    }
    case 'list': {
      if (raw === '' || raw === undefined) return [];
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new XmlError(`expected <${schema.item}> elements`, path);
      const items = (raw as Record<string, unknown>)[schema.item];
      if (items === undefined) return [];
      return (Array.isArray(items) ? items : [items]).map((item, i) => fromXml(item, schema.of, `${path}[${i}]`));
    }
    case 'object': {
      if (raw === '') return {};
      if (raw === null || typeof raw !== 'object') throw new XmlError('expected child elements', path);
      const o = raw as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(o)) {
        if (key.startsWith(ATTR) || key === TEXT || FORBIDDEN.has(key)) continue;
        const field = Object.prototype.hasOwnProperty.call(schema.fields, key) ? schema.fields[key] : undefined;
        out[key] = field ? fromXml(value, field, `${path}.${key}`) : untyped(value);
      }
      return out;
    }
  }
}

/** Fields the schema does not know: text as strings, elements as objects, repeats as arrays. */
function untyped(raw: unknown, depth = 0): unknown {
  if (depth > 50) return undefined;
  if (isNil(raw)) return null;
  if (typeof raw === 'string') return decodeEntities(raw);
  if (Array.isArray(raw)) return raw.map((r) => untyped(r, depth + 1));
  if (raw !== null && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => !k.startsWith(ATTR) && !FORBIDDEN.has(k));
    if (keys.length === 0) return '';
    if (keys.length === 1 && keys[0] === TEXT) return decodeEntities(String(o[TEXT]));
    const out: Record<string, unknown> = {};
    for (const k of keys) if (k !== TEXT) out[k] = untyped(o[k], depth + 1);
    return out;
  }
  return raw;
}

export interface BuildOptions {
  /** Default namespace of the document (`xmlns` on the root). */
  namespace?: string;
  /** Writes `<?xml version="1.0" encoding="utf-8"?>` first; default true. */
  declaration?: boolean;
  /** Indented output; default true. */
  format?: boolean;
}

const builders = new Map<boolean, XMLBuilder>();
function builder(format: boolean): XMLBuilder {
  let b = builders.get(format);
  if (!b) {
    b = new XMLBuilder({
      ignoreAttributes: false,
      attributeNamePrefix: ATTR,
      textNodeName: TEXT,
      format,
      indentBy: '  ',
      suppressEmptyNode: true,
      suppressBooleanAttributes: false,
      processEntities: true,
    });
    builders.set(format, b);
  }
  return b;
}

/** A typed value -> an XML document with one root element; throws XmlError when the value does not fit. */
export function toXml(root: string, value: unknown, schema: XmlSchema, options: BuildOptions = {}): string {
  const state = { nil: false };
  const content = toNode(value, schema, root, state);
  const rootNode: Record<string, unknown> = content !== null && typeof content === 'object' ? { ...(content as Record<string, unknown>) } : { [TEXT]: content };
  const attrs: Record<string, string> = {};
  if (options.namespace) attrs[`${ATTR}xmlns`] = options.namespace;
  if (state.nil) attrs[`${ATTR}xmlns:xsi`] = XSI_NAMESPACE;
  const xml = builder(options.format !== false).build({ [root]: { ...attrs, ...rootNode } }) as string;
  return options.declaration === false ? xml : `<?xml version="1.0" encoding="utf-8"?>\n${xml}`;
}

function nilNode(state: { nil: boolean }): Record<string, string> {
  state.nil = true;
  return { [`${ATTR}xsi:nil`]: 'true' };
}

function toNode(value: unknown, schema: XmlSchema, path: string, state: { nil: boolean }): unknown {
  if (value === null) return nilNode(state);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') throw new XmlError('expected a string', path);
      return String(value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new XmlError('expected a number', path);
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new XmlError('expected true or false', path);
      return value ? 'true' : 'false';
    case 'list': {
      if (!Array.isArray(value)) throw new XmlError('expected an array', path);
      return { [schema.item]: value.map((v, i) => toNode(v, schema.of, `${path}[${i}]`, state)) };
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) throw new XmlError('expected an object', path);
      const o = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      // Known fields first, in schema order (order-sensitive serializers such as WCF need it).
      for (const [key, field] of Object.entries(schema.fields)) {
        if (o[key] !== undefined) out[key] = toNode(o[key], field, `${path}.${key}`, state);
      }
      for (const [key, v] of Object.entries(o)) {
        if (v === undefined || FORBIDDEN.has(key) || Object.prototype.hasOwnProperty.call(schema.fields, key)) continue;
        if (!/^[A-Za-z_][\w.-]*$/.test(key)) throw new XmlError(`"${key}" is not a valid element name`, path);
        out[key] = untypedNode(v, `${path}.${key}`, state);
      }
      return out;
    }
  }
}

function untypedNode(value: unknown, path: string, state: { nil: boolean }, depth = 0): unknown {
  if (depth > 50) throw new XmlError('nested too deeply', path);
  if (value === null) return nilNode(state);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v, i) => untypedNode(v, `${path}[${i}]`, state, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || FORBIDDEN.has(k)) continue;
      if (!/^[A-Za-z_][\w.-]*$/.test(k)) throw new XmlError(`"${k}" is not a valid element name`, path);
      out[k] = untypedNode(v, `${path}.${k}`, state, depth + 1);
    }
    return out;
  }
  throw new XmlError('cannot be written as XML', path);
}
