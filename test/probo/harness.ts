/**
 * A Probo flow in a real Node-RED runtime against the sandbox: the nodes'
 * HTTP routes served on a loopback port (so the sandbox can call the
 * callback node back), and the usual nodes wired to collectors.
 */
import http from 'http';
import { AddressInfo } from 'net';
import { helper, allNodes, accountNode, catchTo } from '../support/red';
import { Sandbox } from '../../sandbox/server';

export const CREDS = { acc: { apiKey: 'probo-key-123' }, cb: { secret: 's3cret-callback-value' } };

export interface Answer {
  status: number;
  body: string;
}

/** Plain HTTP POST to a local server; resolves with what came back. */
export function post(url: string, body: string | Buffer, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export class ProboHarness {
  sandbox!: Sandbox;
  base = '';
  publicUrl = '';
  private server!: http.Server;
  private httpNode: http.RequestListener | undefined;

  async start(): Promise<void> {
    this.sandbox = new Sandbox();
    await this.sandbox.start();
    this.base = this.sandbox.providerUrl('probo');
    this.httpNode = undefined;
    this.server = http.createServer((req, res) => (this.httpNode ? this.httpNode(req, res) : res.end()));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.publicUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await helper.unload();
    await new Promise<void>((r) => this.server.close(() => r()));
    await this.sandbox.stop();
  }

  /** Every node module of the package, plus one that hands the test the router the nodes register their routes on. */
  nodes(extra: unknown[] = []): unknown[] {
    return [...allNodes(), ...extra, (RED: { httpNode: http.RequestListener }) => {
      this.httpNode = RED.httpNode;
    }];
  }

  callbackUrl(path: string, secret = CREDS.cb.secret): string {
    return `${this.publicUrl}/fulfillment/callback/${path}/${encodeURIComponent(secret)}`;
  }

  /**
   * place order (`order`) -> `placed` and poll status (`poll`, 1 s) -> `done` / `failed` / `progress`;
   * an order callback node (`cb`, path `probo-orders`) -> `events`; uploader session (`session`) -> `sessions`.
   */
  flow(opts: { account?: Record<string, unknown>; callback?: Record<string, unknown>; poll?: boolean } = {}): Array<Record<string, unknown>> {
    return [
      { id: 'f1', type: 'tab' },
      accountNode('acc', 'probo', this.base, opts.account ?? {}),
      { id: 'session', type: 'fulfillment-uploader-session', z: 'f1', account: 'acc', language: 'nl', languageType: 'str', wires: [['sessions']] },
      { id: 'cb', type: 'fulfillment-callback', z: 'f1', account: 'acc', kind: 'order', path: 'probo-orders', publicUrl: this.publicUrl, maxBytes: 64, dedupeWindow: 3600, wires: [['events']], ...(opts.callback ?? {}) },
      { id: 'order', type: 'fulfillment-place-order', z: 'f1', account: 'acc', dedupeWindow: 60, wires: [opts.poll === false ? ['placed'] : ['placed', 'poll']] },
      { id: 'poll', type: 'fulfillment-poll-status', z: 'f1', account: 'acc', kind: 'order', interval: 1, maxWait: 120, wires: [['done'], ['failed'], ['progress']] },
      ...['sessions', 'events', 'placed', 'done', 'failed', 'progress'].map((id) => ({ id, type: 'helper', z: 'f1' })),
      ...catchTo(),
    ];
  }
}
