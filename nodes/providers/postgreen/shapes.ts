/**
 * The documented shapes of PostGreen's answers, checked by the HTTP layer
 * (`expect`) before anything is parsed or output. Tolerant where the pages
 * show or allow variants: lists bare or wrapped in `result`, ids as strings or
 * numbers, the option catalogue as a flat list or keyed by option type id.
 * A 2xx answer that fits none is an error naming where it differs: for a read
 * `malformed_response`, for job creation, pack group edit and delivery command
 * `outcome_unknown` (the platform accepted the request).
 */
import { s, Shape } from '../../core/shape';
import { idString, isObj } from './profile';

/** `x`, `{result: x}` or `{result: {result: x}}`. */
function wrapped<T>(inner: Shape<T>): Shape<unknown> {
  return s.oneOf(inner, s.object({ result: inner }), s.object({ result: s.object({ result: inner }) }));
}

/** A list bare, under one of `keys`, wrapped in `result`, or no list at all (empty body, `result: null`): "no return". */
function listAnswer(item: Shape<unknown>, keys: string[]): Shape<unknown> {
  const list = s.oneOf(s.array(item), ...keys.map((k) => s.object({ [k]: s.array(item) })));
  return s.maybe(s.oneOf(list, s.object({ result: s.nullable(list) }), s.object({ result: s.object({ result: s.nullable(list) }) })));
}

const withOneOf = (fields: string[]): ((v: Record<string, unknown>) => boolean) => (v) => fields.some((f) => idString(v[f]) !== undefined);

const optionType = s.object({ id: s.id(), name: s.text() });
export const OPTION_TYPES_ANSWER = wrapped(s.array(optionType));

/** One option value: `{id, value}` (or `name`), its type given by the key it sits under. */
const optionValue = s.refine(s.object({ id: s.id() }), 'a value or name', withOneOf(['value', 'name']));
/** A flat entry names its option type itself. */
const optionEntry = s.refine(optionValue, 'its option type (optionType, type, typeId or optionTypeId)', (o) => {
  const t = o.optionType ?? o.type ?? o.typeId ?? o.optionTypeId;
  return idString(isObj(t) ? t.id : t) !== undefined;
});
const valuesOfType = s.oneOf(s.array(optionValue), optionValue);
/** "get the object named with the print_mode id": `{<typeId>: [values]}`. */
const keyedOptions = s.record(valuesOfType);
export const OPTIONS_ANSWER = wrapped(s.oneOf(s.array(s.oneOf(optionEntry, keyedOptions)), keyedOptions));

const job = s.refine(s.object({ status: s.text() }), 'a jobId or id', withOneOf(['jobId', 'id']));
export const JOB_ANSWER = wrapped(s.oneOf(job, s.object({ job })));

const packGroup = s.refine(s.object({}), 'an id or packGroupId', withOneOf(['id', 'packGroupId']));
export const PACK_GROUPS_ANSWER = listAnswer(packGroup, ['packGroups', 'items']);

const delivery = s.refine(s.object({ status: s.text() }), 'an id or deliveryId', withOneOf(['id', 'deliveryId']));
/** An empty body is the guide's "no return" for a job without deliveries. */
export const DELIVERIES_ANSWER = listAnswer(delivery, ['deliveries', 'items']);

/** `selectableOptions[packId][channelLabel][outputFileName][optionTypeId] = [optionId, ...]` */
const selectable = s.record(s.record(s.record(s.record(s.array(s.id())))));
// The guide shows `result.selectableOptions`; a result without it is not that answer
// (an error in a 200, say). null is read as "nothing selectable".
export const CHECK_OPTIONS_ANSWER = s.oneOf(
  s.object({ result: s.object({ selectableOptions: s.nullable(selectable) }) }),
  s.object({ selectableOptions: selectable }),
);

/**
 * The delivery command's and the pack group edit's answers are not documented
 * ("your delivery should then be created"). Accepted: an empty body, a list,
 * or an object that says what it is about; anything else cannot be told from
 * an error page and is `outcome_unknown`.
 */
const DELIVERY_COMMAND_FIELDS = ['result', 'jobId', 'id', 'deliveryId', 'deliveryIds', 'deliveries', 'commandId', 'status'];
export const DELIVERY_COMMAND_ANSWER = s.maybe(s.oneOf(
  s.array(s.unknown()),
  s.refine(s.object({}), `one of ${DELIVERY_COMMAND_FIELDS.join(', ')}`, (o) => DELIVERY_COMMAND_FIELDS.some((k) => o[k] !== undefined && o[k] !== null)),
));
const EDIT_FIELDS = ['result', 'id', 'packGroupId', 'status', 'packRequirements'];
export const EDIT_PACK_GROUP_ANSWER = s.maybe(s.oneOf(
  s.array(s.unknown()),
  s.refine(s.object({}), `one of ${EDIT_FIELDS.join(', ')}`, (o) => EDIT_FIELDS.some((k) => o[k] !== undefined && o[k] !== null)),
));

/** The authenticate body: an object (services, maybe the token), a bare token, or nothing when the token is in the header. */
export const AUTHENTICATE_ANSWER = s.maybe(s.oneOf(s.object({}), s.text()));
