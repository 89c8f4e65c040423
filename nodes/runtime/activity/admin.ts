/**
 * The sidebar's admin endpoints on Node-RED's admin server, each behind
 * RED.auth.needsPermission (lists need `fulfillment-sidebar.read`, buttons
 * `fulfillment-sidebar.write`), and the live updates over the editor's comms
 * channel, batched to at most two a second. Updates carry counts only: the
 * rows themselves are read through the permission-checked endpoints.
 */
import { HttpRequest, HttpResponse, NodeAPI } from '../red';
import { asFulfillmentError } from '../../core/errors';
import { ActivityRegistry } from './registry';
import { parseQuery } from './query';
import { placedCsv } from './csv';

export const ADMIN_ROOT = '/fulfillment/activity';
export const COMMS_TOPIC = 'fulfillment/activity';
export const READ = 'fulfillment-sidebar.read';
export const WRITE = 'fulfillment-sidebar.write';
const UPDATE_EVERY_MS = 500;

const registered = new WeakSet<object>();
let stopPublishing: (() => void) | undefined;

interface JobRef {
  node: string;
  kind: string;
  id: string;
}

function jobRef(body: unknown): JobRef | string {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  for (const f of ['node', 'kind', 'id']) {
    if (typeof b[f] !== 'string' || b[f] === '' || (b[f] as string).length > 500) return `${f} must be a non-empty string`;
  }
  return { node: b.node as string, kind: b.kind as string, id: b.id as string };
}

function fail(res: HttpResponse, status: number, message: string): void {
  if (!res.headersSent) res.status(status).json({ ok: false, message });
}

/** Runs an async handler; an exception becomes a 500 with a short message, never a crash. */
function safe(handler: (req: HttpRequest, res: HttpResponse) => Promise<void> | void) {
  return (req: HttpRequest, res: HttpResponse): void => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((e) => fail(res, 500, asFulfillmentError(e).message));
  };
}

export function registerActivityAdmin(RED: NodeAPI, registry: ActivityRegistry): void {
  if (!RED.httpAdmin || registered.has(RED.httpAdmin)) return;
  registered.add(RED.httpAdmin);
  const read = RED.auth.needsPermission(READ);
  const write = RED.auth.needsPermission(WRITE);

  RED.httpAdmin.get(`${ADMIN_ROOT}/summary`, read, safe(async (_req, res) => res.json(await registry.summary())));
  RED.httpAdmin.get(`${ADMIN_ROOT}/inflight`, read, safe(async (req, res) => res.json(await registry.inflight(parseQuery(req.query)))));
  RED.httpAdmin.get(`${ADMIN_ROOT}/placed`, read, safe((req, res) => res.json(registry.placed(parseQuery(req.query)))));
  RED.httpAdmin.get(`${ADMIN_ROOT}/callbacks`, read, safe((req, res) => res.json(registry.callbackRows(parseQuery(req.query)))));
  RED.httpAdmin.get(`${ADMIN_ROOT}/placed.csv`, read, safe((req, res) => {
    const { provider, state, node, q } = parseQuery(req.query);
    const csv = placedCsv(registry.placedAll({ provider, state, node, q }));
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="fulfillment-placed-${day}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(csv);
  }));

  const withJob = (action: (ref: JobRef, res: HttpResponse) => Promise<void>) =>
    safe(async (req, res) => {
      const ref = jobRef(req.body);
      if (typeof ref === 'string') return fail(res, 400, ref);
      const track = registry.poll(ref.node);
      if (!track) return fail(res, 404, 'no deployed poll status node with this id');
      await action(ref, res);
    });

  RED.httpAdmin.post(`${ADMIN_ROOT}/check`, write, withJob(async (ref, res) => {
    try {
      if (!(await registry.poll(ref.node)?.checkNow(ref.kind, ref.id))) return fail(res, 404, 'this job is not watched (any more)');
    } catch (e) {
      // The provider's answer (an error, redacted like every error of the package) is the operator's to see.
      return fail(res, 502, asFulfillmentError(e).message);
    }
    res.json({ ok: true });
  }));
  RED.httpAdmin.post(`${ADMIN_ROOT}/unwatch`, write, withJob(async (ref, res) => {
    if (!(await registry.poll(ref.node)?.unwatch(ref.kind, ref.id))) return fail(res, 404, 'this job is not watched (any more)');
    res.json({ ok: true });
  }));
  RED.httpAdmin.post(`${ADMIN_ROOT}/dismiss`, write, withJob(async (ref, res) => {
    if (!(await registry.poll(ref.node)?.dismiss(ref.kind, ref.id))) return fail(res, 404, 'no such row needs attention');
    res.json({ ok: true });
  }));

  publishUpdates(RED, registry);
}

/** One comms message per burst of changes, at most two a second. */
function publishUpdates(RED: NodeAPI, registry: ActivityRegistry): void {
  const comms = RED.comms;
  if (!comms) return;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const send = (): void => {
    timer = undefined;
    last = Date.now();
    registry
      .summary()
      .then((summary) => comms.publish(COMMS_TOPIC, summary, false))
      .catch(() => undefined);
  };
  // One publisher per runtime: a test that starts a second server replaces the first.
  stopPublishing?.();
  stopPublishing = registry.onChange(() => {
    if (timer) return;
    timer = setTimeout(send, Math.max(0, last + UPDATE_EVERY_MS - Date.now()));
    timer.unref?.();
  });
}
