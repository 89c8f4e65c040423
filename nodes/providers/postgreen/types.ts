/**
 * Request and response shapes of PostGreen on the Nirva platform (seed 001).
 * The seed names fields but shows few whole answers, so response types keep
 * the named fields typed and let the rest pass through as given.
 */
import { Readable } from 'stream';

/** POST /authentication/authenticate */
export interface PostgreenAuthenticateRequest {
  login: string;
  password: string;
  withProfileDetail: boolean;
}

/** The authenticate answer: a token (unless it came in the X-Auth-Token header) and, with profile detail, the services. */
export interface PostgreenAuthenticateResponse {
  token?: string;
  services?: PostgreenServiceRaw[];
  result?: { token?: string; services?: PostgreenServiceRaw[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** A preconfigured service file of a box (often a background page): its id goes with every job. */
export interface PostgreenConfiguredFile {
  serviceFileId: string;
  name?: string;
  [field: string]: unknown;
}

export interface PostgreenOutputFileConfig {
  name: string;
  [field: string]: unknown;
}

export interface PostgreenChannelRaw {
  label?: string;
  name?: string;
  outputFilesConfig?: Array<PostgreenOutputFileConfig | string> | Record<string, unknown>;
  [field: string]: unknown;
}

export interface PostgreenBoxRaw {
  '@type'?: string;
  id?: string | number;
  name?: string;
  configuredFiles?: PostgreenConfiguredFile[] | PostgreenConfiguredFile;
  channels?: PostgreenChannelRaw[];
  [field: string]: unknown;
}

export interface PostgreenServiceRaw {
  id?: string | number;
  serviceId?: string | number;
  name?: string;
  properties?: { boxes?: PostgreenBoxRaw[]; channels?: PostgreenChannelRaw[]; [field: string]: unknown };
  boxes?: PostgreenBoxRaw[];
  channels?: PostgreenChannelRaw[];
  [field: string]: unknown;
}

/** Parsed profile: what a flow needs to create jobs and deliveries. */
export interface PostgreenBox {
  id: string;
  name: string;
  type: string;
  /** A MAIN box takes the documents (`file_main<BoxID>_<n>`). */
  main: boolean;
  serviceFileIds: string[];
}

export interface PostgreenChannel {
  /** What deliveries use (`serviceChannelOptions` keys). */
  label: string;
  /** Shown to people; sending it instead of the label is the seed's "common error". */
  name?: string;
  outputFiles: string[];
}

export interface PostgreenService {
  id: string;
  name: string;
  boxes: PostgreenBox[];
  channels: PostgreenChannel[];
}

export interface PostgreenProfile {
  services: PostgreenService[];
}

/** GET options/type: one entry per channel option type (print_mode, print_color, envelope type...). */
export interface PostgreenOptionType {
  id: string;
  name: string;
  [field: string]: unknown;
}

/** GET options: a value of an option type (1SIDE, 2SIDE...). */
export interface PostgreenOption {
  id: string;
  value: string;
  /** The option type id it belongs to. */
  typeId: string;
  [field: string]: unknown;
}

export interface PostgreenOptionCatalogue {
  types: PostgreenOptionType[];
  options: PostgreenOption[];
}

/** The `@type: exv.Value` wrapper the seed shows for pack requirements. */
export interface PostgreenValue {
  '@type': string;
  value: unknown;
  [field: string]: unknown;
}

/** The `parameters` part of POST /jobs. */
export interface PostgreenJobParameters {
  jobName: string;
  serviceId: string;
  autocreateDeliveryCommand: boolean;
  /** Mail-merge: e.g. `{POSTAL_ADDRESS_RECIPIENT: {"@type": "exv.Value", value: "NAME\nSTREET\nZIP CITY"}}`. */
  packRequirements?: Record<string, PostgreenValue>;
}

/** One file to upload: bytes from a Buffer, a stream or a path on disk. */
export interface PostgreenJobFile {
  /** Box id or box name; default: the service's first MAIN box. */
  box?: string;
  filename?: string;
  contentType?: string;
  data?: Buffer;
  stream?: Readable;
  path?: string;
  /** Size in bytes, for a stream whose length is known. */
  size?: number;
}

export interface PostgreenCreateJobRequest extends PostgreenJobParameters {
  files: PostgreenJobFile[];
  /** Override the preconfigured service files per box: `{BoxID: [serviceFileId, ...]}`. Default: from the profile. */
  serviceFiles?: Record<string, string[]>;
}

export type PostgreenJobStatus = 'PACK_GROUP_CREATED' | 'CREATED' | 'PROCESSING_ERROR' | string;

/** The answer of POST /jobs and GET /jobs/{jobId}. */
export interface PostgreenJob {
  jobId: string;
  status: PostgreenJobStatus;
  packGroupCountPerStates?: Record<string, number>;
  [field: string]: unknown;
}

export interface PostgreenEligibilityProblem {
  code?: string;
  message?: string;
  field?: string;
  channelLabel?: string;
  [field: string]: unknown;
}

export interface PostgreenEligibility {
  eligible?: boolean;
  status?: string;
  problems?: PostgreenEligibilityProblem[];
  [field: string]: unknown;
}

/** GET /jobs/{jobId}/packGroups entries. */
export interface PostgreenPackGroup {
  id: string;
  status: string;
  eligibility?: PostgreenEligibility | PostgreenEligibilityProblem[];
  packRequirements?: Record<string, PostgreenValue>;
  [field: string]: unknown;
}

/** Body of POST /packGroups/{packGroupId}/edit: the RAW values to set. */
export interface PostgreenEditPackGroupRequest {
  packRequirements: Record<string, PostgreenValue>;
  [field: string]: unknown;
}

export type PostgreenMetadataKind = 'TRACKING' | string;
export type PostgreenMetadataType = 'SHORT_VALUE' | 'FILE' | string;
export type PostgreenTrackingFileName = 'TRACKING_DETAIL' | 'ACKN' | 'FAIL_PROOF' | 'CERTIF';
export const TRACKING_FILE_NAMES: readonly PostgreenTrackingFileName[] = ['TRACKING_DETAIL', 'ACKN', 'FAIL_PROOF', 'CERTIF'];

export interface PostgreenShipmentMetadata {
  metadataKind: PostgreenMetadataKind;
  metadataType: PostgreenMetadataType;
  name: string;
  value?: unknown;
  [field: string]: unknown;
}

export interface PostgreenShipment {
  id: string;
  status?: string;
  metadata?: PostgreenShipmentMetadata[];
  [field: string]: unknown;
}

export type PostgreenDeliveryStatus = 'READY' | 'OUTPUTTED' | string;

/** GET /deliveries?jobId=.. entries. */
export interface PostgreenDelivery {
  id: string;
  status: PostgreenDeliveryStatus;
  jobId?: string;
  shipments?: PostgreenShipment[];
  [field: string]: unknown;
}

/** `selectableOptions[packId][channelLabel][outputFileName][optionTypeId] = [optionId, ...]` */
export type PostgreenSelectableOptions = Record<string, Record<string, Record<string, Record<string, string[]>>>>;

/** POST /deliveries/CheckOptions?jobId=.. */
export interface PostgreenCheckOptionsResponse {
  result?: { selectableOptions?: PostgreenSelectableOptions; [field: string]: unknown };
  [field: string]: unknown;
}

/** POST /deliveries/commands */
export interface PostgreenDeliveryCommandRequest {
  jobId: string;
  packGroupIds?: string[];
  /** `{channelLabel: {outputFileName: [optionId, ...]}}` */
  serviceChannelOptions: Record<string, Record<string, string[]>>;
  /** Epoch ms, in the future, before the channel cut-off. */
  expectedPostDate?: number;
}

export interface PostgreenDeliveryCommand {
  [field: string]: unknown;
}

export type PostgreenEventType = 'SHIPMENT_STATUS' | 'TRACKING_TEXT' | 'TRACKING_FILE';

/** A shipment webhook, as PostGreen posts it (and re-posts every 15 minutes for 48 hours until it gets a 200). */
export interface PostgreenShipmentEvent {
  eventType: PostgreenEventType;
  shipmentId: string;
  name: string;
  value?: unknown;
  serverTimestamp: number;
  eventDate: number;
  [field: string]: unknown;
}

export interface PostgreenClientOptions {
  baseUrl?: string;
  login: string;
  password: string;
  timeoutMs?: number;
  /** Largest answer read into memory (default: the HTTP layer's). */
  maxResponseBytes?: number;
}
