/** Reading typedInput properties (msg / flow / global / env / str / num / json). */
import { NodeAPI, Node, NodeMessage, ContextStore } from './red';

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
  const n = typeof value === 'number' ? value : parseFloat(String(value ?? ''));
  if (!Number.isFinite(n)) return fallback;
  return Math.max(min, n);
}
