/** PostGreen, usable without Node-RED: the client, its types and the helpers the nodes use. */
export { PostgreenClient, POSTGREEN_DEFAULT_BASE_URL } from './client';
export * from './types';
export { OptionLookup, parseProfile, parseOptions, parseOptionTypes, catalogueView } from './profile';
export { eligibilityProblems, trackingNumber, trackingFiles, notEligibleCount, packGroupSummary } from './parse';
export { planDelivery } from './delivery';
export { postgreenCapabilities, postgreenChoices, parseShipmentEvent } from './capabilities';
export { shipmentStatus, SHIPMENT_STATUS_LABELS, ShipmentStatus } from './shipment-status';
export { POSTGREEN_OPERATIONS } from './operations';
