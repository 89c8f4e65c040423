/** Request and response shapes of the Planviewer Product API (seed 002). */
export type PlanviewerJobStatus = 'initial' | 'in_progress' | 'finished' | 'waiting for user' | 'error';

export interface PlanviewerOrderRequest {
  uuids: string[];
}

export interface PlanviewerOrderedJob {
  uuid: string;
  job: { uuid: string };
}

export interface PlanviewerProgress {
  current: number;
  total: number;
}

export interface PlanviewerStatus {
  uuid: string;
  status: PlanviewerJobStatus | string;
  progress?: PlanviewerProgress;
}

export interface PlanviewerIntentionsRequest {
  uuids: string[];
  products: string[];
}

/** Intentions and products are not specified by the seed; their fields pass through as given. */
export interface PlanviewerIntention {
  uuid: string;
  [field: string]: unknown;
}

export interface PlanviewerProduct {
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
