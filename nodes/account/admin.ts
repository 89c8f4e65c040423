/**
 * Admin endpoint behind the account dialog's "test connection" button. It
 * tests the deployed account (credentials never travel back to the editor)
 * and always needs the editor's write permission.
 */
import { NodeAPI, HttpRequest, HttpResponse } from '../runtime/red';
import { AccountNode } from '../runtime/account-ref';
import { asFulfillmentError } from '../core/errors';

export function registerAccountAdmin(RED: NodeAPI): void {
  RED.httpAdmin.post('/fulfillment/account/:id/test', RED.auth.needsPermission('fulfillment-account.write'), (req: HttpRequest, res: HttpResponse) => {
    const account = RED.nodes.getNode(req.params.id) as AccountNode | null;
    if (!account || typeof account.handle !== 'function') {
      res.status(404).json({ ok: false, message: 'deploy the account first, then test it' });
      return;
    }
    Promise.resolve()
      .then(async () => {
        const probe = account.handle().capabilities.probe;
        if (!probe) return `${account.provider}: account configured (this provider has no cheap test call)`;
        return probe();
      })
      .then(
        (message) => res.json({ ok: true, message }),
        (e) => res.json({ ok: false, message: asFulfillmentError(e).message }),
      )
      .catch(() => undefined);
  });
}
