/**
 * fulfillment-account: one config node type for every provider. Holds the
 * credentials (Node-RED's credential store only) and owns the provider client
 * that every node using this account shares; closes it on redeploy.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { AccountNode } from '../runtime/account-ref';
import { createProvider, descriptorOf, descriptors, providerInfos, ProviderHandle } from '../providers';
import { CredentialKey } from '../core/descriptor';
import { settingsFrom, DEFAULT_MAX_RESPONSE_MB } from '../runtime/account-settings';
import { FulfillmentError } from '../core/errors';
import { registerAccountAdmin } from './admin';
import { registerChoicesRoute } from '../runtime/choices-route';
import { isSandboxUrl, sandboxOrigin } from './sandbox';

export = function register(RED: NodeAPI): void {
  function AccountNodeCtor(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const self = this as AccountNode;
    const descriptor = descriptorOf(def.provider);
    let handle: ProviderHandle | undefined;
    let closed = false;
    self.provider = descriptor?.name ?? String(def.provider ?? '');
    self.descriptor = descriptor;
    // Read by the nodes that use this account, for their "sandbox" / "live" status.
    (self as AccountNode & { sandbox: boolean }).sandbox = isSandboxUrl(descriptor?.sandboxPath, def.baseUrl);
    self.sharedStateId = typeof def.sharedState === 'string' && def.sharedState !== '' && def.sharedState !== '_ADD_' ? def.sharedState : undefined;

    self.handle = () => {
      if (closed) throw new FulfillmentError({ kind: 'cancelled', message: 'the account is being closed (redeploy)' });
      if (!descriptor) {
        throw new FulfillmentError({ kind: 'config', field: 'provider', message: `the account "${def.name || def.id}" has no valid provider` });
      }
      if (!handle) handle = createProvider(settingsFrom(def, self.credentials ?? {}));
      return handle;
    };

    self.on('close', (_removed, done) => {
      closed = true;
      const h = handle;
      handle = undefined;
      if (!h) return done();
      // Logout and socket teardown must not hold a redeploy forever.
      const guard = setTimeout(done, 5000);
      h.close().catch(() => undefined).finally(() => {
        clearTimeout(guard);
        done();
      });
    });
  }

  // Every credential any provider declares; a secret one is never sent back to the editor.
  const credentials: Partial<Record<CredentialKey, { type: 'text' | 'password' }>> = {};
  for (const d of descriptors()) {
    for (const c of d.credentials) if (credentials[c.key]?.type !== 'password') credentials[c.key] = { type: c.secret ? 'password' : 'text' };
  }
  RED.nodes.registerType('fulfillment-account', AccountNodeCtor, {
    credentials,
    // The editor draws the account dialog and checks every node's account from these.
    settings: {
      fulfillmentAccountProviders: { value: providerInfos(), exportable: true },
      // The runtime's default largest answer, so a new account in the editor gets the same one.
      fulfillmentAccountMaxResponseMb: { value: DEFAULT_MAX_RESPONSE_MB, exportable: true },
      // Where "use the sandbox" points (SANDBOX_PORT moves it).
      fulfillmentAccountSandboxOrigin: { value: sandboxOrigin(), exportable: true },
    },
  });
  registerAccountAdmin(RED);
  // The editors' live lists; also registered by the operation node (once per runtime).
  registerChoicesRoute(RED);
};
