/**
 * Turning "deliver job X with print_mode 2SIDE" into the delivery command the
 * guide shows, checked against CheckOptions' selectable options before sending:
 * option names -> ids, the channel LABEL (a channel NAME is the guide's
 * "common error" and is refused with a clear message), output file MAIN.
 */
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { idString, OptionLookup } from './profile';
import { PostgreenDeliveryCommandRequest, PostgreenId, PostgreenProfile, PostgreenSelectableOptions } from './types';

const P = 'postgreen';

export interface DeliveryPlanInput {
  /** Sent in the type given (the job answer's). */
  jobId: PostgreenId;
  /** `{print_mode: "2SIDE", print_color: "BW"}`; names or ids, values or ids. */
  options?: Record<string, unknown>;
  /** The channel label; default: the only one CheckOptions offers. */
  channel?: string;
  /** Default MAIN, as the guide advises. */
  outputFile?: string;
  /** Sent in the type given (numbers stay numbers). */
  packGroupIds?: PostgreenId[];
  expectedPostDate?: number;
}

/** Epoch ms from a number, a numeric string, an ISO date or a Date. */
export function epochMs(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return Number(value);
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  throw invalidInput(field, 'must be epoch milliseconds or an ISO-8601 date', P);
}

export function planDelivery(input: DeliveryPlanInput, selectable: PostgreenSelectableOptions, lookup: OptionLookup, profile?: PostgreenProfile): PostgreenDeliveryCommandRequest {
  const packs = Object.keys(selectable);
  if (packs.length === 0) {
    throw invalidInput('jobId', `no pack group of job ${input.jobId} can be delivered now (CheckOptions offers none): list the pack groups with edit packgroup and fix the NOT_ELIGIBLE ones, or wait until the job is PACK_GROUP_CREATED`, P);
  }
  const targets = input.packGroupIds?.map(String) ?? packs;
  for (const id of targets) {
    if (!packs.includes(id)) throw invalidInput('packGroupIds', `pack group ${id} cannot be delivered (not offered by CheckOptions; NOT_ELIGIBLE or already delivered). Deliverable: ${packs.join(', ')}`, P);
  }
  const labels = [...new Set(targets.flatMap((p) => Object.keys(selectable[p] ?? {})))];
  const label = chooseChannel(input.channel, labels, profile);
  const outputFile = input.outputFile ?? 'MAIN';
  // Option type -> (id as text -> the id as CheckOptions gave it): the command sends it back in that type.
  const offered = new Map<string, Map<string, PostgreenId>>();
  for (const p of targets) {
    const files = selectable[p]?.[label];
    if (!files) throw invalidInput('channel', `channel ${label} is not offered for pack group ${p}`, P);
    if (!files[outputFile]) throw invalidInput('outputFile', `output file "${outputFile}" is not offered for channel ${label}; offered: ${Object.keys(files).join(', ')} (MAIN is the one meant to be changed)`, P);
    for (const [type, ids] of Object.entries(files[outputFile])) {
      const known = offered.get(type) ?? new Map<string, PostgreenId>();
      for (const id of Array.isArray(ids) ? ids : []) if (!known.has(String(id))) known.set(String(id), id);
      offered.set(type, known);
    }
  }
  const ids: PostgreenId[] = [];
  const options = input.options ?? {};
  if (!isPlainObject(options)) throw invalidInput('options', 'must be an object like {"print_mode": "2SIDE"}', P);
  for (const [typeName, raw] of Object.entries(options)) {
    const type = lookup.type(typeName);
    if (!type) throw invalidInput(`options.${typeName}`, `unknown option type; known: ${lookup.catalogue.types.map((t) => t.name).join(', ')}`, P);
    const value = typeof raw === 'number' ? String(raw) : raw;
    if (typeof value !== 'string' || value === '') throw invalidInput(`options.${typeName}`, 'must be an option value such as "2SIDE"', P);
    const id = lookup.optionId(type.name, value);
    if (!id) throw invalidInput(`options.${typeName}`, `unknown value "${value}"; known: ${lookup.valuesOf(type.id).map((o) => o.value).join(', ')}`, P);
    const allowed = offered.get(String(type.id)) ?? offered.get(type.name);
    if (!allowed) throw invalidInput(`options.${typeName}`, `${type.name} cannot be set on channel ${label}, output file ${outputFile}`, P);
    // CheckOptions lists option ids; where it lists the values themselves ("2SIDE"), those are what goes back.
    const sent = allowed.get(String(id)) ?? allowed.get(lookup.option(id)?.value ?? value);
    if (sent === undefined) {
      const names = [...allowed.values()].map((x) => lookup.option(x)?.value ?? idString(x)).join(', ');
      throw invalidInput(`options.${typeName}`, `"${value}" is not selectable for channel ${label}; selectable: ${names}`, P);
    }
    ids.push(sent);
  }
  const command: PostgreenDeliveryCommandRequest = { jobId: input.jobId, serviceChannelOptions: { [label]: { [outputFile]: ids } } };
  if (input.packGroupIds) command.packGroupIds = input.packGroupIds;
  if (input.expectedPostDate !== undefined) command.expectedPostDate = input.expectedPostDate;
  return command;
}

function chooseChannel(wanted: string | undefined, labels: string[], profile?: PostgreenProfile): string {
  if (wanted === undefined || wanted === '') {
    if (labels.length === 1) return labels[0];
    throw invalidInput('channel', `the job offers several channels; choose one label: ${labels.join(', ')}`, P);
  }
  if (labels.includes(wanted)) return wanted;
  const byName = profile?.services.flatMap((s) => s.channels).find((c) => c.name === wanted && c.label !== wanted);
  if (byName) throw invalidInput('channel', `"${wanted}" is the channel's NAME; deliveries need its LABEL "${byName.label}"`, P);
  throw invalidInput('channel', `unknown channel label "${wanted}"; offered: ${labels.join(', ')}`, P);
}
