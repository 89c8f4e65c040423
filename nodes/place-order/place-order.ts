/**
 * fulfillment-place-order: one order per message, in the provider's own body.
 * Validated before sending, sent once, guarded against doubles.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { busy, ok } from '../runtime/status';
import { numberSetting } from '../runtime/props';
import { contextLedger } from '../runtime/ledger-store';
import { IdempotencyGuard, idempotencyKey } from '../core/idempotency';
import { asFulfillmentError, invalidInput } from '../core/errors';
import { assertNoPollution } from '../core/validate';

export = function register(RED: NodeAPI): void {
  function PlaceOrderNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const windowMs = numberSetting(node, def, 'dedupeWindow', 86_400, 0) * 1000;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    const guard = new IdempotencyGuard(contextLedger(node, store), windowMs);

    onInput(node, async (msg, send) => {
      const account = accountOf(RED, def.account);
      const order = capabilityOf(account, 'order', 'place orders');
      assertNoPollution(msg.payload, 'msg.payload');
      const body = order.prepare(msg.payload);
      const explicitKey = msg.idempotencyKey;
      if (explicitKey !== undefined && (typeof explicitKey !== 'string' || explicitKey === '' || explicitKey.length > 200)) {
        throw invalidInput('msg.idempotencyKey', 'must be a non-empty string of at most 200 characters');
      }
      const key = explicitKey ?? idempotencyKey(account.provider, body);
      await guard.claim(key, account.provider);
      node.status(busy(`ordering (${account.provider})`));
      let result;
      try {
        result = await order.place(body);
      } catch (e) {
        const fe = asFulfillmentError(e, account.provider);
        await guard.settle(key, fe.outcomeUnknown ? { state: 'unknown' } : { state: 'failed' });
        throw fe;
      }
      await guard.settle(key, { state: 'placed', answer: result.payload });
      msg.payload = result.payload;
      Object.assign(msg, result.fields);
      msg.idempotencyKey = key;
      node.status(ok(`ordered ${new Date().toLocaleTimeString()}`));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-place-order', PlaceOrderNode);
};
