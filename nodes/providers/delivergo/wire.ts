/**
 * Resale Units on the wire, JSON or XML, to and from the one object shape
 * callers use. The XML shape follows delivergo's documentation: namespace
 * http://delivergo.net/portal/api, elements in its order, translations nested
 * `<ResaleUnitTranslation><ResaleUnitTranslation>`, `xsi:nil` for empty.
 */
import { escapeMsDatesInJson, normalizeDate } from '../../core/msdate';
import { fromXml, parseXml, toXml, xs, XmlError, XmlSchema } from '../../core/xml';
import { isPlainObject } from '../../core/validate';
import { DelivergoFormat, ResaleUnit } from './types';

export const DELIVERGO_NAMESPACE = 'http://delivergo.net/portal/api';
export const RESALE_UNIT_ELEMENT = 'ResaleUnit';

const TRANSLATION: XmlSchema = xs.object({ LanguageToken: xs.string, Name: xs.string, Description: xs.string });

export const RESALE_UNIT_SCHEMA: XmlSchema = xs.object({
  Id: xs.number,
  Guid: xs.string,
  guid: xs.string,
  CurrencyToken: xs.string,
  Creator: xs.string,
  Created: xs.string,
  Modifier: xs.string,
  Modified: xs.string,
  Active: xs.boolean,
  ResaleUnitTranslation: xs.list('ResaleUnitTranslation', TRANSLATION),
});

export interface WireBody {
  body: string;
  contentType: string;
}

export function mediaType(format: DelivergoFormat): string {
  return format === 'xml' ? 'application/xml' : 'application/json';
}

export function encodeUnit(unit: object, format: DelivergoFormat): WireBody {
  if (format === 'xml') {
    return { body: toXml(RESALE_UNIT_ELEMENT, unit, RESALE_UNIT_SCHEMA, { namespace: DELIVERGO_NAMESPACE }), contentType: 'application/xml; charset=utf-8' };
  }
  return { body: escapeMsDatesInJson(JSON.stringify(unit)), contentType: 'application/json; charset=utf-8' };
}

/** The caller's shape: "Guid" (also from "guid"), ISO dates. */
export function normalizeUnit(raw: unknown): ResaleUnit {
  if (!isPlainObject(raw)) return raw as ResaleUnit;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const name = key === 'guid' ? 'Guid' : key;
    if (name === 'Guid' && out.Guid !== undefined && key === 'guid') continue;
    out[name] = name === 'Created' || name === 'Modified' ? normalizeDate(value) : value;
  }
  return out as ResaleUnit;
}

/** Which format an answer is in: its Content-Type, else its first character. */
export function answerFormat(contentType: string | undefined, text: string, fallback: DelivergoFormat): DelivergoFormat {
  if (contentType && /json/i.test(contentType)) return 'json';
  if (contentType && /xml/i.test(contentType)) return 'xml';
  const first = text.trimStart()[0];
  if (first === '<') return 'xml';
  if (first === '{' || first === '[') return 'json';
  return fallback;
}

/**
 * An answer body as plain data, before its shape is checked: JSON parsed as
 * it is; XML mapped by the Resale Unit schema (a `<ResaleUnit>` root is one
 * unit, a root of `<ResaleUnit>` children such as `<ArrayOfResaleUnit>` a
 * list, a root holding only text such as WCF's `<boolean>true</boolean>` or
 * `<int>5</int>` that value). Undefined for an empty body. Throws (XmlError,
 * SyntaxError) when the body cannot be read at all.
 */
export function readAnswer(text: string, format: DelivergoFormat): unknown {
  if (text.trim() === '') return undefined;
  if (format === 'json') return JSON.parse(text) as unknown;
  const doc = parseXml(text);
  if (doc.root === RESALE_UNIT_ELEMENT) return fromXml(doc.content, RESALE_UNIT_SCHEMA);
  if (typeof doc.content === 'string') return scalar(doc.content);
  const children = isPlainObject(doc.content) ? Object.keys(doc.content).filter((k) => !k.startsWith('@_') && k !== '#text') : [];
  const others = children.filter((k) => k !== RESALE_UNIT_ELEMENT);
  if (others.length > 0) throw new XmlError(`<${doc.root}> holds <${others.slice(0, 3).join('>, <')}>, not <${RESALE_UNIT_ELEMENT}> elements`);
  return fromXml(doc.content, xs.list(RESALE_UNIT_ELEMENT, RESALE_UNIT_SCHEMA));
}

/** A root with text only: an empty list element, a boolean or a number; other text stays text. */
function scalar(text: string): unknown {
  const t = text.trim();
  if (t === '') return [];
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d{1,15}$/.test(t)) return Number(t);
  return t;
}
