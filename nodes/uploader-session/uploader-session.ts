/**
 * fulfillment-uploader-session (Probo): POST /products/uploader/create and
 * hand the session's id, external_id and url on (Probo's guide answers one
 * session; its specification lists them under `uploaders`, without external_id,
 * which then arrives with the uploader callback). The callback URL comes from
 * msg.payload, else the node's setting, else the chosen (or the only)
 * fulfillment-callback node in the same flow.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { clientFor } from '../runtime/account-ref';
import { busy, ok } from '../runtime/status';
import { evaluate } from '../runtime/props';
import { FulfillmentError, invalidInput } from '../core/errors';
import { assertNoPollution, isPlainObject } from '../core/validate';
import { ProboClient } from '../providers/probo/client';
import { checkPriceRequest, checkUploaderRequest } from '../providers/probo/validate';
import { calculationIdOf } from '../providers/probo/client';
import type { CallbackNode } from '../callback/callback-url';

interface NodeLister {
  eachNode?: (cb: (def: NodeDef) => void) => void;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export = function register(RED: NodeAPI): void {
  /** The callback node's URL: the one named, else the only callback node of this flow. */
  function callbackNodeUrl(node: Node, def: NodeDef): string | undefined {
    const named = typeof def.callbackNode === 'string' && def.callbackNode !== '' ? def.callbackNode : undefined;
    let ids: string[] = named ? [named] : [];
    const lister = RED.nodes as unknown as NodeLister;
    if (!named && typeof lister.eachNode === 'function') {
      lister.eachNode((d) => {
        if (d.type === 'fulfillment-callback' && d.z === node.z) ids.push(d.id);
      });
      if (ids.length > 1) {
        throw invalidInput('callbackNode', `this flow has ${ids.length} callback nodes; choose one in the uploader session node (or set msg.payload.callback_url)`, 'probo');
      }
    }
    ids = ids.slice(0, 1);
    const target = ids.length ? (RED.nodes.getNode(ids[0]) as CallbackNode | null) : null;
    return target && typeof target.callbackUrl === 'function' ? target.callbackUrl() : undefined;
  }

  function UploaderSessionNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;

    onInput(node, async (msg, send) => {
      const client = clientFor<ProboClient>(RED, def.account, node.type, 'create uploader sessions');
      assertNoPollution(msg.payload, 'msg.payload');
      const input: Record<string, unknown> = isPlainObject(msg.payload)
        ? { ...msg.payload }
        : typeof msg.payload === 'number' || typeof msg.payload === 'string'
          ? { calculation_id: msg.payload }
          : {};
      if (input.calculation_id === undefined && Array.isArray(input.products)) {
        // A price / configure answer may carry the id on its first product only.
        const first = input.products.find((p) => isPlainObject(p) && p.calculation_id !== undefined) as Record<string, unknown> | undefined;
        if (first) input.calculation_id = first.calculation_id;
      }
      if (input.calculation_id === undefined && Array.isArray(input.products)) {
        // A price request ({language, products}) without an id: calculate first, then open the session.
        const { callback_url: _callbackUrl, ...priceBody } = input;
        const priceRequest = checkPriceRequest(priceBody, 'msg.payload', def.calculateWith === 'configure' ? 'configure' : 'price');
        node.status(busy(def.calculateWith === 'configure' ? 'configuring' : 'pricing'));
        const priced = def.calculateWith === 'configure' ? await client.configure(priceRequest) : await client.price(priceRequest);
        if (def.calculateWith === 'configure' && priced.calculation_id === undefined && Array.isArray(priced.products) && priced.products.some((p) => p.can_order === false)) {
          throw new FulfillmentError({ provider: 'probo', kind: 'invalid_input', field: 'msg.payload.products', message: 'probo: the configuration is not complete (can_order is false); choose the options Probo lists in msg.error.response.products[].available_options', response: priced });
        }
        msg.price = priced;
        input.calculation_id = calculationIdOf(priced);
        if (input.calculation_id === undefined) {
          throw new FulfillmentError({ provider: 'probo', kind: 'malformed_response', message: 'probo: the price answer has no calculation_id', response: priced });
        }
      }
      if (input.language === undefined) {
        const language = await evaluate(RED, node, msg, def.language, def.languageType);
        if (language !== undefined && language !== '') input.language = language;
      }
      if (input.callback_url === undefined) {
        const configured = await evaluate(RED, node, msg, def.callbackUrl, def.callbackUrlType);
        input.callback_url = configured !== undefined && configured !== '' ? configured : callbackNodeUrl(node, def);
      }
      if (input.callback_url === undefined) {
        throw invalidInput('msg.payload.callback_url', 'is required: set it, fill in the node\'s callback URL, or add a fulfillment-callback node (with a secret) to this flow', 'probo');
      }
      const request = checkUploaderRequest(
        { calculation_id: input.calculation_id, callback_url: input.callback_url, language: input.language },
        'msg.payload',
      );
      // The callback secret travels in the URL: keep it out of error texts and msg.error.
      const secretSegment = /\/fulfillment\/callback\/.+\/([^/?#]+)$/.exec(request.callback_url)?.[1];
      if (secretSegment) client.http.redactor.add(secretSegment, safeDecode(secretSegment));
      node.status(busy('creating uploader session'));
      const created = await client.createUploader(request);
      // Probo may echo callback_url; its secret segment stays out of the message.
      msg.payload = client.http.redactor.data(created.answer);
      const ref = (x: { id: unknown; external_id?: unknown; url: string; product_id?: unknown }) => ({
        id: x.id,
        ...(x.external_id !== undefined ? { external_id: x.external_id } : {}),
        url: x.url,
        ...(x.product_id !== undefined ? { product_id: x.product_id } : {}),
      });
      msg.uploader = ref(created.session);
      msg.uploaders = created.sessions.map(ref);
      node.status(ok(`session ${String(created.session.id)}`));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-uploader-session', UploaderSessionNode);
};
