/** Filtering, facets and paging of the sidebar's lists (done here, so the editor gets one page at a time). */
import { CallbackRow, CallRow, Facets, InFlightRow, ListPage, ListQuery } from './types';

export const MAX_PAGE = 500;

interface Access<R> {
  provider(r: R): string | undefined;
  node(r: R): string;
  nodeName(r: R): string | undefined;
  /** The state words a facet lists. */
  state(r: R): string | undefined;
  /** Whether the row matches a state filter (its own word, or a group such as @attention). */
  inState(r: R, state: string): boolean;
  /** The ids a search looks in. */
  ids(r: R): Array<string | undefined>;
}

export const inflightAccess: Access<InFlightRow> = {
  provider: (r) => r.provider,
  node: (r) => r.node,
  nodeName: (r) => r.nodeName,
  state: (r) => r.state || undefined,
  inState: (r, s) => (s === '@attention' ? !!r.attention : s === '@watching' ? !r.attention : r.state === s),
  ids: (r) => [r.id],
};

export const callAccess: Access<CallRow> = {
  provider: (r) => r.provider,
  node: (r) => r.node,
  nodeName: (r) => r.nodeName,
  state: (r) => r.state,
  inState: (r, s) => r.state === s,
  ids: (r) => [r.providerId, r.reference, r.idempotencyKey],
};

export const callbackAccess: Access<CallbackRow> = {
  provider: (r) => r.provider,
  node: (r) => r.node,
  nodeName: (r) => r.nodeName,
  state: (r) => r.status,
  inState: (r, s) => r.type === s || r.status === s,
  ids: (r) => [r.id],
};

/** In flight: attention first (newest first), then the longest waiting. */
export function sortInflight(rows: InFlightRow[]): InFlightRow[] {
  return rows.sort((a, b) => {
    if (!!a.attention !== !!b.attention) return a.attention ? -1 : 1;
    if (a.attention && b.attention) return b.attention.at - a.attention.at;
    return a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

export function sortNewestFirst<R extends { at: number; lastAt?: number }>(rows: R[]): R[] {
  return rows.sort((a, b) => (b.lastAt ?? b.at) - (a.lastAt ?? a.at));
}

export function facetsOf<R>(rows: readonly R[], a: Access<R>): Facets {
  const providers = new Set<string>();
  const states = new Set<string>();
  const nodes = new Map<string, string | undefined>();
  for (const r of rows) {
    const p = a.provider(r);
    if (p) providers.add(p);
    const s = a.state(r);
    if (s) states.add(s);
    const n = a.node(r);
    if (!nodes.has(n)) nodes.set(n, a.nodeName(r));
  }
  return {
    providers: [...providers].sort(),
    states: [...states].sort(),
    nodes: [...nodes].map(([id, name]) => (name ? { id, name } : { id })),
  };
}

export function matches<R>(r: R, q: ListQuery, a: Access<R>): boolean {
  if (q.provider && a.provider(r) !== q.provider) return false;
  if (q.node && a.node(r) !== q.node) return false;
  if (q.state && !a.inState(r, q.state)) return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    if (!a.ids(r).some((id) => id !== undefined && id.toLowerCase().includes(needle))) return false;
  }
  return true;
}

export function page<R>(version: number, rows: readonly R[], facets: Facets, q: ListQuery, a: Access<R>): ListPage<R> {
  const filtered = q.provider || q.node || q.state || q.q ? rows.filter((r) => matches(r, q, a)) : rows;
  const offset = Math.max(0, Math.min(q.offset, filtered.length));
  return { version, total: filtered.length, offset, rows: filtered.slice(offset, offset + q.limit), facets };
}

/** Reads a list query from an HTTP query string; anything odd falls back to the defaults. */
export function parseQuery(raw: Record<string, unknown>): ListQuery {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : undefined);
  const int = (v: unknown, d: number): number => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : d;
  };
  return { offset: int(raw.offset, 0), limit: Math.min(int(raw.limit, 100), MAX_PAGE), provider: str(raw.provider), state: str(raw.state), node: str(raw.node), q: str(raw.q) };
}
