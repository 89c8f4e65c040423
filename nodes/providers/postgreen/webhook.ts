/**
 * PostGreen's shipment webhook, as the API appendix shows it
 * (https://api.cloud.nirva-software.com/api-appendix.html, "Web Hooks"):
 *
 *   {eventType: SHIPMENT_STATUS | TRACKING_TEXT | TRACKING_FILE, shipmentId,
 *    shipmentExternalId, name (null for SHIPMENT_STATUS), value (for
 *    SHIPMENT_STATUS the numeric shipment status), serverTimestamp, eventDate
 *    (epoch ms, or null)}
 *
 * The platform re-sends an event every 15 minutes for 48 hours until it gets a
 * 200 OK, then gives up: an event refused here is lost, and a re-send must be
 * recognised whether or not it carries the first attempt's serverTimestamp. So only what is needed
 * to know what the event is about is required (an event type and a shipment
 * id or external id); every other field may be null or missing, and the body
 * is passed on exactly as it came.
 */
import { CallbackEvent } from '../../core/capabilities';
import { invalidInput } from '../../core/errors';
import { isPlainObject } from '../../core/validate';
import { idString } from './profile';
import { describeShipmentStatus, shipmentStatus } from './shipment-status';
import { PostgreenEventType, PostgreenShipmentEvent } from './types';

export const EVENT_TYPES: readonly PostgreenEventType[] = ['SHIPMENT_STATUS', 'TRACKING_TEXT', 'TRACKING_FILE'];

/** Epoch ms from a number or a numeric string; undefined otherwise. */
function epoch(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** One shipment event: the body kept as it came, its facts lifted onto the message, a key that survives the platform's re-sends. */
export function parseShipmentEvent(body: unknown, field = 'body'): CallbackEvent {
  if (!isPlainObject(body)) throw invalidInput(field, 'a PostGreen shipment event must be a JSON object', 'postgreen');
  const e = body as PostgreenShipmentEvent;
  if (typeof e.eventType !== 'string' || e.eventType.trim() === '') {
    throw invalidInput(`${field}.eventType`, `is required (${EVENT_TYPES.join(', ')})`, 'postgreen');
  }
  const shipmentId = idString(e.shipmentId);
  const externalId = idString(e.shipmentExternalId);
  if (!shipmentId && !externalId) throw invalidInput(`${field}.shipmentId`, 'is required (or shipmentExternalId)', 'postgreen');
  const warnings: string[] = [];
  if (!EVENT_TYPES.includes(e.eventType as PostgreenEventType)) warnings.push(`eventType "${e.eventType}" is not one the provider documents (${EVENT_TYPES.join(', ')}); passed on as it came`);
  const fields: Record<string, unknown> = {
    eventType: e.eventType,
    shipmentId: e.shipmentId ?? null,
    shipmentExternalId: e.shipmentExternalId ?? null,
    name: e.name ?? null,
    value: e.value ?? null,
    serverTimestamp: e.serverTimestamp ?? null,
    eventDate: e.eventDate ?? null,
  };
  if (e.eventType === 'SHIPMENT_STATUS') {
    const status = shipmentStatus(e.value);
    if (status) {
      fields.shipmentStatus = status;
      fields.status = describeShipmentStatus(status);
      if (!status.known) warnings.push(`shipment status ${status.code} is not in the provider's status table; passed on as it came`);
    } else warnings.push(`SHIPMENT_STATUS value ${JSON.stringify(e.value ?? null)} is not a numeric shipment status; passed on as it came`);
  }
  if (warnings.length > 0) fields.warnings = warnings;
  // The key is the fact (shipment, type, name, value, and when it happened where the event says so), not
  // serverTimestamp: whether a re-send keeps the first attempt's processing date is not documented, and the
  // same status, tracking text or file of a shipment told again is no new event.
  const when = epoch(e.eventDate);
  const dedupeKey = ['postgreen', shipmentId ?? '', externalId ?? '', e.eventType, text(e.name), text(e.value), when === undefined ? '' : String(when)].join('|');
  return { dedupeKey, fields, payload: body };
}
