/** Request and response shapes of the Planviewer Product API, as its documentation shows them. */
export type PlanviewerJobStatus = 'initial' | 'in_progress' | 'finished' | 'waiting for user' | 'error';

export interface PlanviewerOrderRequest {
  uuids: string[];
}

export interface PlanviewerOrderedJob {
  uuid: string;
  job: { uuid: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface PlanviewerProgress {
  current: number;
  total: number;
}

export interface PlanviewerStatus {
  uuid: string;
  status: PlanviewerJobStatus | string;
  progress?: PlanviewerProgress | null;
  [field: string]: unknown;
}

/** `GET /products/list`: one orderable product. */
export interface PlanviewerProduct {
  /** Machine identifier, used in `intentions/list` (`bestemmingsplanrapport`, `eigendomsinformatie-json`…). */
  slug: string;
  name: string;
  [field: string]: unknown;
}

/** A structured query: `bool`, `field` or `dis-max`, nested as the provider documents. */
export type PlanviewerQuery = Record<string, unknown>;

export interface PlanviewerSearchRequest {
  entity: 'adres' | 'perceel';
  query: PlanviewerQuery;
}

/** `POST /search/structured`: one location found. */
export interface PlanviewerLocation {
  /** Relative to the other results of the same answer only. */
  score: number;
  uuid: string;
  title: string;
  /** Per entity (`adres`: postcode, huisnummer, huisletter, huisnummertoevoeging…). */
  properties?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export interface PlanviewerIntentionsRequest {
  uuids: string[];
  products: string[];
}

export interface PlanviewerIntention {
  uuid: string;
  /** The product's slug. */
  product: string;
  /** Varies per product (datum, dossier_status, plan_id, title…). */
  properties?: Record<string, unknown> | null;
  [field: string]: unknown;
}

/** `POST /intentions/list`: the intentions of one location. */
export interface PlanviewerLocationIntentions {
  /** The location's uuid. */
  uuid: string;
  intentions: PlanviewerIntention[];
  [field: string]: unknown;
}

/** `GET /kik/waiting/{job}`: the locations a job waits for the user to choose from. */
export interface PlanviewerWaiting {
  /** Keyed by numeric strings ("1", "2"…): the index to send back with `select`. */
  locaties: Record<string, string>;
  message?: string | null;
  [field: string]: unknown;
}

/** `GET /documents/list/{uuid}`: a document linked to a Kadaster product order. */
export interface PlanviewerDocument {
  identificatie: string;
  aard?: string;
  [field: string]: unknown;
}

export interface PlanviewerClientOptions {
  baseUrl?: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  /** Largest answer read into memory (default: the HTTP layer's). */
  maxResponseBytes?: number;
  /** Status reads are split so no URL grows beyond this. */
  maxUrlLength?: number;
}
