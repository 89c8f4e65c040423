/**
 * fulfillment-resale-unit: list / add / update / delete delivergo Resale
 * Units. msg.payload in and out is the same object whatever the account's wire
 * format (JSON or XML); checked before anything is sent. The repeat guard
 * refuses the same add / update / delete within its window (in Redis across
 * instances with a shared state); list is a read and is not guarded.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, clientFor } from '../runtime/account-ref';
import { busy, clock, markAccount, ok, statusTexts } from '../runtime/status';
import { loadRequest, numberSetting } from '../runtime/props';
import { repeatGuards } from '../runtime/shared-state';
import { explicitIdempotencyKey, sendOnce } from '../runtime/send-once';
import { GuardWording, idempotencyKey } from '../core/idempotency';
import { activity, providerIdOf } from '../runtime/activity';
import { invalidInput } from '../core/errors';
import { assertNoPollution } from '../core/validate';
import { DelivergoClient } from '../providers/delivergo/client';
import { checkAdd, checkDelete, checkUpdate } from '../providers/delivergo/validate';
import { RESALE_UNIT_OPERATIONS, ResaleUnitOperation } from '../providers/delivergo/types';

const WORDING: GuardWording = { what: 'this resale unit change', done: 'sent', again: 'send it once more' };

/** The unit's first name, so the sidebar's list says which unit a call was about. */
function unitName(unit: unknown): string | undefined {
  const translations = unit && typeof unit === 'object' ? (unit as { ResaleUnitTranslation?: unknown }).ResaleUnitTranslation : undefined;
  const first: unknown = Array.isArray(translations) ? translations[0] : undefined;
  const name = first && typeof first === 'object' ? (first as { Name?: unknown }).Name : undefined;
  return typeof name === 'string' && name !== '' ? name.slice(0, 200) : undefined;
}

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
    // Ten minutes: long enough for a flow's retries after a timeout and a replayed message, short
    // enough that setting a unit back later (Active again) is not refused as a repeat.
    const windowMs = numberSetting(RED, node, def, 'dedupeWindow', 600, 0) * 1000;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    const guards = repeatGuards(RED, node, { windowMs, contextStore: store, ledgerPrefix: 'unit_', wording: WORDING });
    const calls = activity.callLog(node, store);

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
      const once = async <T>(body: unknown, send: () => Promise<T>): Promise<T> => {
        if (!guard) return send();
        const key = explicitKey ?? (guard.enabled ? idempotencyKey('delivergo', { operation, body }) : undefined);
        const result = await sendOnce(guard, key, 'delivergo', send, (answer) => ({ state: 'placed', answer }), {
          log: calls,
          operation: `${operation} resale unit`,
          idOf: (unit) => providerIdOf(unit) ?? providerIdOf(body),
          referenceOf: (unit) => unitName(unit) ?? unitName(body),
        });
        if (key) msg.idempotencyKey = key;
        return result;
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
