/**
 * fulfillment-create-job (PostGreen): POST /jobs with the message's file(s),
 * classic, with auto-created deliveries, or mail-merge (`packRequirements`).
 * Sent once; a PROCESSING_ERROR answer is an error naming the files.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { clientFor } from '../runtime/account-ref';
import type { PostgreenClient } from '../providers/postgreen/client';
import { evaluate, loadRequest, numberSetting } from '../runtime/props';
import { accountOf } from '../runtime/account-ref';
import { repeatGuards } from '../runtime/shared-state';
import { explicitIdempotencyKey, sendOnce } from '../runtime/send-once';
import { idempotencyKey } from '../core/idempotency';
import { busy, clock, markAccount, ok, statusTexts, waiting } from '../runtime/status';
import { FulfillmentError, invalidInput } from '../core/errors';
import { assertNoPollution, isPlainObject } from '../core/validate';
import { fileLabel, filesFingerprint, filesFromPayload } from '../providers/postgreen/input';
import { notEligibleCount } from '../providers/postgreen/parse';
import { PostgreenCreateJobRequest } from '../providers/postgreen/types';
import { activity } from '../runtime/activity';

type Mode = 'classic' | 'autocreate' | 'mailmerge';

export = function register(RED: NodeAPI): void {
  function CreateJobNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const mode: Mode = def.mode === 'autocreate' || def.mode === 'mailmerge' ? def.mode : 'classic';
    const say = statusTexts(RED, node, 'create-job');
    const windowMs = numberSetting(RED, node, def, 'dedupeWindow', 3600, 0) * 1000;
    markAccount(RED, node, def.account);
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    const guards = repeatGuards(RED, node, { windowMs, contextStore: store, ledgerPrefix: 'job_' });
    const calls = activity.callLog(node, store);

    const text = async (msg: Parameters<typeof evaluate>[2], value: unknown, type: unknown, field: string): Promise<string | undefined> => {
      const v = await evaluate(RED, node, msg, value, type);
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v !== 'string' && typeof v !== 'number') throw invalidInput(field, 'must be a string', 'postgreen');
      return String(v);
    };

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const client = clientFor<PostgreenClient>(RED, def.account, node.type, 'create jobs');
      const guard = guards(accountOf(RED, def.account));
      const serviceId = await text(msg, def.service, def.serviceType, 'service');
      if (!serviceId) throw invalidInput('service', 'set the service id on the node (see the authenticate node output) or in the msg property it names', 'postgreen');
      const box = await text(msg, def.box, def.boxType, 'box');
      const jobName = (await text(msg, def.jobName, def.jobNameType, 'jobName')) ?? `Node-RED ${new Date().toISOString()}`;
      const files = filesFromPayload(msg.payload, { box, filename: typeof msg.filename === 'string' ? msg.filename : undefined });
      const request: PostgreenCreateJobRequest = { jobName, serviceId, autocreateDeliveryCommand: mode === 'autocreate', files };
      if (mode === 'mailmerge') {
        const fromNode = msg.packRequirements === undefined && def.packRequirements !== '' && def.packRequirements !== undefined
          ? await evaluate(RED, node, msg, def.packRequirements, def.packRequirementsType || 'json')
          : undefined;
        const req = msg.packRequirements ?? fromNode;
        if (!isPlainObject(req) || Object.keys(req).length === 0) {
          throw invalidInput('packRequirements', 'mail-merge needs msg.packRequirements (or the node property), e.g. {"POSTAL_ADDRESS_RECIPIENT": "NAME\\nSTREET\\nZIP CITY"}', 'postgreen');
        }
        assertNoPollution(req, 'packRequirements');
        request.packRequirements = req as PostgreenCreateJobRequest['packRequirements'];
      } else if (mode === 'autocreate' && msg.packRequirements !== undefined) {
        // A mail-merge job whose deliveries the platform creates itself: the same JobCreationParameter.
        if (!isPlainObject(msg.packRequirements)) throw invalidInput('packRequirements', 'must be an object of requirement name -> value', 'postgreen');
        assertNoPollution(msg.packRequirements, 'packRequirements');
        request.packRequirements = msg.packRequirements as PostgreenCreateJobRequest['packRequirements'];
      }
      if (msg.serviceFiles !== undefined) request.serviceFiles = msg.serviceFiles as Record<string, string[]>;
      const explicitKey = explicitIdempotencyKey(msg, 'postgreen');
      const fingerprint = explicitKey === undefined && guard.enabled ? await filesFingerprint(files) : undefined;
      const key = explicitKey ?? (fingerprint ? idempotencyKey('postgreen', { serviceId, jobName, mode, packRequirements: request.packRequirements ?? null, files: fingerprint }) : undefined);
      node.status(busy(say('uploading', { count: files.length })));
      // A PROCESSING_ERROR job holds nothing to deliver: the same files may be sent again.
      const job = await sendOnce(guard, key, 'postgreen', () => client.createJob(request), (j) => (j.status === 'PROCESSING_ERROR' ? { state: 'failed' } : { state: 'placed', answer: j }), {
        log: calls,
        operation: 'create job',
        idOf: (j) => (j.jobId === undefined ? undefined : String(j.jobId)),
        referenceOf: () => jobName,
      });
      if (key) msg.idempotencyKey = key;
      msg.jobId = job.jobId;
      msg.payload = job;
      if (job.status === 'PROCESSING_ERROR') {
        const names = files.map(fileLabel).join(', ');
        throw new FulfillmentError({
          provider: 'postgreen',
          kind: 'http',
          providerCode: 'PROCESSING_ERROR',
          message: `postgreen: job ${job.jobId} ended in PROCESSING_ERROR: the files ${names} are not correct for service ${serviceId} (impossible to split, to extract content...)`,
          response: job,
        });
      }
      const bad = notEligibleCount(job);
      node.status(bad > 0 ? waiting(say('notEligible', { count: bad })) : ok(say('created', { time: clock() })));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-create-job', CreateJobNode);
};
