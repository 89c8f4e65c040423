/**
 * The editor's live lists (product codes, services…): one admin endpoint for
 * every provider, serving what its deployed account's `capabilities.choices`
 * offers. Read permission required; the answer holds values and labels only,
 * never a credential or token.
 *
 *   GET <admin root>/fulfillment/account/:id/choices        → the list names
 *   GET <admin root>/fulfillment/account/:id/choices/:list  → [{value, label}]
 */
import { Choice } from '../core/capabilities';
import { asFulfillmentError } from '../core/errors';
import { ProviderHandle } from '../core/descriptor';
import { AccountNode } from './account-ref';
import { HttpRequest, HttpResponse, NodeAPI } from './red';

export const CHOICES_PERMISSION = 'fulfillment-account.read';
/** Enough for any catalogue an editor can show; a longer list is cut, and says so. */
const MAX_CHOICES = 5000;
const MAX_TEXT = 200;

const registered = new WeakSet<object>();

type Lists = Record<string, () => Promise<Choice[]>>;

export function registerChoicesRoute(RED: NodeAPI): void {
  // Registered once per runtime, however many node modules call this.
  if (registered.has(RED.httpAdmin)) return;
  registered.add(RED.httpAdmin);

  /** The deployed account's lists, or undefined once an answer has been sent. */
  const listsOf = (req: HttpRequest, res: HttpResponse): { provider: string; lists: Lists } | undefined => {
    const account = RED.nodes.getNode(req.params.id) as AccountNode | null;
    if (!account || typeof account.handle !== 'function') {
      res.status(404).json({ ok: false, reason: 'not_deployed', message: 'this account is not deployed yet: deploy it, then its lists can be read' });
      return undefined;
    }
    let handle: ProviderHandle;
    try {
      handle = account.handle();
    } catch (e) {
      res.status(409).json({ ok: false, reason: 'account', message: asFulfillmentError(e).message });
      return undefined;
    }
    return { provider: account.provider, lists: handle.capabilities.choices ?? {} };
  };

  RED.httpAdmin.get('/fulfillment/account/:id/choices', RED.auth.needsPermission(CHOICES_PERMISSION), (req, res) => {
    const found = listsOf(req, res);
    if (found) res.json({ ok: true, provider: found.provider, lists: Object.keys(found.lists) });
  });

  RED.httpAdmin.get('/fulfillment/account/:id/choices/:list', RED.auth.needsPermission(CHOICES_PERMISSION), (req, res) => {
    const found = listsOf(req, res);
    if (!found) return;
    const name = req.params.list;
    const read = Object.prototype.hasOwnProperty.call(found.lists, name) ? found.lists[name] : undefined;
    if (typeof read !== 'function') {
      const names = Object.keys(found.lists);
      res.status(404).json({ ok: false, reason: 'unknown_list', lists: names, message: `${found.provider} has no list "${name.slice(0, 60)}"; it has ${names.length > 0 ? names.join(', ') : 'none'}` });
      return;
    }
    Promise.resolve()
      .then(read)
      .then(
        (choices) => {
          const list = Array.isArray(choices) ? choices : [];
          res.json({ ok: true, provider: found.provider, list: name, truncated: list.length > MAX_CHOICES, choices: list.slice(0, MAX_CHOICES).map(plain) });
        },
        (e) => res.status(502).json({ ok: false, reason: 'provider', message: asFulfillmentError(e).message }),
      )
      .catch(() => undefined);
  });
}

/** Only a value and a label travel to the editor, as bounded strings. */
function plain(c: Choice): Choice {
  const value = String(c?.value ?? '').slice(0, MAX_TEXT);
  const label = String(c?.label ?? value).slice(0, MAX_TEXT);
  return { value, label };
}
