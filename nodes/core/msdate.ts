/**
 * The Microsoft JSON date `\/Date(1299686597893+0100)\/` <-> ISO 8601.
 *
 * The number is milliseconds since 1970-01-01 UTC (negative before); the
 * optional `+hhmm` / `-hhmm` is the zone the value was local to. Reading keeps
 * that zone as an ISO offset (`2011-03-09T17:03:17.893+01:00`), so the same
 * instant reads the same from JSON and from an XML `xs:dateTime` with offset;
 * without a zone the ISO string is UTC (`...Z`). Writing turns an ISO offset
 * back into the `+hhmm` suffix (`Z` writes none). An ISO string without any
 * zone is taken as UTC when written.
 */
const MS_DATE = /^\\?\/Date\((-?\d{1,15})([+-]\d{4})?\)\\?\/$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function isMsDate(value: unknown): value is string {
  return typeof value === 'string' && MS_DATE.test(value);
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** `+0100` -> minutes east of UTC (60). */
function offsetMinutes(zone: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) throw new RangeError(`bad zone ${zone}`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 23 || Number(m[3]) > 59) throw new RangeError(`bad zone ${zone}`);
  return m[1] === '-' ? -minutes : minutes;
}

/** `/Date(ms+zone)/` (with or without the JSON backslashes) -> ISO 8601; undefined when it is not one. */
export function msDateToIso(value: string): string | undefined {
  const m = MS_DATE.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]);
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15) return undefined;
  if (!m[2]) return new Date(ms).toISOString();
  let offset: number;
  try {
    offset = offsetMinutes(m[2]);
  } catch {
    return undefined;
  }
  const local = new Date(ms + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const iso = local.toISOString().slice(0, -1);
  return `${iso}${sign}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** ISO 8601 -> `/Date(ms+zone)/` (unescaped; JSON writers add the backslashes). Undefined when not ISO. */
export function isoToMsDate(value: string): string | undefined {
  const m = ISO.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(m[8] ? value : `${value}Z`);
  if (!Number.isFinite(ms)) return undefined;
  const zone = m[8];
  if (!zone || zone === 'Z') return `/Date(${ms})/`;
  const offset = offsetMinutes(zone);
  const sign = offset < 0 ? '-' : '+';
  return `/Date(${ms}${sign}${pad(Math.trunc(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)})/`;
}

export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO.test(value) && Number.isFinite(Date.parse(ISO.exec(value)?.[8] ? value : `${value}Z`));
}

/**
 * Either form -> ISO 8601: `/Date(..)/` converted, an ISO string passed on as
 * given (an XML date without zone stays without zone), anything else unchanged.
 */
export function normalizeDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return msDateToIso(value) ?? value;
}

/**
 * `/Date(..)/` strings written by JSON.stringify as `"/Date(..)/"` get the
 * backslashes WCF needs to recognise them: `"\/Date(..)\/"`.
 */
export function escapeMsDatesInJson(json: string): string {
  return json.replace(/"\/Date\((-?\d{1,15}(?:[+-]\d{4})?)\)\/"/g, '"\\/Date($1)\\/"');
}
