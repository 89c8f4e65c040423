/** Checks a Resale Unit before anything is sent; each error names the field. */
import { invalidInput } from '../../core/errors';
import { isLanguageCode, isPlainObject } from '../../core/validate';
import { ResaleUnitAdd, ResaleUnitDelete, ResaleUnitTranslation, ResaleUnitUpdate } from './types';

const SENDABLE = new Set(['Id', 'Guid', 'CurrencyToken', 'Active', 'ResaleUnitTranslation']);
/** Returned by the provider: accepted in input (a listed unit fed back), never sent. */
const RETURNED = new Set(['Created', 'Creator', 'Modified', 'Modifier']);
const TRANSLATION_FIELDS = new Set(['LanguageToken', 'Name', 'Description']);

function unitOf(input: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(input)) throw invalidInput(field, 'expected a Resale Unit object, e.g. {"Active": true, "ResaleUnitTranslation": [{"LanguageToken": "EN", "Name": "Shop"}]}');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    // The documented JSON says "Guid", the field table "guid".
    const name = key === 'guid' ? 'Guid' : key;
    if (RETURNED.has(name)) continue;
    if (!SENDABLE.has(name)) throw invalidInput(`${field}.${key}`, `is not a Resale Unit field; known fields: ${[...SENDABLE].join(', ')} (and the returned ${[...RETURNED].join(', ')})`);
    out[name] = value;
  }
  return out;
}

function checkId(unit: Record<string, unknown>, field: string, required: boolean): void {
  let id = unit.Id;
  if (id === undefined || id === null) {
    if (required) throw invalidInput(`${field}.Id`, 'is required to identify the Resale Unit');
    delete unit.Id;
    return;
  }
  if (typeof id === 'string' && /^\d{1,15}$/.test(id)) id = Number(id);
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw invalidInput(`${field}.Id`, 'must be a positive whole number');
  unit.Id = id;
}

function checkCommon(unit: Record<string, unknown>, field: string): void {
  const currency = unit.CurrencyToken;
  if (currency !== undefined && currency !== null && (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency))) {
    throw invalidInput(`${field}.CurrencyToken`, 'must be a three letter ISO 4217 currency code such as EUR');
  }
  if (unit.Guid !== undefined && unit.Guid !== null && (typeof unit.Guid !== 'string' || unit.Guid.trim() === '')) {
    throw invalidInput(`${field}.Guid`, 'must be a GUID string');
  }
  if (unit.Active !== undefined && typeof unit.Active !== 'boolean') throw invalidInput(`${field}.Active`, 'must be true or false');
}

function checkTranslations(unit: Record<string, unknown>, field: string, required: boolean): void {
  const list = unit.ResaleUnitTranslation;
  if (list === undefined && !required) return;
  const f = `${field}.ResaleUnitTranslation`;
  if (!Array.isArray(list) || list.length === 0) throw invalidInput(f, 'needs at least one translation {LanguageToken, Name, Description}');
  unit.ResaleUnitTranslation = list.map((t: unknown, i): ResaleUnitTranslation => {
    const tf = `${f}[${i}]`;
    if (!isPlainObject(t)) throw invalidInput(tf, 'must be an object {LanguageToken, Name, Description}');
    for (const key of Object.keys(t)) if (!TRANSLATION_FIELDS.has(key)) throw invalidInput(`${tf}.${key}`, 'is not a translation field (LanguageToken, Name, Description)');
    if (!isLanguageCode(t.LanguageToken)) throw invalidInput(`${tf}.LanguageToken`, 'must be a two letter ISO 639-1 language code such as DE or EN');
    if (typeof t.Name !== 'string' || t.Name.trim() === '') throw invalidInput(`${tf}.Name`, 'is required');
    if (t.Description !== undefined && t.Description !== null && typeof t.Description !== 'string') throw invalidInput(`${tf}.Description`, 'must be a string');
    const out: ResaleUnitTranslation = { LanguageToken: t.LanguageToken, Name: t.Name };
    if (t.Description !== undefined) out.Description = t.Description as string | null;
    return out;
  });
}

export function checkAdd(input: unknown, field = 'msg.payload'): ResaleUnitAdd {
  const unit = unitOf(input, field);
  if (unit.Id !== undefined && unit.Id !== null) throw invalidInput(`${field}.Id`, 'is given by delivergo when a Resale Unit is added; use the update operation for an existing one');
  delete unit.Id;
  if (typeof unit.Active !== 'boolean') throw invalidInput(`${field}.Active`, 'is required: true or false');
  checkCommon(unit, field);
  checkTranslations(unit, field, true);
  return unit as unknown as ResaleUnitAdd;
}

export function checkUpdate(input: unknown, field = 'msg.payload'): ResaleUnitUpdate {
  const unit = unitOf(input, field);
  checkId(unit, field, true);
  checkCommon(unit, field);
  checkTranslations(unit, field, false);
  return unit as unknown as ResaleUnitUpdate;
}

/** Accepts the unit or its Id; only the Id is sent. */
export function checkDelete(input: unknown, field = 'msg.payload'): ResaleUnitDelete {
  const unit = typeof input === 'number' || typeof input === 'string' ? { Id: input } : isPlainObject(input) ? { Id: input.Id } : input;
  if (!isPlainObject(unit)) throw invalidInput(field, 'expected the Resale Unit (or its Id) to delete');
  const out: Record<string, unknown> = { Id: unit.Id };
  checkId(out, field, true);
  return out as unknown as ResaleUnitDelete;
}
