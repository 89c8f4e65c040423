/**
 * fulfillment-callback: an HTTP endpoint on Node-RED's own server that a
 * provider calls back (Probo uploader / order callbacks, PostGreen shipment
 * webhooks ...). Provider-neutral: the account's callback capability checks
 * the body and names each event's dedupe key.
 *
 *   POST <httpNodeRoot>/fulfillment/callback/<path>/<secret>
 *
 * Wrong or missing secret 401 (nothing output), a type that cannot be JSON
 * (a form, XML) 415, too large 413,
 * unparsable or not such a callback 400; otherwise 200 at once, then each
 * event is output once (repeats within the window are dropped), and an event
 * the provider ranks below one already output for the same subject (a late
 * callback of an earlier order state) is dropped too.
 */
import { NodeAPI, Node, NodeDef, HttpRequest, HttpResponse, Handler } from '../runtime/red';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { reportable } from '../runtime/input';
import { clock, failed, ok, statusTexts, waiting } from '../runtime/status';
import { numberSetting } from '../runtime/props';
import { SeenKeys } from '../runtime/seen-keys';
import { SubjectRanks } from '../runtime/callback-ranks';
import { sharedRanks, sharedSeen } from '../runtime/shared-state';
import { BodyTooLarge, drain, mayHoldJson, readLimitedBody, removeRoutes, routeTaken, sameSecret } from '../runtime/http-route';
import { asFulfillmentError, FulfillmentError } from '../core/errors';
import { CallbackEvent } from '../core/capabilities';
import { assertNoPollution } from '../core/validate';
import { CALLBACK_PREFIX, CallbackNode, callbackUrlOf, defaultPublicUrl } from './callback-url';
import { activity, providerIdOf } from '../runtime/activity';

const PATH = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;

function reply(res: HttpResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.status(status).json(body);
}

export = function register(RED: NodeAPI): void {
  function CallbackNodeCtor(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this as CallbackNode;
    const path = typeof def.path === 'string' ? def.path.trim().replace(/^\/+|\/+$/g, '') : '';
    const secret = node.credentials?.secret ?? '';
    const publicUrl = typeof def.publicUrl === 'string' && /^https?:\/\/[^/]/.test(def.publicUrl.trim()) ? def.publicUrl.trim() : defaultPublicUrl(RED.settings.uiPort);
    const say = statusTexts(RED, node, 'callback');
    const maxBytes = numberSetting(RED, node, def, 'maxBytes', 1024, 1) * 1024;
    const kind = typeof def.kind === 'string' && def.kind !== '' ? def.kind : undefined;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    const windowMs = numberSetting(RED, node, def, 'dedupeWindow', 86_400, 0) * 1000;
    const seen = new SeenKeys(node, windowMs, store);
    const ranks = new SubjectRanks(node, windowMs, store);
    // With a shared state on the account, an event delivered to several instances is output by one.
    seen.shared = () => sharedSeen(RED, accountOf(RED, def.account), node.id);
    ranks.shared = () => sharedRanks(RED, accountOf(RED, def.account), node.id);
    const route = `${CALLBACK_PREFIX}/${path}`;
    let closed = false;
    let received = 0;
    // The operations sidebar lists the events and the refusals (never the URL: it holds the secret).
    const log = activity.callbackNode(node, { store, provider: () => accountOf(RED, def.account).provider });

    node.callbackUrl = () => (secret && PATH.test(path) ? callbackUrlOf(publicUrl, RED.settings.httpNodeRoot, path, secret) : undefined);

    type Verdict = 'new' | 'repeat' | 'late';
    /** Decided before the answer: when the shared state cannot decide, the provider is asked to send again later. */
    const judge = async (event: CallbackEvent): Promise<Verdict> => {
      if (event.ordering && !(await ranks.admit(event.ordering.subject, event.ordering.rank))) return 'late';
      return (await seen.first(event.dedupeKey)) ? 'new' : 'repeat';
    };

    const output = (events: CallbackEvent[], verdicts: Verdict[]): void => {
      for (const [i, event] of events.entries()) {
        if (verdicts[i] === 'late') {
          if (!closed) node.status(ok(say('late', { count: received, time: clock() })));
          continue;
        }
        if (verdicts[i] !== 'new') {
          log.repeat(event.dedupeKey);
          if (!closed) node.status(ok(say('repeat', { count: received, time: clock() })));
          continue;
        }
        if (closed) return;
        received++;
        const f = event.fields;
        log.event({ kind: typeof f.eventType === 'string' ? f.eventType : kind, id: providerIdOf(f), status: typeof f.status === 'string' ? f.status : undefined, dedupeKey: event.dedupeKey });
        node.status(ok(say('received', { count: received, time: clock() })));
        node.send({ ...event.fields, payload: event.payload, dedupeKey: event.dedupeKey, callback: { path, kind: kind ?? event.fields.eventType, receivedAt: new Date().toISOString() } });
      }
    };

    const handle = async (req: HttpRequest, res: HttpResponse): Promise<void> => {
      const refuse = (status: number, message: string, why = message): void => {
        reply(res, status, { status: 'error', message });
        log.refused(status, why, req.socket?.remoteAddress);
      };
      const given = typeof req.params?.secret === 'string' ? req.params.secret : '';
      if (!sameSecret(given, secret)) {
        refuse(401, 'unauthorized', given === '' ? 'no secret in the URL' : 'wrong secret in the URL');
        drain(req, maxBytes);
        return;
      }
      if (!mayHoldJson(req.headers['content-type'])) {
        refuse(415, 'only JSON is accepted', `not JSON (Content-Type: ${String(req.headers['content-type'] ?? 'none').slice(0, 60)})`);
        drain(req, maxBytes);
        return;
      }
      let raw: Buffer | { parsed: unknown };
      try {
        raw = await readLimitedBody(req, maxBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          refuse(413, `body larger than ${maxBytes} bytes`);
          drain(req, maxBytes * 10);
          return;
        }
        throw e;
      }
      let body: unknown;
      if (Buffer.isBuffer(raw)) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          refuse(400, 'body is not valid JSON');
          return;
        }
      } else body = raw.parsed;
      let events: CallbackEvent[];
      try {
        assertNoPollution(body, 'body');
        const account = accountOf(RED, def.account);
        const cap = capabilityOf(account, 'callback', 'receive callbacks');
        const kinds = (account.descriptor?.capabilities.callback ?? []).map((k) => k.name);
        if (kind !== undefined && !kinds.includes(kind)) {
          throw new FulfillmentError({ kind: 'config', field: 'kind', provider: account.provider, message: `${account.provider} sends no "${kind}" callbacks; choose one of ${kinds.join(', ')}` });
        }
        events = cap.parse(body, kind);
      } catch (e) {
        const fe = asFulfillmentError(e);
        if (fe.kind === 'invalid_input') {
          refuse(400, fe.message);
          return;
        }
        refuse(503, 'callback endpoint not ready', fe.message);
        node.status(failed(say('notReady')));
        node.error(reportable(fe), { payload: body });
        return;
      }
      const verdicts: Verdict[] = [];
      try {
        for (const event of events) verdicts.push(await judge(event));
      } catch (e) {
        const fe = asFulfillmentError(e);
        // Those decided already are output now; the provider's next try brings the rest.
        output(events.slice(0, verdicts.length), verdicts);
        refuse(503, 'callback endpoint not ready, send it again later', fe.message);
        node.status(failed(say('notReady')));
        node.error(reportable(fe), { payload: body });
        return;
      }
      reply(res, 200, { status: 'ok' });
      output(events, verdicts);
    };

    const handler: Handler = (req, res) => {
      handle(req, res).catch((e) => {
        reply(res, 500, { status: 'error', message: 'internal error' });
        if (!closed) node.error(reportable(asFulfillmentError(e)), {});
      });
    };

    const handlers = [handler];
    if (!RED.httpNode) {
      node.status(failed(say('noHttp')));
      node.error(reportable(new FulfillmentError({ kind: 'config', message: 'Node-RED serves no HTTP node routes (httpNodeRoot is false in settings.js); the callback node cannot listen' })));
    } else if (!PATH.test(path)) {
      node.status(failed(say('badPath')));
      node.error(reportable(new FulfillmentError({ kind: 'config', field: 'path', message: `callback path "${path}" is not valid: use letters, digits, - and _, segments separated by /` })));
    } else if (routeTaken(RED.httpNode, `${route}/:secret`)) {
      node.status(failed(say('pathTaken')));
      node.error(reportable(new FulfillmentError({ kind: 'config', field: 'path', message: `another node already listens on ${route}; give this callback node its own path` })));
    } else {
      RED.httpNode.post(`${route}/:secret`, handler);
      // Without a secret segment: answered 401 here rather than 404, so a misconfigured provider is told why.
      RED.httpNode.post(route, handler);
      node.status(secret ? waiting(say('listening')) : failed(say('noSecret')));
    }

    node.on('close', (_removed, done) => {
      closed = true;
      if (RED.httpNode) removeRoutes(RED.httpNode, handlers);
      done();
    });
  }

  RED.nodes.registerType('fulfillment-callback', CallbackNodeCtor, {
    credentials: { secret: { type: 'password' } },
  });
};
