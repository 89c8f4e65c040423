/**
 * fulfillment-operation: any documented operation of the account's provider
 * that has no node of its own, chosen by name (node setting, or msg.operation).
 * The provider's operation checks msg.payload before anything is sent; an
 * operation that changes something is sent once and guarded like an order.
 */
import { NodeAPI, Node, NodeDef, NodeMessage } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, AccountNode, providersFor } from '../runtime/account-ref';
import { busy, markAccount, ok, StatusText, statusTexts } from '../runtime/status';
import { loadRequest, numberSetting } from '../runtime/props';
import { repeatGuards } from '../runtime/shared-state';
import { explicitIdempotencyKey, sendOnce } from '../runtime/send-once';
import { registerChoicesRoute } from '../runtime/choices-route';
import { ActionResult, OperationCapability } from '../core/capabilities';
import { OperationInfo } from '../core/descriptor';
import { FulfillmentError, invalidInput } from '../core/errors';
import { idempotencyKey } from '../core/idempotency';
import { assertNoPollution, isPlainObject } from '../core/validate';
import { activity, providerIdOf, referenceOf } from '../runtime/activity';

export = function register(RED: NodeAPI): void {
  function OperationNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const say = statusTexts(RED, node, 'operation');
    const windowMs = numberSetting(RED, node, def, 'dedupeWindow', 86_400, 0) * 1000;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    // In the node's context, or in Redis when the account has a shared state (several instances).
    const guards = repeatGuards(RED, node, { windowMs, contextStore: store });
    const calls = activity.callLog(node, store);
    const configured = typeof def.operation === 'string' ? def.operation.trim() : '';
    const choiceSetting = typeof def.choice === 'string' ? def.choice.trim() : '';
    markAccount(RED, node, def.account);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const account = accountOf(RED, def.account);
      const name = operationName(msg, configured);
      const op = operationOf(account, name, msg.operation !== undefined);
      assertNoPollution(msg.payload, 'msg.payload');
      // The node's choice (a product code…) belongs to its own operation only.
      const input = name === configured ? withChoice(msg.payload, op.info, choiceSetting) : msg.payload;
      const prepared = op.prepare(input);
      node.status(busy(say('sending', { operation: name })));
      let result: ActionResult;
      if (op.info.changes) {
        const guard = guards(account);
        // A key in msg is added to the request's identity, not put in its place: place order
        // leaves its own key on the message, and the select or cancel that follows is another request.
        const explicitKey = explicitIdempotencyKey(msg, account.provider);
        const key = guard.enabled ? idempotencyKey(account.provider, { operation: name, input: prepared, ...(explicitKey !== undefined ? { key: explicitKey } : {}) }) : undefined;
        result = await sendOnce(guard, key, account.provider, () => op.run(prepared), (r) => ({ state: 'placed', answer: r.payload }), {
          log: calls,
          operation: name,
          idOf: (r) => providerIdOf(r.fields) ?? providerIdOf(prepared),
          referenceOf: (r) => referenceOf(r.fields),
        }).catch((e: unknown) => {
          throw inWordsOf(name, e);
        });
        if (key) msg.idempotencyKey = key;
      } else {
        result = await op.run(prepared);
      }
      msg.payload = result.payload;
      Object.assign(msg, result.fields);
      // Consumed here: passed on, it would make the next operation node run this one again.
      delete msg.operation;
      node.status(ok(`${name} · ${summary(op.info, result, say)}`));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-operation', OperationNode);
  registerChoicesRoute(RED);
};

function operationName(msg: NodeMessage, configured: string): string {
  const given = msg.operation;
  if (given !== undefined) {
    if (typeof given !== 'string' || given.trim() === '' || given.length > 100) throw invalidInput('msg.operation', 'must be the name of one of the provider\'s operations');
    return given.trim();
  }
  if (configured === '') {
    throw new FulfillmentError({ kind: 'config', field: 'operation', message: 'no operation chosen: choose one on the node, or set msg.operation' });
  }
  return configured;
}

function operationOf(account: AccountNode, name: string, fromMsg: boolean): OperationCapability {
  const operations = account.handle().capabilities.operations ?? {};
  const names = Object.keys(operations);
  if (names.length === 0) {
    const able = providersFor('operations');
    throw new FulfillmentError({
      kind: 'unsupported',
      provider: account.provider,
      field: 'account',
      message: `${account.provider}: this provider has no operations; choose an account of ${able.length > 0 ? able.join(', ') : 'another provider'}`,
    });
  }
  const op = Object.prototype.hasOwnProperty.call(operations, name) ? operations[name] : undefined;
  if (!op) {
    throw new FulfillmentError({
      kind: fromMsg ? 'invalid_input' : 'config',
      provider: account.provider,
      field: fromMsg ? 'msg.operation' : 'operation',
      message: `${account.provider} has no operation "${name.slice(0, 60)}"; it has ${names.join(', ')}`,
    });
  }
  return op;
}

/** Fills the operation's choice field (e.g. products) from the node's setting when msg.payload leaves it out. */
function withChoice(payload: unknown, info: OperationInfo, value: string): unknown {
  if (!info.choice || value === '') return payload;
  const base = payload === undefined || payload === null ? {} : payload;
  if (!isPlainObject(base) || base[info.choice.field] !== undefined) return payload;
  const values = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  return { ...base, [info.choice.field]: info.choice.many ? values : values[0] };
}

/** The repeat guard speaks of orders; here the repeated request is an operation (select, cancel). */
function inWordsOf(operation: string, e: unknown): unknown {
  if (!(e instanceof FulfillmentError) || e.kind !== 'duplicate') return e;
  e.message = e.message
    .replace('this order was already placed', `this ${operation} was already sent`)
    .replace('an earlier attempt of this order', `an earlier ${operation} of the same input`)
    .replace('this order is being sent', `this ${operation} is being sent`)
    .replace('to order it once more', 'to send it once more');
  return e;
}

/** "3 found" for lists (the first listed field, else the answer), "sent" for changes. */
function summary(info: OperationInfo, result: ActionResult, say: StatusText): string {
  if (info.changes) return say('sent');
  const list = Object.values(result.fields).find(Array.isArray) ?? (Array.isArray(result.payload) ? result.payload : undefined);
  return list ? say('found', { count: list.length }) : say('done');
}
