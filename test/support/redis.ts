/**
 * A real redis-server (Debian's package) for the tests: a free loopback port,
 * a temporary directory, no snapshots unless asked for, stopped after.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

export const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';

export function redisInstalled(): boolean {
  return fs.existsSync(REDIS_SERVER) && spawnSync(REDIS_SERVER, ['--version']).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** Stops it; with `save`, it writes its data first and the next start loads it (a Redis with persistence). */
  stop(save?: boolean): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  running(): boolean;
  /** Runs one command with a plain RESP client (no library), for checks from the tests. */
  command(...args: string[]): Promise<unknown>;
}

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Parses one RESP2 reply; returns [value, rest] or undefined while incomplete. */
function parseReply(buf: string): [unknown, string] | undefined {
  const nl = buf.indexOf('\r\n');
  if (nl < 0) return undefined;
  const type = buf[0];
  const line = buf.slice(1, nl);
  const rest = buf.slice(nl + 2);
  if (type === '+') return [line, rest];
  if (type === '-') return [new Error(line), rest];
  if (type === ':') return [Number(line), rest];
  if (type === '$') {
    const n = Number(line);
    if (n < 0) return [null, rest];
    if (Buffer.byteLength(rest) < n + 2) return undefined;
    const bytes = Buffer.from(rest);
    return [bytes.subarray(0, n).toString(), bytes.subarray(n + 2).toString()];
  }
  if (type === '*') {
    const n = Number(line);
    if (n < 0) return [null, rest];
    const out: unknown[] = [];
    let r = rest;
    for (let i = 0; i < n; i++) {
      const p = parseReply(r);
      if (!p) return undefined;
      out.push(p[0]);
      r = p[1];
    }
    return [out, r];
  }
  throw new Error(`unexpected reply ${buf.slice(0, 20)}`);
}

export function rawCommand(port: number, args: string[], password?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    // With a password, AUTH goes first and its answer is skipped.
    let skip = password ? 1 : 0;
    sock.setEncoding('utf8');
    sock.on('error', reject);
    // SHUTDOWN answers by closing the connection.
    sock.on('close', () => resolve(null));
    sock.on('data', (d: string) => {
      buf += d;
      for (;;) {
        const p = parseReply(buf);
        if (!p) return;
        buf = p[1];
        if (skip > 0) {
          skip--;
          if (p[0] instanceof Error) {
            sock.end();
            reject(p[0]);
            return;
          }
          continue;
        }
        sock.end();
        if (p[0] instanceof Error) reject(p[0]);
        else resolve(p[0]);
        return;
      }
    });
    sock.on('connect', () => sock.write((password ? resp(['AUTH', password]) : '') + resp(args)));
  });
}

export interface TestCertificate {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost (its own CA), made
 * with the openssl command; undefined when openssl is not installed.
 */
export function makeTestCertificate(dir: string): TestCertificate | undefined {
  const cert = path.join(dir, 'redis-test-cert.pem');
  const key = path.join(dir, 'redis-test-key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return made.status === 0 && fs.existsSync(cert) && fs.existsSync(key) ? { cert, key } : undefined;
}

export async function startRedis(opts: { password?: string; extra?: string[]; tls?: TestCertificate } = {}): Promise<RedisServer> {
  const port = await freePort();
  const tls = opts.tls ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', opts.tls.cert, '--tls-key-file', opts.tls.key, '--tls-ca-cert-file', opts.tls.cert, '--tls-auth-clients', 'no'] : ['--port', String(port)];
  const extra = [...tls, ...(opts.password ? ['--requirepass', opts.password] : []), ...(opts.extra ?? [])];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
  let child: ChildProcess | undefined;
  let out = '';
  const start = async (): Promise<void> => {
    out = '';
    child = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const end = Date.now() + 10_000;
    for (;;) {
      if (/Ready to accept connections/.test(out)) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited:\n${out}`);
      if (Date.now() > end) throw new Error(`redis-server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  await start();
  const server: RedisServer = {
    port,
    url: `${opts.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    dir,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    start,
    command: (...args) => rawCommand(port, args, opts.password),
    stop: async (save = false) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      if (save) await rawCommand(port, ['SHUTDOWN', 'SAVE'], opts.password).catch(() => undefined);
      else c.kill('SIGKILL');
      await exited;
    },
  };
  return server;
}
