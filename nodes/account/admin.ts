/**
 * Admin endpoints behind the account dialog and the editors' live lists.
 *
 * POST /fulfillment/account/:id/test (fulfillment-account.write): tests an
 * account. With a body (the dialog's values) it tests those, before any
 * deploy; secrets the editor only knows as stored (`{stored: true}`) are
 * taken from the deployed account's credentials. Without a body it tests the
 * deployed account. Nothing of the request is logged, and the answer carries
 * the provider's verdict only (error texts are redacted by the client).
 *
 * The live lists for the editors' suggestions are runtime/choices-route.ts.
 */
import { NodeAPI, HttpRequest, HttpResponse, NodeDef } from '../runtime/red';
import { AccountNode } from '../runtime/account-ref';
import { settingsFrom } from '../runtime/account-settings';
import { createProvider, ProviderHandle } from '../providers';
import { CREDENTIAL_KEYS } from '../core/descriptor';
import { asFulfillmentError } from '../core/errors';
import { isPlainObject } from '../core/validate';
import { nothingListensHint } from '../runtime/input';

type Credentials = Record<string, string | undefined>;

interface CredentialStore {
  getCredentials?(id: string): Credentials | undefined;
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

/** What the deployed account (or a stored credential) knows, never sent back to the editor. */
function storedCredentials(RED: NodeAPI, id: string): Credentials {
  const fromRuntime = (RED.nodes as unknown as CredentialStore).getCredentials?.(id);
  if (fromRuntime) return fromRuntime;
  const node = RED.nodes.getNode(id) as AccountNode | null;
  return node?.credentials ?? {};
}

/** The dialog's values as the account node's properties and credentials. */
function fromDialog(RED: NodeAPI, id: string, body: Record<string, unknown>): { def: NodeDef; creds: Credentials } {
  const settings = isPlainObject(body.settings) ? body.settings : {};
  const given = isPlainObject(body.credentials) ? body.credentials : {};
  const def: NodeDef = {
    ...settings,
    id,
    type: 'fulfillment-account',
    provider: body.provider,
    baseUrl: body.baseUrl,
    timeout: body.timeout,
    maxResponseMb: body.maxResponseMb,
  };
  let stored: Credentials | undefined;
  const creds: Credentials = {};
  for (const key of CREDENTIAL_KEYS) {
    const v = given[key];
    if (typeof v === 'string') creds[key] = v;
    else if (isPlainObject(v) && v.stored === true) creds[key] = (stored ??= storedCredentials(RED, id))[key];
  }
  return { def, creds };
}

async function probeOf(handle: ProviderHandle): Promise<string> {
  const probe = handle.capabilities.probe;
  return probe ? probe() : `${handle.provider}: account configured (this provider has no cheap test call)`;
}

export function registerAccountAdmin(RED: NodeAPI): void {
  RED.httpAdmin.post('/fulfillment/account/:id/test', RED.auth.needsPermission('fulfillment-account.write'), (req: HttpRequest, res: HttpResponse) => {
    const id = req.params.id;
    const body = isPlainObject(req.body) && typeof req.body.provider === 'string' ? req.body : undefined;
    if (!ID.test(id)) {
      res.status(400).json({ ok: false, message: 'not an account id' });
      return;
    }
    const test = async (): Promise<string> => {
      if (body) {
        const { def, creds } = fromDialog(RED, id, body);
        // A client of its own, closed after the test: the deployed account keeps its connection.
        const handle = createProvider(settingsFrom(def, creds));
        try {
          return await probeOf(handle);
        } finally {
          await handle.close().catch(() => undefined);
        }
      }
      const account = RED.nodes.getNode(id) as AccountNode | null;
      if (!account || typeof account.handle !== 'function') throw new Error('deploy the account first, then test it');
      return probeOf(account.handle());
    };
    test()
      .then(
        (message) => res.json({ ok: true, message }),
        (e) => {
          const fe = asFulfillmentError(e);
          res.json({ ok: false, message: fe.message + (nothingListensHint(fe) ?? '') });
        },
      )
      .catch(() => undefined);
  });
}
