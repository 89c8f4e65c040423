/**
 * Resale Units on the wire, JSON or XML, to and from the one object shape
 * callers use. The XML shape follows the seed: namespace
 * http://delivergo.net/portal/api, elements in the seed's order, translations
 * nested `<ResaleUnitTranslation><ResaleUnitTranslation>`, nil for empty.
 */
import { escapeMsDatesInJson, normalizeDate } from '../../core/msdate';
import { fromXml, parseXml, toXml, xs, XmlSchema } from '../../core/xml';
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

const LIST_KEYS = ['result', 'ResaleUnits', 'ResaleUnit', 'd', 'items', 'data'];

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
 * An answer as a list of units, parsed tolerantly: a bare array, a wrapper
 * object (`result`, `ResaleUnits`, `d`, ...), one unit, or in XML a
 * `<ResaleUnit>` root or any root holding `<ResaleUnit>` children.
 * Returns undefined for an empty answer.
 */
export function decodeUnits(text: string, format: DelivergoFormat): { units: ResaleUnit[]; single: boolean; scalar?: unknown } | undefined {
  if (text.trim() === '') return undefined;
  if (format === 'xml') {
    const doc = parseXml(text);
    if (doc.root === RESALE_UNIT_ELEMENT) return { units: [normalizeUnit(fromXml(doc.content, RESALE_UNIT_SCHEMA))], single: true };
    if (typeof doc.content === 'string') return doc.content === '' ? { units: [], single: false } : { units: [], single: true, scalar: doc.content };
    const list = fromXml(doc.content, xs.list(RESALE_UNIT_ELEMENT, RESALE_UNIT_SCHEMA)) as unknown[];
    return { units: list.map(normalizeUnit), single: false };
  }
  return fromJson(JSON.parse(text) as unknown, 0);
}

function fromJson(data: unknown, depth: number): { units: ResaleUnit[]; single: boolean; scalar?: unknown } {
  if (Array.isArray(data)) return { units: data.map(normalizeUnit), single: false };
  if (isPlainObject(data)) {
    if (depth < 2 && !looksLikeUnit(data)) {
      for (const key of LIST_KEYS) {
        const inner = data[key];
        if (Array.isArray(inner) || isPlainObject(inner)) return fromJson(inner, depth + 1);
      }
    }
    return { units: [normalizeUnit(data)], single: true };
  }
  return { units: [], single: true, scalar: data };
}

function looksLikeUnit(o: Record<string, unknown>): boolean {
  return 'Id' in o || 'ResaleUnitTranslation' in o || 'Active' in o || 'Guid' in o || 'guid' in o;
}
