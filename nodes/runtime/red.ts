/**
 * The small part of Node-RED's runtime API the nodes use, typed here so the
 * package does not depend on community typings of the whole runtime.
 */
import type { IncomingMessage, ServerResponse } from 'http';

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFn = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null> | null) => void;
export type DoneFn = (err?: Error) => void;

export interface ContextStore {
  get(key: string, store: string | undefined, cb: (err: Error | null, value: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, cb: (err: Error | null) => void): void;
  keys(store: string | undefined, cb: (err: Error | null, keys: string[]) => void): void;
}

export interface NodeContext extends ContextStore {
  flow: ContextStore;
  global: ContextStore;
}

export interface Node {
  id: string;
  type: string;
  name?: string;
  z?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', cb: (msg: NodeMessage, send: SendFn, done: DoneFn) => void): void;
  on(event: 'close', cb: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | Array<NodeMessage | null> | null): void;
  status(status: NodeStatus | Record<string, never>): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
  context(): NodeContext;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export interface HttpRequest extends IncomingMessage {
  body?: unknown;
  params: Record<string, string>;
  query: Record<string, unknown>;
}

export interface HttpResponse extends ServerResponse {
  status(code: number): HttpResponse;
  json(body: unknown): void;
  send(body?: unknown): void;
}

export type Handler = (req: HttpRequest, res: HttpResponse, next?: (err?: unknown) => void) => void;

export interface HttpRouter {
  get(path: string, ...handlers: Handler[]): void;
  post(path: string, ...handlers: Handler[]): void;
  _router?: { stack: Array<{ route?: { path?: string } }> };
  router?: { stack: Array<{ route?: { path?: string } }> };
}

export interface NodeAPI {
  nodes: {
    createNode(node: Node, def: NodeDef): void;
    registerType(type: string, ctor: (this: Node, def: NodeDef) => void, opts?: { credentials?: Record<string, { type: 'text' | 'password' }>; settings?: Record<string, { value: unknown; exportable?: boolean }> }): void;
    getNode(id: string): unknown;
  };
  util: {
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage | undefined, cb: (err: Error | null, result: unknown) => void): void;
    cloneMessage<T>(msg: T): T;
  };
  httpNode: HttpRouter;
  httpAdmin: HttpRouter;
  auth: { needsPermission(permission: string): Handler };
  /** The editor's comms channel (absent in some test runtimes). */
  comms?: { publish(topic: string, data: unknown, retain?: boolean): void };
  plugins?: { registerPlugin(id: string, definition: Record<string, unknown>): void };
  settings: Record<string, unknown> & { httpNodeRoot?: string };
  log: { info(m: string): void; warn(m: string): void; error(m: string): void; debug(m: string): void };
  _(key: string, subs?: Record<string, unknown>): string;
}
