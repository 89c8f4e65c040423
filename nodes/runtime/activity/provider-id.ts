/**
 * The provider's id of what a call created or an event is about, read from
 * the named fields a capability returns (msg.jobs, msg.order_hash,
 * msg.order.id, msg.jobId, msg.shipmentId…), without knowing the provider:
 * an `id` first, then fields named like ids, then objects that carry an id,
 * then lists of ids.
 */
const ID_NAME = /(^id$|_id$|Id$|_hash$|^hash$)/;

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v.slice(0, 200);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function providerIdOf(fields: unknown): string | undefined {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return scalar(fields);
  const entries = Object.entries(fields as Record<string, unknown>);
  const direct = scalar((fields as Record<string, unknown>).id);
  if (direct) return direct;
  for (const [k, v] of entries) {
    const s = ID_NAME.test(k) ? scalar(v) : undefined;
    if (s) return s;
  }
  for (const [, v] of entries) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const s = scalar((v as Record<string, unknown>).id);
      if (s) return s;
    }
  }
  for (const [, v] of entries) {
    if (Array.isArray(v) && v.length > 0 && v.every((x) => scalar(x) !== undefined)) return v.map(scalar).join(' ').slice(0, 500);
  }
  return undefined;
}

/** A `reference` the answer echoes (the caller's own order reference), at the top or one level down. */
export function referenceOf(fields: unknown): string | undefined {
  if (!fields || typeof fields !== 'object') return undefined;
  const f = fields as Record<string, unknown>;
  const top = scalar(f.reference);
  if (top) return top;
  for (const v of Object.values(f)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const s = scalar((v as Record<string, unknown>).reference);
      if (s) return s;
    }
  }
  return undefined;
}
