/**
 * Request and response shapes of PostGreen on the Nirva platform (the provider's guide, api-advanced.html).
 * The guide names fields but shows few whole answers, so response types keep
 * the named fields typed and let the rest pass through as given.
 */
import { Readable } from 'stream';

/** An id as the platform sent it: numbers stay numbers when they go back. */
export type PostgreenId = string | number;

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
  /** The same list under the other names the guide uses ("preconfiguredFiles", "coniguredFiles"). */
  preconfiguredFiles?: PostgreenConfiguredFile[] | PostgreenConfiguredFile;
  coniguredFiles?: PostgreenConfiguredFile[] | PostgreenConfiguredFile;
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
  /** Shown to people; sending it instead of the label is the guide's "common error". */
  name?: string;
  outputFiles: string[];
}

export interface PostgreenService {
  /** As the profile gives it (a number stays a number in the job's parameters). */
  id: PostgreenId;
  name: string;
  boxes: PostgreenBox[];
  channels: PostgreenChannel[];
}

export interface PostgreenProfile {
  services: PostgreenService[];
}

/** GET options/type: one entry per channel option type (print_mode, print_color, envelope type...). */
export interface PostgreenOptionType {
  /** As the platform sent it. */
  id: PostgreenId;
  name: string;
  [field: string]: unknown;
}

/** GET options: a value of an option type (1SIDE, 2SIDE...). */
export interface PostgreenOption {
  /** As the platform sent it: sent back in the same type. */
  id: PostgreenId;
  value: string;
  /** The option type id it belongs to. */
  typeId: PostgreenId;
  [field: string]: unknown;
}

export interface PostgreenOptionCatalogue {
  types: PostgreenOptionType[];
  options: PostgreenOption[];
}

/** The `@type: exv.Value` wrapper the guide shows for pack requirements. */
export interface PostgreenValue {
  '@type': string;
  value: unknown;
  [field: string]: unknown;
}

/** The `parameters` part of POST /jobs. */
export interface PostgreenJobParameters {
  jobName: string;
  serviceId: PostgreenId;
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

export interface PostgreenCreateJobRequest extends Omit<PostgreenJobParameters, 'serviceId'> {
  /** The service id (or name) of the profile. */
  serviceId: PostgreenId;
  files: PostgreenJobFile[];
  /** Override the preconfigured service files per box: `{BoxID: [serviceFileId, ...]}`. Default: from the profile. */
  serviceFiles?: Record<string, string[]>;
}

/** PACK_GROUP_CREATED: pack groups made; CREATED: done (its deliveries exist); PROCESSING_ERROR: the files are not correct. */
export type PostgreenJobStatus = 'PACK_GROUP_CREATED' | 'CREATED' | 'PROCESSING_ERROR' | string;

/** The answer of POST /jobs and GET /jobs/{jobId}. */
export interface PostgreenJob {
  /** As the platform sent it: a number stays a number (and goes back as one in a delivery command). */
  jobId: PostgreenId;
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
  /** As the platform sent it: a number stays a number (and goes back as one in packGroupIds). */
  id: PostgreenId;
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
  /** The numeric shipment status of the API appendix (see shipment-status.ts), or whatever the platform sent. */
  status?: unknown;
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
export type PostgreenSelectableOptions = Record<string, Record<string, Record<string, Record<string, PostgreenId[]>>>>;

/** POST /deliveries/CheckOptions?jobId=.. */
export interface PostgreenCheckOptionsResponse {
  result?: { selectableOptions?: PostgreenSelectableOptions; [field: string]: unknown };
  [field: string]: unknown;
}

/** POST /deliveries/commands */
export interface PostgreenDeliveryCommandRequest {
  /** In the type the job answer gave it. */
  jobId: PostgreenId;
  packGroupIds?: PostgreenId[];
  /** `{channelLabel: {outputFileName: [optionId, ...]}}`, ids in the type the platform gave them. */
  serviceChannelOptions: Record<string, Record<string, PostgreenId[]>>;
  /** Epoch ms, in the future, before the channel cut-off. */
  expectedPostDate?: number;
}

export interface PostgreenDeliveryCommand {
  [field: string]: unknown;
}

export type PostgreenEventType = 'SHIPMENT_STATUS' | 'TRACKING_TEXT' | 'TRACKING_FILE';

/**
 * A shipment webhook as the API appendix shows it (PostGreen re-posts it every
 * 15 minutes for 48 hours until it gets a 200 OK). Kept as received.
 */
export interface PostgreenShipmentEvent {
  eventType: PostgreenEventType | string;
  shipmentId?: PostgreenId;
  shipmentExternalId?: PostgreenId | null;
  /** The tracking type (e.g. TRACKING, ACKN); null for SHIPMENT_STATUS. */
  name?: string | null;
  /** SHIPMENT_STATUS: the numeric shipment status; TRACKING_TEXT: the text (e.g. a registration number); TRACKING_FILE: the original file name. */
  value?: unknown;
  /** When the platform processed the event (epoch ms). */
  serverTimestamp?: number | null;
  /** When it happened, as an external provider gave it (epoch ms), or null. */
  eventDate?: number | null;
  [field: string]: unknown;
}

export interface PostgreenClientOptions {
  baseUrl?: string;
  /** Multipart name of an uploaded file: `{box}` box id, `{name}` box name, `{n}` counter. Default `file_main{box}_{n}`. */
  fileField?: string;
  /** Multipart name of a preconfigured service file. Default `serviceFile__file_{box}_{n}`. */
  serviceFileField?: string;
  login: string;
  password: string;
  timeoutMs?: number;
  /** Largest answer read into memory (default: the HTTP layer's). */
  maxResponseBytes?: number;
}
