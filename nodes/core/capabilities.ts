/**
 * What an action node may ask of any provider, in provider-neutral terms. A
 * provider implements the capabilities its API has; a node finds out by
 * looking, and refuses an account whose provider lacks one.
 */
import { Readable } from 'stream';
import { PollReport } from './poller';

export interface ActionResult {
  /** The provider's answer, parsed: becomes msg.payload. */
  payload: unknown;
  /** Other named facts for the message (msg.jobs, msg.order_hash, ...). */
  fields: Record<string, unknown>;
}

export interface OrderCapability {
  /** Checks and normalises msg.payload into the body to send; throws invalid_input before any request. */
  prepare(input: unknown): unknown;
  /** Sends it once. Never retried after it may have reached the server. */
  place(prepared: unknown, signal?: AbortSignal): Promise<ActionResult>;
}

export interface StatusKind {
  name: string;
  label: string;
  defaultIntervalMs: number;
}

export interface StatusCapability {
  kinds: StatusKind[];
  /** The ids to watch from msg.payload, checked. */
  targets(input: unknown, kind: string): string[];
  /** Status of many ids, in as few requests as the API allows. */
  fetch(kind: string, ids: string[]): Promise<PollReport[]>;
}

export interface DownloadedFile {
  stream: Readable;
  filename: string;
  contentType?: string;
  contentLength?: number;
}

export interface ResultCapability {
  /** The id from msg.payload, checked. */
  target(input: unknown): string;
  open(id: string, signal?: AbortSignal): Promise<DownloadedFile>;
}

/** One provider callback (webhook) as the callback node outputs it. */
export interface CallbackEvent {
  /** Same key = same event: repeats (providers re-send until they get 2xx) are dropped. */
  dedupeKey: string;
  /** Facts lifted onto the message (msg.warnings, msg.eventType, ...). */
  fields: Record<string, unknown>;
  payload: unknown;
}

export interface CallbackCapability {
  /** Kinds of callback this provider sends, e.g. `uploader`, `order`, `shipment`. */
  kinds: string[];
  /** Checks a received JSON body; throws invalid_input (answered 400) when it is not such a callback. */
  parse(body: unknown, kind?: string): CallbackEvent[];
}

export interface Capabilities {
  /** A cheap read that proves the account works; returns a short human summary. */
  probe?: () => Promise<string>;
  order?: OrderCapability;
  status?: StatusCapability;
  result?: ResultCapability;
  callback?: CallbackCapability;
}
