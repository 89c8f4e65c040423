/**
 * Drives real flows in a real Node-RED runtime (node-red-node-test-helper)
 * against the sandbox on loopback. Every suite that uses it also gets the
 * crash guard: an unhandled rejection or uncaught exception fails the run.
 */
import fs from 'fs';
import path from 'path';
import { Sandbox } from '../../sandbox/server';
// The helper ships no types; this is the part the tests use.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const helper = require('node-red-node-test-helper') as {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  load(nodes: unknown[], flow: unknown[], credentials?: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode | null;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  request(): unknown;
  log(): { args: unknown[][]; getCalls(): Array<{ args: unknown[] }> };
  _settings: Record<string, unknown>;
};

export interface TestNode {
  id: string;
  on(event: string, cb: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { getCalls?: () => unknown[] } & ((...a: unknown[]) => void);
  [key: string]: unknown;
}

/** `NODE_RED_RUNTIME=node-red-5` runs the same suites on Node-RED 5 (scripts/test-node-red-5.js). */
const runtime = process.env.NODE_RED_RUNTIME || 'node-red';
helper.init(require.resolve(runtime));
export { helper };

const root = path.resolve(__dirname, '..', '..', '..');
/** Every node module the package declares, so new nodes are loaded without touching the tests. */
export const allNodes = (): unknown[] => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  return Object.values(pkg['node-red'].nodes).map((file) => require(path.join(root, file)));
};

/** Collects everything a helper node receives. */
export class Collector {
  readonly messages: Array<Record<string, unknown>> = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(node: TestNode | null) {
    if (!node) throw new Error('collector node missing from the flow');
    node.on('input', (msg) => {
      this.messages.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (this.messages.length >= w.n) {
          w.resolve();
          return false;
        }
        return true;
      });
    });
  }

  /** Resolves once `n` messages arrived; rejects after `ms`. */
  wait(n = 1, ms = 10_000): Promise<Array<Record<string, unknown>>> {
    if (this.messages.length >= n) return Promise.resolve(this.messages);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} message(s), got ${this.messages.length}`)), ms);
      this.waiters.push({ n, resolve: () => {
        clearTimeout(timer);
        resolve(this.messages);
      } });
    });
  }
}

export const collect = (id: string): Collector => new Collector(helper.getNode(id));

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** An account node plus a catch node wired to a collector `errors`. */
export function accountNode(id: string, provider: string, baseUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, type: 'fulfillment-account', name: `${provider} test`, provider, baseUrl, timeout: 5000, ...extra };
}

export function catchTo(collectorId = 'errors', z = 'f1'): Array<Record<string, unknown>> {
  return [
    { id: 'catcher', type: 'catch', z, scope: null, uncaught: false, wires: [[collectorId]] },
    { id: collectorId, type: 'helper', z },
  ];
}

/**
 * A fresh sandbox for each test of the suite, handed to `use`, and after each
 * test the flows unloaded and the sandbox stopped.
 */
export function sandboxPerTest(use: (sandbox: Sandbox) => void): void {
  let current: Sandbox | undefined;
  beforeEach(async () => {
    current = new Sandbox();
    await current.start();
    use(current);
  });
  afterEach(async () => {
    await helper.unload();
    await current?.stop();
  });
}
