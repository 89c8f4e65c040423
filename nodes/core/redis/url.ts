/**
 * The shared state's address: `redis://[user@]host:port[/db]`, or `rediss://`
 * for TLS. The address shown anywhere (status, log, error) is `label`, which
 * never holds the user info: a password belongs in the credential field, and
 * one typed into the URL must not leak from there either.
 */
import { FulfillmentError } from '../errors';

export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  /** Only when the URL itself carries one (from an environment variable, say); the credential wins. */
  password?: string;
  database: number;
  /** `redis://host:port/db` without user info: the only form ever shown. */
  label: string;
}

const DEFAULT_PORT = 6379;

function invalid(message: string): FulfillmentError {
  return new FulfillmentError({ kind: 'config', field: 'url', message: `url: ${message}` });
}

/** The URL with any `user:password@` removed; for text that must show where Redis is. */
export function redactRedisUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
}

export function parseRedisUrl(raw: unknown): RedisTarget {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid('set the address of Redis, like redis://127.0.0.1:6379');
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not echoed: what is not a URL cannot be cleaned of a password reliably.
    throw invalid('is not a URL; write it like redis://host:6379 or rediss://host:6380/0');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw invalid(`must start with redis:// (or rediss:// for TLS), not ${url.protocol}//`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw invalid('names no host');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  const path = url.pathname.replace(/^\/+/, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw invalid(`the path must be a database number like /0, not /${path.slice(0, 20)}`);
  const database = path === '' ? 0 : Number(path);
  const username = url.username !== '' ? decodeURIComponent(url.username) : undefined;
  const password = url.password !== '' ? decodeURIComponent(url.password) : undefined;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { host, port, tls: url.protocol === 'rediss:', username, password, database, label: `${url.protocol}//${shownHost}:${port}/${database}` };
}

export const DEFAULT_PREFIX = 'fulfillment:';

/** The key prefix, so several deployments (or other programs) can share one Redis. */
export function checkPrefix(raw: unknown): string {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_PREFIX;
  if (typeof raw !== 'string' || !/^\S{1,100}$/.test(raw)) {
    throw new FulfillmentError({ kind: 'config', field: 'prefix', message: 'prefix: use up to 100 characters without spaces, like fulfillment:' });
  }
  return raw;
}
