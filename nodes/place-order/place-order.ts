/**
 * fulfillment-place-order: one order per message, in the provider's own body.
 * Validated before sending, sent once, guarded against doubles.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { busy, clock, markAccount, ok, statusTexts } from '../runtime/status';
import { loadRequest, numberSetting } from '../runtime/props';
import { repeatGuards } from '../runtime/shared-state';
import { explicitIdempotencyKey, sendOnce } from '../runtime/send-once';
import { idempotencyKey } from '../core/idempotency';
import { assertNoPollution } from '../core/validate';
import { activity, providerIdOf, referenceOf } from '../runtime/activity';

export = function register(RED: NodeAPI): void {
  function PlaceOrderNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const say = statusTexts(RED, node, 'place-order');
    const windowMs = numberSetting(RED, node, def, 'dedupeWindow', 86_400, 0) * 1000;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    // In the node's context, or in Redis when the account has a shared state (several instances).
    const guards = repeatGuards(RED, node, { windowMs, contextStore: store });
    markAccount(RED, node, def.account);
    const calls = activity.callLog(node, store);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const account = accountOf(RED, def.account);
      const order = capabilityOf(account, 'order', 'place orders');
      const guard = guards(account);
      assertNoPollution(msg.payload, 'msg.payload');
      const body = order.prepare(msg.payload);
      const explicitKey = explicitIdempotencyKey(msg);
      const key = explicitKey ?? (guard.enabled ? idempotencyKey(account.provider, body) : undefined);
      node.status(busy(say('ordering')));
      const result = await sendOnce(guard, key, account.provider, () => order.place(body), (r) => ({ state: 'placed', answer: r.payload }), {
        log: calls,
        operation: 'place order',
        idOf: (r) => providerIdOf(r.fields),
        referenceOf: (r) => referenceOf(r.fields),
      });
      msg.payload = result.payload;
      Object.assign(msg, result.fields);
      if (key) msg.idempotencyKey = key;
      node.status(ok(say('ordered', { time: clock() })));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-place-order', PlaceOrderNode);
};
