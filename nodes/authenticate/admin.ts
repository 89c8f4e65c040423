/**
 * Admin endpoints behind the PostGreen dialogs' dropdowns (services, boxes,
 * channels, options) of a deployed account. Read permission required; the
 * answers carry ids and names only, never a credential or token.
 */
import { NodeAPI, HttpRequest, HttpResponse } from '../runtime/red';
import { AccountNode } from '../runtime/account-ref';
import { asFulfillmentError } from '../core/errors';
import type { PostgreenClient } from '../providers/postgreen/client';
import { catalogueView } from '../providers/postgreen/profile';

const registered = new WeakSet<object>();

export function registerPostgreenAdmin(RED: NodeAPI): void {
  // Module-level routes, like the account's test route: registered once per runtime, not per node.
  if (registered.has(RED.httpAdmin)) return;
  registered.add(RED.httpAdmin);
  const clientOf = (req: HttpRequest, res: HttpResponse): PostgreenClient | undefined => {
    const account = RED.nodes.getNode(req.params.account) as AccountNode | null;
    if (!account || typeof account.handle !== 'function' || account.provider !== 'postgreen') {
      res.status(404).json({ ok: false, message: 'deploy a PostGreen account first' });
      return undefined;
    }
    return account.handle().client as PostgreenClient;
  };
  const answer = (res: HttpResponse, work: Promise<unknown>): void => {
    work.then(
      (data) => res.json({ ok: true, ...(data as Record<string, unknown>) }),
      (e) => res.status(502).json({ ok: false, message: asFulfillmentError(e).message }),
    ).catch(() => undefined);
  };
  RED.httpAdmin.get('/fulfillment/postgreen/:account/services', RED.auth.needsPermission('fulfillment-account.read'), (req, res) => {
    const client = clientOf(req, res);
    if (client) answer(res, client.profile().then((p) => ({ services: p.services })));
  });
  RED.httpAdmin.get('/fulfillment/postgreen/:account/options', RED.auth.needsPermission('fulfillment-account.read'), (req, res) => {
    const client = clientOf(req, res);
    if (client) answer(res, client.optionCatalogue().then(catalogueView));
  });
}
