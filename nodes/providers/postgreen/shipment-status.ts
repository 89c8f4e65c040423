/**
 * PostGreen's numeric shipment statuses, as the API appendix lists them
 * (https://api.cloud.nirva-software.com/api-appendix.html, "Shipment
 * statuses"). One table for the webhook receiver, track shipment and poll
 * status (deliveries). The appendix gives codes and labels only: negative
 * codes are failures (its own convention); which statuses are final is this
 * package's reading, listed in docs/postgreen.md under "Assumptions".
 */

export interface ShipmentStatus {
  code: number;
  /** The appendix's label; for a code it does not list, "status <code>". */
  label: string;
  /** Nothing more is expected for this shipment. */
  final: boolean;
  /** Negative codes: the shipment did not reach its recipient (or needs someone to act). */
  failed: boolean;
  /** False for a code the appendix does not list: passed on as it came. */
  known: boolean;
}

/** Code -> label, in the appendix's order. */
export const SHIPMENT_STATUS_LABELS: ReadonlyMap<number, string> = new Map([
  [250, 'Being created'],
  [300, 'Ready'],
  [400, 'In production'],
  [600, 'Mailed'],
  [610, 'Delivered'],
  [700, 'Sent'],
  [710, 'Received'],
  [711, 'Not opened'],
  [712, 'Reprint sent'],
  [713, 'Recipient reject'],
  [714, 'Signed'],
  [715, 'Opened'],
  [716, 'Clicked'],
  [730, 'Unsubscribe'],
  [751, 'Invoice sent'],
  [760, 'Accepted'],
  [-610, 'Not delivered'],
  [-611, 'Not claimed by client'],
  [-612, 'Refused by client'],
  [-613, 'Incorrect recipient'],
  [-614, 'Incorrect address'],
  [-700, 'Shipment error'],
  [-710, 'Undelivered'],
  [-711, 'Bounced'],
  [-712, 'Blocked'],
  [-720, 'Neglected'],
  [-740, 'Tax instruction'],
  [-741, 'Invoice pending'],
  [-742, 'ChorusPro error'],
  [-743, 'Transmission error'],
  [-744, 'Invoice error'],
  [-750, 'Waiting user action'],
  [-761, 'Refused'],
  [-765, 'Deleted'],
  [-900, 'Canceled'],
  [-910, 'Cancelled, after printing'],
]);

/** Positive statuses after which nothing more is expected (delivered, signed, accepted). */
const FINAL_SUCCESS = new Set([610, 714, 760]);
/** Failures that wait for someone to act, so the shipment may still move on. */
const WAITING_FAILURE = new Set([-740, -741, -750]);

/** The numeric status from a webhook `value` or a shipment's `status`: a number or a numeric string; otherwise undefined. */
export function shipmentStatusCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The meaning of a shipment status; undefined when the value is not a numeric status at all. */
export function shipmentStatus(value: unknown): ShipmentStatus | undefined {
  const code = shipmentStatusCode(value);
  if (code === undefined) return undefined;
  const label = SHIPMENT_STATUS_LABELS.get(code);
  const failed = code < 0;
  const final = failed ? !WAITING_FAILURE.has(code) : FINAL_SUCCESS.has(code);
  return { code, label: label ?? `status ${code}`, final, failed, known: label !== undefined };
}

/** "-614 Incorrect address", for reasons and node statuses. */
export function describeShipmentStatus(s: ShipmentStatus): string {
  return s.known ? `${s.code} ${s.label}` : `${s.code} (not in the provider's status table)`;
}
