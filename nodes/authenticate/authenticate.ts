/**
 * fulfillment-authenticate (PostGreen): the account's session profile
 * (services, boxes, channels) and option catalogue, so a user sees which ids
 * to use. The session is shared with every other node of the account.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { clientFor } from '../runtime/account-ref';
import type { PostgreenClient } from '../providers/postgreen/client';
import { busy, ok } from '../runtime/status';
import { catalogueView } from '../providers/postgreen/profile';
import { registerPostgreenAdmin } from './admin';

export = function register(RED: NodeAPI): void {
  function AuthenticateNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    onInput(node, async (msg, send) => {
      const client = clientFor<PostgreenClient>(RED, def.account, node.type, 'authenticate');
      node.status(busy('authenticating'));
      const profile = msg.reauthenticate === true ? await client.authenticate() : await client.profile();
      const catalogue = await client.optionCatalogue(msg.reload === true);
      msg.payload = { services: profile.services, ...catalogueView(catalogue) };
      msg.services = profile.services;
      node.status(ok(`${profile.services.length} service(s), ${catalogue.types.length} option types`));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-authenticate', AuthenticateNode);
  registerPostgreenAdmin(RED);
};
