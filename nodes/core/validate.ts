/** Small input checks shared by the providers; each names the field it rejects. */
import { invalidInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Accepts a uuid, an array of them or `{[key]: [...]}`, returns them checked and de-duplicated. */
export function uuidList(input: unknown, field: string, key = 'uuids'): string[] {
  let list: unknown = input;
  if (input && typeof input === 'object' && !Array.isArray(input)) list = (input as Record<string, unknown>)[key];
  if (typeof list === 'string') list = [list];
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidInput(field, `expected a uuid, an array of uuids or {${key}: [...]}`);
  }
  const bad = list.filter((u) => !isUuid(u));
  if (bad.length > 0) {
    throw invalidInput(field, `not a valid uuid: ${bad.slice(0, 5).map(preview).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}`);
  }
  return [...new Set(list as string[])];
}

/** A bounded, printable rendering of a rejected value for an error message. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** ISO 639-1: two lowercase letters. The provider, not us, decides which ones it serves. */
export function isLanguageCode(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z]{2}$/i.test(value);
}

export function requireString(obj: Record<string, unknown>, key: string, field = key): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') throw invalidInput(field, 'is required and must be a non-empty string');
  return v;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Rejects payloads that carry prototype-pollution keys anywhere in them. */
export function assertNoPollution(value: unknown, field: string, depth = 0): void {
  if (depth > 50 || value === null || typeof value !== 'object') return;
  if (Buffer.isBuffer(value)) return;
  for (const key of Object.keys(value as object)) {
    if (FORBIDDEN_KEYS.has(key)) throw invalidInput(field, `must not contain the key "${key}"`);
    assertNoPollution((value as Record<string, unknown>)[key], `${field}.${key}`, depth + 1);
  }
}
