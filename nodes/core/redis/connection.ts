/**
 * One connection to the shared state's Redis, with the official client
 * (`@redis/client`, node-redis's core), which is loaded here, on first use
 * only: a Node-RED without a shared state never touches it.
 *
 * Commands are never queued while Redis is away: each one fails at once with
 * a `shared_state` error, so a creating call is refused instead of waiting
 * with an order in limbo. The client reconnects by itself; work that must
 * reach Redis eventually (recording an answer) waits for that in `later`.
 */
import { createHash } from 'crypto';
import { isIP } from 'net';
import type { RedisClientType } from '@redis/client';
import { FulfillmentError } from '../errors';
import { Redactor } from '../redact';
import { sharedStateUnavailable } from '../coordination';
import { RedisTarget } from './url';
import { Script } from './scripts';

export type ConnectionState = 'connecting' | 'ready' | 'unreachable' | 'closed';

export interface ConnectionOptions {
  target: RedisTarget;
  /** The credential; wins over a password in the URL. */
  password?: string;
  /** A command that gets no answer within this fails (Redis hung, network cut). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Told of every change of state, with a cause free of secrets. */
  onState?: (state: ConnectionState, cause?: string) => void;
}

const MAX_LATER = 10_000;

export class RedisConnection {
  readonly label: string;
  /** Commands sent (each EVALSHA, EVAL or plain command is one round trip); for the benchmarks. */
  roundTrips = 0;
  private client: RedisClientType | undefined;
  private state: ConnectionState = 'connecting';
  private lastCause: string | undefined;
  private readonly redactor = new Redactor();
  private readonly shas = new Map<string, string>();
  private readonly laterTasks: Array<() => Promise<void>> = [];
  private draining = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly opts: ConnectionOptions) {
    this.label = opts.target.label;
    this.redactor.add(opts.password, opts.target.password, opts.target.username);
  }

  get status(): ConnectionState {
    return this.state;
  }

  get ready(): boolean {
    return this.state === 'ready' && !!this.client?.isReady;
  }

  /** Why the last command or connection attempt failed, without secrets. */
  get cause(): string | undefined {
    return this.lastCause;
  }

  private setState(state: ConnectionState, cause?: string): void {
    if (cause !== undefined) this.lastCause = cause;
    if (this.state === state || this.state === 'closed') return;
    this.state = state;
    for (const wake of this.waiters.splice(0)) wake();
    try {
      this.opts.onState?.(state, cause ?? this.lastCause);
    } catch {
      // A listener's bug must not break the connection.
    }
    if (state === 'ready') this.drain();
  }

  private clean(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    return this.redactor.text(text).slice(0, 200);
  }

  /** Starts connecting (once); later calls return the same client. */
  private start(): RedisClientType {
    if (this.client) return this.client;
    if (this.state === 'closed') throw new FulfillmentError({ kind: 'cancelled', message: 'the shared state is being closed (redeploy)' });
    // Loaded here so that a Node-RED without a shared state never loads the client.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { createClient } = require('@redis/client') as typeof import('@redis/client');
    const { target } = this.opts;
    const client = createClient({
      socket: {
        host: target.host,
        port: target.port,
        // The certificate is checked against the host; SNI carries a host name only (an address there is refused by RFC 6066).
        ...(target.tls ? { tls: true as const, ...(isIP(target.host) === 0 ? { servername: target.host } : {}) } : {}),
        connectTimeout: this.opts.connectTimeoutMs ?? 5000,
        // Quick at first, then every few seconds: resumes soon after Redis is back, without hammering it.
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 6), 3000) + Math.floor(Math.random() * 200),
      },
      username: target.username,
      password: this.opts.password || target.password,
      database: target.database,
      name: 'node-red-fulfillment',
      disableOfflineQueue: true,
    }) as unknown as RedisClientType;
    client.on('error', (e: unknown) => this.setState('unreachable', this.clean(e)));
    client.on('ready', () => this.setState('ready'));
    client.on('end', () => this.setState('unreachable'));
    this.client = client;
    client.connect().catch((e: unknown) => {
      if (this.state !== 'closed') this.setState('unreachable', this.clean(e));
    });
    return client;
  }

  /** Connects now instead of on first use (the config node does, so the first order does not wait). */
  open(): void {
    try {
      this.start();
    } catch {
      // Closed already: nothing to open.
    }
  }

  /** Resolves when the state next changes, or after `ms`. */
  private settled(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private unavailable(what: string, cause?: string): FulfillmentError {
    return sharedStateUnavailable(this.label, what, cause ?? this.lastCause);
  }

  /** One command; refused at once when Redis is not connected. `what` says what did not happen. */
  async command<T>(args: string[], what: string): Promise<T> {
    const client = this.start();
    // The first connection is waited for, so a message right after a deploy is not refused.
    if (!client.isReady && this.state === 'connecting') await this.settled(this.opts.connectTimeoutMs ?? 5000);
    if (!client.isReady) throw this.unavailable(what, this.state === 'connecting' ? 'still connecting' : undefined);
    this.roundTrips++;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.opts.commandTimeoutMs ?? 5000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.unavailable(what, `no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([client.sendCommand(args) as Promise<T>, timeout]);
    } catch (e) {
      if (e instanceof FulfillmentError) throw e;
      const cause = this.clean(e);
      // An error Redis answered (a script's, a wrong password) is not a lost connection.
      if (/^(NOSCRIPT|ERR|WRONGTYPE|WRONGPASS|NOPERM|NOAUTH|READONLY|OOM|BUSY|LOADING)/.test(cause)) {
        throw new FulfillmentError({ kind: 'shared_state', retryable: /^(READONLY|OOM|BUSY|LOADING)/.test(cause), field: 'sharedState', message: `shared state (${this.label}): ${cause}: ${what}` });
      }
      this.setState('unreachable', cause);
      throw this.unavailable(what, cause);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a script by its SHA1, sending its text once when Redis does not know it yet (first use, or after a restart). */
  async run<T>(s: Script, keys: string[], args: Array<string | number>, what: string): Promise<T> {
    let sha = this.shas.get(s.name);
    if (!sha) {
      sha = createHash('sha1').update(s.source).digest('hex');
      this.shas.set(s.name, sha);
    }
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.command<T>(['EVALSHA', sha, ...tail], what);
    } catch (e) {
      if (!(e instanceof FulfillmentError) || !/NOSCRIPT/.test(e.message)) throw e;
      return this.command<T>(['EVAL', s.source, ...tail], what);
    }
  }

  /**
   * Work that must reach Redis eventually (recording an order's answer after
   * Redis went away during the call): tried again once Redis is back.
   */
  later(task: () => Promise<void>): void {
    if (this.state === 'closed') return;
    if (this.laterTasks.length >= MAX_LATER) this.laterTasks.shift();
    this.laterTasks.push(task);
    if (this.ready) this.scheduleDrain(1000);
  }

  /** How many such tasks wait. */
  get waiting(): number {
    return this.laterTasks.length;
  }

  private scheduleDrain(ms: number): void {
    if (this.retryTimer || this.state === 'closed') return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.drain();
    }, ms);
  }

  private drain(): void {
    if (this.draining || this.laterTasks.length === 0) return;
    this.draining = true;
    void (async () => {
      try {
        while (this.laterTasks.length > 0 && this.ready) {
          const task = this.laterTasks[0];
          try {
            await task();
            this.laterTasks.shift();
          } catch {
            // Redis went away again: the task stays first in line.
            break;
          }
        }
      } finally {
        this.draining = false;
        if (this.laterTasks.length > 0 && this.ready) this.scheduleDrain(2000);
      }
    })();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.setState('closed');
    this.state = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.client = undefined;
    if (!client) return;
    if (!client.isReady) {
      client.destroy();
      return;
    }
    // Lets commands in flight finish; a hung Redis does not hold a redeploy.
    const guard = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([client.close().catch(() => undefined), guard]);
    if (client.isOpen) client.destroy();
  }
}
