/** Message copies that are safe to keep in context (JSON only, small, no req/res). */
import { NodeMessage } from './red';

const DROP = new Set(['payload', 'req', 'res', 'error', '_error']);
const MAX_META_BYTES = 16 * 1024;

export function persistableMeta(msg: NodeMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(msg)) {
    if (DROP.has(k) || k === '__proto__') continue;
    try {
      const json = JSON.stringify(v);
      if (json !== undefined && json.length < MAX_META_BYTES) out[k] = JSON.parse(json);
    } catch {
      // Not serialisable (a stream, a socket): not worth keeping across a restart.
    }
  }
  return out;
}
