/**
 * The sandbox: one HTTP server on loopback that emulates the providers from
 * the providers' public documentation, each under its own prefix (/planviewer, /postgreen,
 * /probo, /delivergo, /arri). Used by `npm start`, the tests and the benchmarks.
 */
import http, { IncomingMessage, ServerResponse } from 'http';
import { AddressInfo, Socket } from 'net';
import { Router, RouteContext, readBody, BodyError } from './router';
import { FaultTable, FaultRule, Fault } from './faults';
import { planviewerRoutes, PlanviewerState } from './providers/planviewer';
import { delivergoRoutes, DelivergoState } from './providers/delivergo';
import { arriRoutes, ArriState } from './providers/arri';
import { proboRoutes, ProboState } from './providers/probo';
import { postgreenRoutes, PostgreenState } from './providers/postgreen';
import { welcomePage } from './welcome';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  at: number;
}

export interface SandboxOptions {
  /** Planviewer daily order cap per access key. */
  planviewerDailyCap?: number;
}

const MAX_BODY = 300 * 1024 * 1024;
const MAX_LOG = 20_000;

export class Sandbox {
  readonly router = new Router();
  readonly faults = new FaultTable();
  readonly requests: LoggedRequest[] = [];
  readonly planviewer: PlanviewerState;
  readonly delivergo: DelivergoState;
  readonly arri: ArriState;
  readonly probo: ProboState;
  readonly postgreen: PostgreenState;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private baseUrl = '';

  constructor(options: SandboxOptions = {}) {
    this.planviewer = planviewerRoutes(this.router, '/planviewer', { dailyCap: options.planviewerDailyCap ?? 10 });
    this.delivergo = delivergoRoutes(this.router, '/delivergo');
    this.arri = arriRoutes(this.router, '/arri');
    this.probo = proboRoutes(this.router, '/probo');
    this.postgreen = postgreenRoutes(this.router, '/postgreen');
    this.controlRoutes();
  }

  get url(): string {
    return this.baseUrl;
  }

  /** Base URL of one provider, for an account's baseUrl. */
  providerUrl(provider: 'planviewer' | 'postgreen' | 'probo' | 'delivergo' | 'arri'): string {
    return `${this.baseUrl}/${provider}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: 'sandbox failure', message: (e as Error).message }));
        } else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${addr.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.probo.stop();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  fault(rule: FaultRule): void {
    this.faults.set(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Requests seen whose path starts with the prefix (and method matches, if given). */
  count(pathPrefix: string, method?: string): number {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix) && (!method || r.method === method)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    if (!path.startsWith('/__sandbox')) {
      this.requests.push({ method, path, query: url.search, at: Date.now() });
      // Trimmed in steps, not per request: a per-request splice would slow long benchmark runs.
      if (this.requests.length > MAX_LOG * 1.5) this.requests.splice(0, this.requests.length - MAX_LOG);
    }
    let fault: Fault | undefined = path.startsWith('/__sandbox') ? undefined : this.faults.take(method, path);
    if (fault?.type === 'delay') {
      await new Promise((r) => setTimeout(r, fault && fault.type === 'delay' ? fault.ms : 0));
      fault = undefined;
    }
    if (fault && (await this.applyFault(fault, req, res))) return;

    let cached: Buffer | undefined;
    const ctx: RouteContext = {
      req,
      res,
      method,
      path,
      params: {},
      query: url.searchParams,
      dropped: fault?.type === 'reset-after',
      body: async () => (cached ??= await readBody(req, MAX_BODY)),
      json: async <T>() => {
        const raw = (await ctx.body()).toString('utf8');
        try {
          return JSON.parse(raw) as T;
        } catch {
          throw new BodyError('body is not valid JSON');
        }
      },
      send: (status, body, headers = {}) => {
        if (ctx.dropped) {
          req.socket.destroy();
          return;
        }
        if (Buffer.isBuffer(body) || typeof body === 'string') {
          res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers });
          res.end(body);
          return;
        }
        const text = body === undefined ? '' : JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
        res.end(text);
      },
    };
    const found = this.router.match(method, path);
    if (!found) return ctx.send(404, { error: 'not found', path });
    if ('methodNotAllowed' in found) return ctx.send(405, { error: 'method not allowed', method, path });
    ctx.params = found.params;
    try {
      await found.handler(ctx);
    } catch (e) {
      if (e instanceof BodyError) return ctx.send(400, { error: 'bad request', message: e.message });
      throw e;
    }
  }

  /** Returns true when the fault answered (or swallowed) the request. */
  private async applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.type) {
      case 'status': {
        const body = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? { error: `injected ${fault.status}` });
        await readBody(req, MAX_BODY).catch(() => undefined);
        res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
        res.end(body);
        return true;
      }
      case 'reset':
        await readBody(req, MAX_BODY).catch(() => undefined);
        req.socket.destroy();
        return true;
      case 'hang':
        req.resume();
        return true;
      case 'malformed':
        await readBody(req, MAX_BODY).catch(() => undefined);
        res.writeHead(200, { 'Content-Type': fault.contentType ?? 'application/json' });
        res.end(fault.body ?? '{"this is": not json');
        return true;
      case 'truncate':
        await readBody(req, MAX_BODY).catch(() => undefined);
        res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': '100000', 'Content-Disposition': 'attachment; filename="truncated.pdf"' });
        res.write(Buffer.alloc(1000, 0x25));
        setTimeout(() => req.socket.destroy(), 20);
        return true;
      case 'cut-off': {
        await readBody(req, MAX_BODY).catch(() => undefined);
        const body = Buffer.from(fault.body ?? '{"id": "sandbox-cut-off", "status": "accepted", "items": [{"name": "first"}, {"na');
        const sent = body.subarray(0, Math.min(body.length, fault.sentBytes ?? body.length));
        const length = fault.chunked ? {} : { 'Content-Length': String(fault.declaredBytes ?? body.length * 2) };
        res.writeHead(fault.status ?? 200, { 'Content-Type': fault.contentType ?? 'application/json', ...length });
        res.write(sent);
        // Let the start arrive before the connection goes: a cut, not a refusal.
        setTimeout(() => req.socket.destroy(), 20);
        return true;
      }
      case 'huge': {
        await readBody(req, MAX_BODY).catch(() => undefined);
        const length = fault.chunked ? {} : { 'Content-Length': String(fault.bytes) };
        res.writeHead(fault.status ?? 200, { 'Content-Type': fault.contentType ?? 'application/json', ...length });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let left = fault.bytes;
        const pump = (): void => {
          // A client that refuses the answer closes the connection: stop there.
          while (left > 0 && !res.destroyed) {
            const n = Math.min(left, chunk.length);
            left -= n;
            if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        res.on('error', () => undefined);
        pump();
        return true;
      }
      default:
        return false;
    }
  }

  private controlRoutes(): void {
    this.router.add('POST', '/__sandbox/faults', async (ctx) => {
      const rule = await ctx.json<FaultRule>();
      this.fault(rule);
      ctx.send(201, { ok: true });
    });
    this.router.add('DELETE', '/__sandbox/faults', (ctx) => {
      this.clearFaults();
      ctx.send(204);
    });
    this.router.add('GET', '/__sandbox/requests', (ctx) => ctx.send(200, this.requests));
    const providers = ['planviewer', 'postgreen', 'probo', 'delivergo', 'arri'] as const;
    this.router.add('GET', '/', (ctx) => ctx.send(200, welcomePage(this.baseUrl, providers), { 'Content-Type': 'text/html; charset=utf-8' }));
  }
}
