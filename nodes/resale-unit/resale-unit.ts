/**
 * fulfillment-resale-unit: list / add / update / delete delivergo Resale
 * Units. msg.payload in and out is the same object whatever the account's wire
 * format (JSON or XML); checked before anything is sent.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { clientFor } from '../runtime/account-ref';
import { busy, ok } from '../runtime/status';
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

    onInput(node, async (msg, send) => {
      let operation: ResaleUnitOperation;
      if (fixed) operation = fixed;
      else if (isOperation(msg.operation)) operation = msg.operation;
      else throw invalidInput('msg.operation', `must be one of ${RESALE_UNIT_OPERATIONS.join(', ')} (the node is set to take the operation from the message)`);
      const client = clientFor<DelivergoClient>(RED, def.account, node.type, 'manage Resale Units');
      assertNoPollution(msg.payload, 'msg.payload');
      node.status(busy(`${operation}…`));
      switch (operation) {
        case 'list': {
          const units = await client.list();
          msg.payload = units;
          msg.count = units.length;
          node.status(ok(`${units.length} resale units`));
          break;
        }
        case 'add': {
          const unit = await client.add(checkAdd(msg.payload));
          msg.payload = unit;
          node.status(ok(unit.Id !== undefined ? `added Id ${unit.Id}` : 'added'));
          break;
        }
        case 'update': {
          const unit = await client.update(checkUpdate(msg.payload));
          msg.payload = unit;
          node.status(ok(`updated Id ${unit.Id ?? ''}`.trim()));
          break;
        }
        case 'delete': {
          const body = checkDelete(msg.payload);
          msg.payload = await client.delete(body);
          node.status(ok(`deleted Id ${body.Id}`));
          break;
        }
      }
      msg.operation = operation;
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-resale-unit', ResaleUnitNode);
};
