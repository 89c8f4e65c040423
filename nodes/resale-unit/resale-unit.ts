/**
 * fulfillment-resale-unit: list / add / update / delete delivergo Resale
 * Units. msg.payload in and out is the same object whatever the account's wire
 * format (JSON or XML); checked before anything is sent. With a shared
 * state on the account (several instances running this flow), the same
 * add / update / delete is sent once across all of them.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, clientFor } from '../runtime/account-ref';
import { busy, clock, markAccount, ok, statusTexts } from '../runtime/status';
import { loadRequest, numberSetting } from '../runtime/props';
import { sharedRepeatGuards } from '../runtime/shared-state';
import { explicitIdempotencyKey, sendOnce } from '../runtime/send-once';
import { idempotencyKey } from '../core/idempotency';
import { invalidInput } from '../core/errors';
import { assertNoPollution } from '../core/validate';
import { DelivergoClient } from '../providers/delivergo/client';
import { checkAdd, checkDelete, checkUpdate } from '../providers/delivergo/validate';
import { RESALE_UNIT_OPERATIONS, ResaleUnitOperation } from '../providers/delivergo/types';

function isOperation(value: unknown): value is ResaleUnitOperation {
  return typeof value === 'string' && (RESALE_UNIT_OPERATIONS as readonly string[]).includes(value);
}

export = function register(RED: NodeAPI): void {
  function ResaleUnitNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const fixed = isOperation(def.operation) ? def.operation : undefined;
    const say = statusTexts(RED, node, 'resale-unit');
    markAccount(RED, node, def.account);
    // Short by default: the same edit made again later (a price set back) is meant.
    const guards = sharedRepeatGuards(RED, node, numberSetting(RED, node, def, 'dedupeWindow', 60, 0) * 1000);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      let operation: ResaleUnitOperation;
      if (fixed) operation = fixed;
      else if (isOperation(msg.operation)) operation = msg.operation;
      else throw invalidInput('msg.operation', `must be one of ${RESALE_UNIT_OPERATIONS.join(', ')} (the node is set to take the operation from the message)`);
      const client = clientFor<DelivergoClient>(RED, def.account, node.type, 'manage Resale Units');
      assertNoPollution(msg.payload, 'msg.payload');
      const guard = operation === 'list' ? undefined : guards(accountOf(RED, def.account));
      const explicitKey = guard ? explicitIdempotencyKey(msg, 'delivergo') : undefined;
      // Sent once across instances when the account has a shared state; as before otherwise.
      const once = <T>(body: unknown, send: () => Promise<T>): Promise<T> => {
        if (!guard) return send();
        const key = guard.enabled ? (explicitKey ?? idempotencyKey('delivergo', { operation, body })) : undefined;
        if (key) msg.idempotencyKey = key;
        return sendOnce(guard, key, 'delivergo', send, (answer) => ({ state: 'placed', answer }));
      };
      node.status(busy(say('working', { operation })));
      switch (operation) {
        case 'list': {
          const units = await client.list();
          msg.payload = units;
          msg.count = units.length;
          node.status(ok(say('listed', { count: units.length, time: clock() })));
          break;
        }
        case 'add': {
          const body = checkAdd(msg.payload);
          const unit = await once(body, () => client.add(body));
          msg.payload = unit;
          node.status(ok(say('added', { time: clock() })));
          break;
        }
        case 'update': {
          const body = checkUpdate(msg.payload);
          const unit = await once(body, () => client.update(body));
          msg.payload = unit;
          node.status(ok(say('updated', { time: clock() })));
          break;
        }
        case 'delete': {
          const body = checkDelete(msg.payload);
          msg.payload = await once(body, () => client.delete(body));
          node.status(ok(say('deleted', { time: clock() })));
          break;
        }
      }
      msg.operation = operation;
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-resale-unit', ResaleUnitNode);
};
