/**
 * fulfillment-edit-packgroup (PostGreen): lists a job's pack groups with their
 * eligibility problems spelled out, or edits one pack group's RAW values.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { clientFor } from '../runtime/account-ref';
import type { PostgreenClient } from '../providers/postgreen/client';
import { busy, clock, markAccount, ok, statusTexts, waiting } from '../runtime/status';
import { loadRequest } from '../runtime/props';
import { invalidInput } from '../core/errors';
import { assertNoPollution, isPlainObject } from '../core/validate';
import { jobIdValue } from '../providers/postgreen/capabilities';
import { packGroupSummary } from '../providers/postgreen/parse';
import { PostgreenEditPackGroupRequest } from '../providers/postgreen/types';

export = function register(RED: NodeAPI): void {
  function EditPackGroupNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const action = def.action === 'edit' ? 'edit' : 'list';
    const say = statusTexts(RED, node, 'edit-packgroup');
    markAccount(RED, node, def.account);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const client = clientFor<PostgreenClient>(RED, def.account, node.type, action === 'edit' ? 'edit pack groups' : 'list pack groups');
      if (action === 'list') {
        const jobId = jobIdValue(msg.jobId ?? msg.payload, 'msg.payload', msg.payload);
        node.status(busy(say('reading')));
        const groups = await client.jobPackGroups(jobId);
        const summary = groups.map(packGroupSummary);
        msg.payload = groups;
        msg.jobId = jobId;
        msg.packGroups = summary;
        msg.notEligible = summary.filter((s) => !s.eligible);
        const bad = summary.length - summary.filter((s) => s.eligible).length;
        node.status(bad > 0 ? waiting(say('notEligible', { count: bad, total: summary.length })) : ok(say('eligible', { total: summary.length })));
        send(msg);
        return;
      }
      const p = msg.payload;
      if (!isPlainObject(p)) throw invalidInput('msg.payload', 'expected {packGroupId, packRequirements} or {packGroupId, name, value}', 'postgreen');
      assertNoPollution(p, 'msg.payload');
      const rawId = p.packGroupId ?? msg.packGroupId;
      const packGroupId = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
      if (typeof packGroupId !== 'string' || packGroupId === '') throw invalidInput('msg.payload.packGroupId', 'is required', 'postgreen');
      let edit: PostgreenEditPackGroupRequest;
      if (p.packRequirements !== undefined) edit = { packRequirements: p.packRequirements as PostgreenEditPackGroupRequest['packRequirements'] };
      else if (typeof p.name === 'string' && p.value !== undefined) edit = { packRequirements: { [p.name]: { '@type': 'exv.Value', value: p.value } } };
      else throw invalidInput('msg.payload.packRequirements', 'give packRequirements, or name and value (the RAW value)', 'postgreen');
      node.status(busy(say('editing')));
      msg.payload = await client.editPackGroup(packGroupId, edit);
      msg.packGroupId = packGroupId;
      node.status(ok(say('edited', { time: clock() })));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-edit-packgroup', EditPackGroupNode);
};
