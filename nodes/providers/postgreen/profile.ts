/**
 * Parsing the authenticate profile (services, boxes, channels) and the option
 * catalogue. Tolerant: lists may come bare or wrapped in `result`, ids as
 * numbers or strings, channels under the service or under its boxes.
 */
import {
  PostgreenBox,
  PostgreenId,
  PostgreenBoxRaw,
  PostgreenChannel,
  PostgreenChannelRaw,
  PostgreenOption,
  PostgreenOptionCatalogue,
  PostgreenOptionType,
  PostgreenProfile,
  PostgreenService,
  PostgreenServiceRaw,
} from './types';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

export function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** An id as it came (string or number), or undefined. */
export function idValue(v: unknown): PostgreenId | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/** Ids compare by their text: 77002 and "77002" are the same option. */
export function sameId(a: unknown, b: unknown): boolean {
  const x = idString(a);
  return x !== undefined && x === idString(b);
}

/** `x`, `{result: x}` or `{result: {result: x}}` -> x. */
export function unwrap(data: unknown): unknown {
  let d = data;
  for (let i = 0; i < 2 && isObj(d) && 'result' in d; i++) d = d.result;
  return d;
}

function asList<T = unknown>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v === undefined || v === null) return [];
  return [v as T];
}

function servicesOf(body: unknown): PostgreenServiceRaw[] {
  const candidates: unknown[] = [body, isObj(body) ? body.result : undefined, isObj(body) ? body.profile : undefined, isObj(body) ? body.user : undefined];
  if (isObj(body) && isObj(body.result)) candidates.push(body.result.profile, body.result.user);
  for (const c of candidates) {
    if (isObj(c) && Array.isArray(c.services)) return c.services as PostgreenServiceRaw[];
  }
  return [];
}

function parseChannel(raw: PostgreenChannelRaw): PostgreenChannel | undefined {
  const label = idString(raw.label);
  if (!label) return undefined;
  const cfg = raw.outputFilesConfig;
  let outputFiles: string[] = [];
  if (Array.isArray(cfg)) outputFiles = cfg.map((c) => (typeof c === 'string' ? c : idString((c as Obj).name) ?? idString((c as Obj).outputFileName))).filter((x): x is string => !!x);
  else if (isObj(cfg)) outputFiles = Object.keys(cfg);
  return { label, name: idString(raw.name), outputFiles };
}

function parseBox(raw: PostgreenBoxRaw): PostgreenBox | undefined {
  const id = idString(raw.id) ?? idString(raw.boxId) ?? idString(raw.name);
  if (!id) return undefined;
  const type = idString(raw['@type']) ?? '';
  // The guide names the list "configuredFiles", "coniguredFiles" and "preconfiguredFiles"; a file's id is its serviceFileId.
  const serviceFileIds = asList<Obj>(raw.configuredFiles ?? raw.preconfiguredFiles ?? raw.coniguredFiles)
    .map((f) => (isObj(f) ? idString(f.serviceFileId) ?? idString(f.id) : idString(f)))
    .filter((x): x is string => !!x);
  return { id, name: idString(raw.name) ?? id, type, main: /main/i.test(type), serviceFileIds };
}

export function parseService(raw: PostgreenServiceRaw): PostgreenService | undefined {
  const id = idValue(raw.id) ?? idValue(raw.serviceId);
  if (!id) return undefined;
  const props = isObj(raw.properties) ? raw.properties : {};
  const boxesRaw = asList<PostgreenBoxRaw>(props.boxes ?? raw.boxes).filter(isObj);
  const channelsRaw: PostgreenChannelRaw[] = [...asList<PostgreenChannelRaw>(props.channels ?? raw.channels)];
  for (const b of boxesRaw) channelsRaw.push(...asList<PostgreenChannelRaw>(b.channels));
  const boxes = boxesRaw.map(parseBox).filter((b): b is PostgreenBox => !!b);
  const channels: PostgreenChannel[] = [];
  for (const c of channelsRaw.filter(isObj).map(parseChannel)) {
    if (c && !channels.some((x) => x.label === c.label)) channels.push(c);
  }
  return { id, name: idString(raw.name) ?? String(id), boxes, channels };
}

export function parseProfile(body: unknown): PostgreenProfile {
  return { services: servicesOf(body).filter(isObj).map(parseService).filter((s): s is PostgreenService => !!s) };
}

/** Where the body may carry the token: the guide names only the X-Auth-Token header it is sent back in. */
const TOKEN_KEYS = ['token', 'X-Auth-Token', 'authToken', 'accessToken', 'xAuthToken'];

/** The token from the body (one of TOKEN_KEYS, at the top or under `result`); the header is looked at first by the caller. */
export function tokenFromBody(body: unknown): string | undefined {
  if (!isObj(body)) return undefined;
  for (const place of [body, body.result]) {
    if (!isObj(place)) continue;
    for (const key of TOKEN_KEYS) {
      const token = idString(place[key]);
      if (token) return token;
    }
  }
  return typeof body.result === 'string' && /^[\w.~+/=-]{8,4096}$/.test(body.result) ? body.result : undefined;
}

export function parseOptionTypes(body: unknown): PostgreenOptionType[] {
  const list = unwrap(body);
  const out: PostgreenOptionType[] = [];
  for (const t of asList<Obj>(list)) {
    if (!isObj(t)) continue;
    const id = idValue(t.id);
    const name = idString(t.name);
    if (id && name) out.push({ ...t, id, name });
  }
  return out;
}

/**
 * Options come either as an array of `{id, value, optionType}` entries, or
 * (as the guide describes: "the object named with the print_mode id") as an
 * object keyed by option type id whose values are the option lists.
 */
export function parseOptions(body: unknown): PostgreenOption[] {
  const data = unwrap(body);
  const out: PostgreenOption[] = [];
  const add = (o: unknown, typeFallback?: string): void => {
    if (!isObj(o)) return;
    const id = idValue(o.id);
    const value = idString(o.value) ?? idString(o.name);
    const typeRaw = o.optionType ?? o.type ?? o.typeId ?? o.optionTypeId;
    const typeId = idValue(isObj(typeRaw) ? typeRaw.id : typeRaw) ?? typeFallback;
    if (id && value && typeId) out.push({ ...o, id, value, typeId });
  };
  if (Array.isArray(data)) {
    for (const entry of data) {
      // An array of `{<typeId>: [...]}` objects is the keyed form split up.
      if (isObj(entry) && !('id' in entry)) for (const [k, v] of Object.entries(entry)) asList(v).forEach((o) => add(o, k));
      else add(entry);
    }
  } else if (isObj(data)) {
    for (const [typeId, list] of Object.entries(data)) asList(list).forEach((o) => add(o, typeId));
  }
  return out;
}

/** Whether an option belongs to a type: by the type's id ("the object named with the print_mode id"), or by its name. */
function ofType(o: PostgreenOption, t: PostgreenOptionType): boolean {
  return sameId(o.typeId, t.id) || (typeof o.typeId === 'string' && o.typeId === t.name);
}

/** Name -> id lookups over the catalogue; values and ids are both accepted. */
export class OptionLookup {
  constructor(readonly catalogue: PostgreenOptionCatalogue) {}

  type(nameOrId: string): PostgreenOptionType | undefined {
    const t = this.catalogue.types;
    return t.find((x) => x.name === nameOrId) ?? t.find((x) => sameId(x.id, nameOrId)) ?? t.find((x) => x.name.toLowerCase() === nameOrId.toLowerCase());
  }

  valuesOf(typeId: PostgreenId): PostgreenOption[] {
    const type = this.catalogue.types.find((t) => sameId(t.id, typeId));
    return this.catalogue.options.filter((o) => (type ? ofType(o, type) : sameId(o.typeId, typeId)));
  }

  /** The option id of `print_mode` = `2SIDE` (as the platform sent it), or undefined. */
  optionId(typeName: string, value: string): PostgreenId | undefined {
    const type = this.type(typeName);
    if (!type) return undefined;
    const values = this.valuesOf(type.id);
    return (values.find((o) => o.value === value) ?? values.find((o) => sameId(o.id, value)) ?? values.find((o) => o.value.toLowerCase() === value.toLowerCase()))?.id;
  }

  option(id: PostgreenId): PostgreenOption | undefined {
    return this.catalogue.options.find((o) => sameId(o.id, id));
  }
}

/** The catalogue as a flow reads it: types, options, and `optionsByName.print_mode.values["2SIDE"]` -> id. */
export function catalogueView(c: PostgreenOptionCatalogue): {
  optionTypes: PostgreenOptionType[];
  options: PostgreenOption[];
  optionsByName: Record<string, { typeId: PostgreenId; values: Record<string, PostgreenId> }>;
} {
  const optionsByName: Record<string, { typeId: PostgreenId; values: Record<string, PostgreenId> }> = {};
  const unsafe = new Set(['__proto__', 'constructor', 'prototype']);
  for (const t of c.types) {
    if (unsafe.has(t.name)) continue;
    const values: Record<string, PostgreenId> = {};
    for (const o of c.options) if (ofType(o, t) && !unsafe.has(o.value)) values[o.value] = o.id;
    optionsByName[t.name] = { typeId: t.id, values };
  }
  return { optionTypes: c.types, options: c.options, optionsByName };
}
