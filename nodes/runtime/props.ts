/** Reading typedInput properties (msg / flow / global / env / str / num / json). */
import { NodeAPI, Node, NodeDef, NodeMessage, ContextStore } from './red';

export function evaluate(RED: NodeAPI, node: Node, msg: NodeMessage | undefined, value: unknown, type: unknown): Promise<unknown> {
  const t = typeof type === 'string' && type !== '' ? type : 'str';
  if (t === 'str' && (value === undefined || value === '')) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, t, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export function contextGet(store: ContextStore, key: string, storeName?: string): Promise<unknown> {
  return new Promise((resolve, reject) => store.get(key, storeName, (err, v) => (err ? reject(err) : resolve(v))));
}

export function contextSet(store: ContextStore, key: string, value: unknown, storeName?: string): Promise<void> {
  return new Promise((resolve, reject) => store.set(key, value, storeName, (err) => (err ? reject(err) : resolve())));
}

export function numberProp(value: unknown, fallback: number, min: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n)) return fallback;
  return Math.max(min, n);
}

/**
 * A numeric node setting. Flows imported from a file or the admin API skip the
 * editor's checks, so a value that is not a number (or below the minimum) is
 * named in a warning instead of being replaced silently.
 */
export function numberSetting(node: Node, def: NodeDef, key: string, fallback: number, min: number, fallbackLabel = String(fallback)): number {
  const raw = def[key];
  const value = numberProp(raw, fallback, min);
  if (raw !== undefined && raw !== null && raw !== '') {
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isFinite(n)) node.warn(`${key}: "${String(raw).slice(0, 40)}" is not a number; using ${fallbackLabel}`);
    else if (n < min) node.warn(`${key}: ${n} is below the minimum ${min}; using ${min}`);
  }
  return value;
}
