/**
 * What an HTTP endpoint on Node-RED's own server needs: a secret compared in
 * constant time, a body read with a size cap and a content-type check, and
 * removal of its routes on close (a redeploy must leave nothing behind).
 */
import { createHash, timingSafeEqual } from 'crypto';
import { HttpRequest, HttpRouter, Handler } from './red';

/** Constant time whatever the lengths: both sides are hashed first. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && expected !== '';
}

export function isJsonContentType(header: unknown): boolean {
  const type = String(header ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * A body that may hold JSON: a JSON type, and also text/plain or no type at
 * all, which some senders put on JSON they post (no provider documents the
 * header of its callbacks); the body must still parse as JSON.
 */
export function mayHoldJson(header: unknown): boolean {
  const type = String(header ?? '').split(';')[0].trim().toLowerCase();
  return type === '' || type === 'text/plain' || isJsonContentType(type);
}

export class BodyTooLarge extends Error {}

/**
 * Reads the raw body, at most `limit` bytes. A middleware of the user's
 * (httpNodeMiddleware) may already have parsed it: that is used as it is.
 */
export function readLimitedBody(req: HttpRequest, limit: number): Promise<Buffer | { parsed: unknown }> {
  if (req.readableEnded && req.body !== undefined) {
    const b = req.body;
    const raw = Buffer.isBuffer(b) ? b : typeof b === 'string' ? Buffer.from(b) : undefined;
    if (raw) return raw.length > limit ? Promise.reject(new BodyTooLarge()) : Promise.resolve(raw);
    return Promise.resolve({ parsed: b });
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!over) reject(e);
    });
  });
}

/** Lets an oversized upload finish arriving (so the client reads our answer), up to a cap, then cuts it. */
export function drain(req: HttpRequest, cap: number): void {
  let seen = 0;
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > cap) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

type Layer = { route?: { path?: string; stack?: Array<{ handle?: unknown }> } };

function stackOf(router: HttpRouter): Layer[] | undefined {
  if (router._router) return router._router.stack as Layer[];
  try {
    // Express 5 names it `router`; on Express 4 that getter throws, and `_router` only exists once a route was added.
    return router.router?.stack as Layer[] | undefined;
  } catch {
    return undefined;
  }
}

/** True when some route other than ours already answers this path. */
export function routeTaken(router: HttpRouter, path: string): boolean {
  return (stackOf(router) ?? []).some((l) => l.route?.path === path);
}

/** Removes every route layer whose handlers include one of ours. */
export function removeRoutes(router: HttpRouter, handlers: Handler[]): number {
  const stack = stackOf(router);
  if (!stack) return 0;
  let removed = 0;
  for (let i = stack.length - 1; i >= 0; i--) {
    const layers = stack[i].route?.stack ?? [];
    if (layers.some((l) => handlers.includes(l.handle as Handler))) {
      stack.splice(i, 1);
      removed++;
    }
  }
  return removed;
}
