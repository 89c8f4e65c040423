/** The callback node's public URL, shared with the nodes that hand it to a provider. */
import { Node } from '../runtime/red';

export const CALLBACK_PREFIX = '/fulfillment/callback';

/** Without a public URL on the node: this Node-RED's own port on this machine (enough for the sandbox). */
export function defaultPublicUrl(uiPort: unknown): string {
  const port = Number(uiPort);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 ? port : 1880}`;
}

/** What other nodes (the uploader session) may ask of a deployed callback node. */
export interface CallbackNode extends Node {
  /** The full URL to give the provider (secret included), or undefined without a secret or path. */
  callbackUrl(): string | undefined;
}

export function callbackUrlOf(publicUrl: string, httpNodeRoot: unknown, path: string, secret: string): string {
  const root = typeof httpNodeRoot === 'string' ? httpNodeRoot.replace(/\/+$/, '') : '';
  return `${publicUrl.replace(/\/+$/, '')}${root.startsWith('/') || root === '' ? root : `/${root}`}${CALLBACK_PREFIX}/${path}/${encodeURIComponent(secret)}`;
}

