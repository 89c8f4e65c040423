/**
 * fulfillment-create-delivery (PostGreen): CheckOptions, option names -> ids,
 * then POST /deliveries/commands once. Everything is checked before the
 * command is sent, and the repeat guard refuses the same delivery again
 * before anything is sent (in Redis across instances with a shared state).
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, clientFor } from '../runtime/account-ref';
import type { PostgreenClient } from '../providers/postgreen/client';
import { evaluate, loadRequest, numberSetting } from '../runtime/props';
import { repeatGuards } from '../runtime/shared-state';
import { explicitIdempotencyKey, prepareThenSendOnce } from '../runtime/send-once';
import { GuardWording, idempotencyKey } from '../core/idempotency';
import { busy, clock, markAccount, ok, statusTexts } from '../runtime/status';
import { invalidInput } from '../core/errors';
import { assertNoPollution, isPlainObject } from '../core/validate';
import { jobIdValue } from '../providers/postgreen/capabilities';
import { epochMs, planDelivery } from '../providers/postgreen/delivery';
import { PostgreenId } from '../providers/postgreen/types';
import { activity, providerIdOf } from '../runtime/activity';

const WORDING: GuardWording = { what: 'this delivery command', done: 'sent', again: 'send it once more' };

export = function register(RED: NodeAPI): void {
  function CreateDeliveryNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const say = statusTexts(RED, node, 'create-delivery');
    markAccount(RED, node, def.account);
    // An hour, as create job (which usually comes just before): retries, replays and double clicks fall
    // inside it, while the job id in the key keeps any other job's delivery apart.
    const windowMs = numberSetting(RED, node, def, 'dedupeWindow', 3600, 0) * 1000;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    const guards = repeatGuards(RED, node, { windowMs, contextStore: store, ledgerPrefix: 'delivery_', wording: WORDING });
    const calls = activity.callLog(node, store);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const client = clientFor<PostgreenClient>(RED, def.account, node.type, 'create deliveries');
      const guard = guards(accountOf(RED, def.account));
      const explicitKey = explicitIdempotencyKey(msg, 'postgreen');
      const p = isPlainObject(msg.payload) ? msg.payload : {};
      assertNoPollution(msg.payload, 'msg.payload');
      // The command sends the job id in the type the job answer gave it: a number stays a number.
      const jobId = jobIdValue(isPlainObject(msg.payload) ? (msg.payload.jobId ?? msg.jobId) : msg.payload ?? msg.jobId, 'msg.payload.jobId', msg.payload, msg.jobId);
      const channel = p.channel ?? (await evaluate(RED, node, msg, def.channel, def.channelType));
      if (channel !== undefined && typeof channel !== 'string') throw invalidInput('channel', 'must be a channel label', 'postgreen');
      const outputFile = p.outputFile ?? (typeof def.outputFile === 'string' && def.outputFile !== '' ? def.outputFile : 'MAIN');
      if (typeof outputFile !== 'string') throw invalidInput('outputFile', 'must be an output file name such as MAIN', 'postgreen');
      const nodeOptions = p.options === undefined && def.options !== '' && def.options !== undefined ? await evaluate(RED, node, msg, def.options, def.optionsType || 'json') : undefined;
      const options = p.options ?? nodeOptions ?? {};
      if (!isPlainObject(options)) throw invalidInput('options', 'must be an object like {"print_mode": "2SIDE"}', 'postgreen');
      const packGroupIds = p.packGroupIds;
      // Ids keep their type: a pack group id given as a number is sent as a number.
      if (packGroupIds !== undefined && (!Array.isArray(packGroupIds) || packGroupIds.some((x) => !((typeof x === 'string' && x !== '') || (typeof x === 'number' && Number.isFinite(x)))))) {
        throw invalidInput('packGroupIds', 'must be an array of pack group ids', 'postgreen');
      }
      const expectedPostDate = epochMs(p.expectedPostDate ?? msg.expectedPostDate, 'expectedPostDate');
      if (expectedPostDate !== undefined && expectedPostDate <= Date.now()) {
        throw invalidInput('expectedPostDate', `must be in the future (got ${new Date(expectedPostDate).toISOString()})`, 'postgreen');
      }
      const input = { jobId, options, channel: channel || undefined, outputFile, packGroupIds: packGroupIds as PostgreenId[] | undefined, expectedPostDate };
      // From what the message asks for, so the same delivery is refused before CheckOptions is even asked.
      const key = explicitKey ?? (guard.enabled ? idempotencyKey('postgreen', { delivery: input }) : undefined);
      node.status(busy(say('checking')));
      const { prepared, result } = await prepareThenSendOnce(
        guard,
        key,
        'postgreen',
        async () => {
          const [selectable, lookup, profile] = await Promise.all([client.checkOptions(jobId), client.optionLookup(), client.profile()]);
          const command = planDelivery(input, selectable, lookup, profile);
          node.status(busy(say('creating')));
          return { selectable, command };
        },
        ({ command }) => client.createDeliveryCommand(command),
        (answer) => ({ state: 'placed', answer }),
        { log: calls, operation: 'create delivery', idOf: (d) => providerIdOf(d) ?? String(jobId) },
      );
      msg.payload = result;
      if (key) msg.idempotencyKey = key;
      msg.jobId = jobId;
      msg.deliveryCommand = prepared.command;
      msg.selectableOptions = prepared.selectable;
      node.status(ok(say('created', { time: clock() })));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-create-delivery', CreateDeliveryNode);
};
