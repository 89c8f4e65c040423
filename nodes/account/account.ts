/**
 * fulfillment-account: one config node type for every provider. Holds the
 * credentials (Node-RED's credential store only) and owns the provider client
 * that every node using this account shares; closes it on redeploy.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { AccountNode } from '../runtime/account-ref';
import { createProvider, isProviderName, ProviderHandle } from '../providers';
import { settingsFrom } from '../runtime/account-settings';
import { FulfillmentError } from '../core/errors';
import { registerAccountAdmin } from './admin';

export = function register(RED: NodeAPI): void {
  function AccountNodeCtor(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const self = this as AccountNode;
    const provider = def.provider;
    let handle: ProviderHandle | undefined;
    let closed = false;
    self.provider = isProviderName(provider) ? provider : ('planviewer' as const);

    self.handle = () => {
      if (closed) throw new FulfillmentError({ kind: 'cancelled', message: 'the account is being closed (redeploy)' });
      if (!isProviderName(provider)) {
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

  RED.nodes.registerType('fulfillment-account', AccountNodeCtor, {
    credentials: {
      apiKey: { type: 'password' },
      apiSecret: { type: 'password' },
      username: { type: 'text' },
      password: { type: 'password' },
      accessToken: { type: 'password' },
    },
  });
  registerAccountAdmin(RED);
};
