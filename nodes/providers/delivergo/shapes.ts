/**
 * What delivergo's Resale Unit answers may look like, declared once. The
 * provider's documentation shows the unit itself but not what list, add,
 * update and delete answer, so the shapes take the reasonable variants (a
 * bare or wrapped list, one unit, an acknowledgement) and nothing else: a 2xx
 * answer of another shape is an error, never a success.
 */
import { s, Shape } from '../../core/shape';

const TRANSLATION = s.object({ LanguageToken: s.string(), Name: s.maybe(s.string()), Description: s.maybe(s.string()) });

/** A returned unit: identified by its Id (or its Guid), every other field typed where present. */
export const UNIT: Shape<Record<string, unknown>> = s.refine(
  s.object({
    Id: s.maybe(s.integer()),
    Guid: s.maybe(s.string()),
    guid: s.maybe(s.string()),
    CurrencyToken: s.maybe(s.string()),
    Created: s.maybe(s.string()),
    Creator: s.maybe(s.string()),
    Modified: s.maybe(s.string()),
    Modifier: s.maybe(s.string()),
    Active: s.maybe(s.boolean()),
    ResaleUnitTranslation: s.maybe(s.array(TRANSLATION)),
  }),
  'a Resale Unit with its Id or Guid',
  (u) => typeof u.Id === 'number' || (typeof u.Guid === 'string' && u.Guid !== '') || (typeof u.guid === 'string' && u.guid !== ''),
);

/** Wrappers a list may come in (`{result: [...]}`, WCF's `{d: [...]}`, ...). */
export const LIST_KEYS = ['result', 'ResaleUnits', 'ResaleUnit', 'd', 'results', 'items', 'data'] as const;

function listOf(depth: number): Shape<Array<Record<string, unknown>>> {
  const variants: Array<Shape<Array<Record<string, unknown>>>> = [s.array(UNIT), s.map(UNIT, (u) => [u])];
  if (depth > 0) {
    for (const key of LIST_KEYS) variants.push(s.map(s.object({ [key]: listOf(depth - 1) }), (o) => o[key] as Array<Record<string, unknown>>));
  }
  return s.oneOf(...variants);
}

/** list: an array of units, bare, wrapped (up to two levels) or a single unit. */
export const UNIT_LIST = listOf(2);

export type ChangeAnswer =
  | { kind: 'ack' }
  | { kind: 'id'; id: number }
  | { kind: 'units'; units: Array<Record<string, unknown>> };

const ACK = s.literal(true);
const NEW_ID = s.refine(s.integer(), 'a positive Id', (n) => n > 0);
const ack = (): ChangeAnswer => ({ kind: 'ack' });

/**
 * add / update / delete: the unit (or a list holding it), `true`, or for add
 * the new Id alone; each also wrapped as WCF's script-enabled JSON wraps every
 * answer (`{"d": …}`, `{"d": null}` for an operation that returns nothing).
 * An empty body is read before this shape (see the client).
 */
export const CHANGE_ANSWER: Shape<ChangeAnswer> = s.oneOf(
  s.map(ACK, ack),
  s.map(NEW_ID, (id): ChangeAnswer => ({ kind: 'id', id })),
  s.map(s.object({ d: s.nullable(ACK) }), ack),
  s.map(s.object({ d: NEW_ID }), (o): ChangeAnswer => ({ kind: 'id', id: o.d })),
  s.map(UNIT_LIST, (units): ChangeAnswer => ({ kind: 'units', units })),
);
