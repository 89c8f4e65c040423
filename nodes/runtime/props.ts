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

/** Where an action node's request comes from: its `source` typedInput, msg.payload unless set otherwise. */
export function requestOf(RED: NodeAPI, node: Node, def: NodeDef, msg: NodeMessage): Promise<unknown> {
  const type = typeof def.sourceType === 'string' && def.sourceType !== '' ? def.sourceType : 'msg';
  const value = typeof def.source === 'string' && def.source.trim() !== '' ? def.source.trim() : 'payload';
  if (type === 'msg' && value === 'payload') return Promise.resolve(msg.payload);
  return evaluate(RED, node, msg, value, type);
}

/**
 * Puts the node's request in msg.payload, where the node reads it: nothing
 * to do for the default source, msg.payload. The answer replaces it anyway;
 * on an error the Catch node sees the request that was used.
 */
export async function loadRequest(RED: NodeAPI, node: Node, def: NodeDef, msg: NodeMessage): Promise<void> {
  msg.payload = await requestOf(RED, node, def, msg);
}

/**
 * A numeric node setting, a number or (typedInput `env`) the name of an
 * environment variable holding one, read once at deploy. Flows imported from
 * a file or the admin API skip the editor's checks, so a value that is not a
 * number (or below the minimum) is named in a warning instead of being
 * replaced silently.
 */
export function numberSetting(RED: NodeAPI, node: Node, def: NodeDef, key: string, fallback: number, min: number, fallbackLabel = String(fallback)): number {
  let raw = def[key];
  let from = key;
  if (def[`${key}Type`] === 'env') {
    const name = typeof raw === 'string' ? raw.trim() : '';
    raw = undefined;
    if (name !== '') {
      // env is read synchronously: the callback runs before evaluateNodeProperty returns.
      RED.util.evaluateNodeProperty(name, 'env', node, undefined, (err, v) => {
        if (!err) raw = v;
      });
    }
    from = `${key} (environment variable ${name || 'not named'})`;
    if (raw === undefined || raw === null || raw === '') {
      node.warn(`${from}: not set; using ${fallbackLabel}`);
      return fallback;
    }
  }
  const value = numberProp(raw, fallback, min);
  if (raw !== undefined && raw !== null && raw !== '') {
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isFinite(n)) node.warn(`${from}: "${String(raw).slice(0, 40)}" is not a number; using ${fallbackLabel}`);
    else if (n < min) node.warn(`${from}: ${n} is below the minimum ${min}; using ${min}`);
  }
  return value;
}
