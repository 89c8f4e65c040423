/**
 * What an action node may ask of any provider, in provider-neutral terms. A
 * provider implements the capabilities its API has; a node finds out by
 * looking, and refuses an account whose provider lacks one.
 */
import { Readable } from 'stream';
import { PollReport } from './poller';
import { OperationInfo } from './descriptor';

export interface ActionResult {
  /** The provider's answer, parsed: becomes msg.payload. */
  payload: unknown;
  /** Other named facts for the message (msg.jobs, msg.order_hash, ...). */
  fields: Record<string, unknown>;
}

/**
 * `prepare` checks msg.payload once and returns the typed request; `place`
 * sends exactly that, without checking again. Never retried after it may have
 * reached the server.
 */
export interface OrderCapability<P = unknown> {
  prepare(input: unknown): P;
  place(prepared: P, signal?: AbortSignal): Promise<ActionResult>;
}

/** One documented operation of a provider, bound to the account's client. */
export interface OperationCapability<P = unknown> {
  info: OperationInfo;
  /** Checks msg.payload before any request; throws invalid_input naming the field. */
  prepare(input: unknown): P;
  run(prepared: P, signal?: AbortSignal): Promise<ActionResult>;
}

/**
 * How a provider writes an operation once: its documentation (the editor and
 * the help read it) beside its implementation, which gets the client at run time.
 */
export interface OperationSpec<C, P = unknown> extends OperationInfo {
  prepare(input: unknown): P;
  run(client: C, prepared: P, signal?: AbortSignal): Promise<ActionResult>;
}

export function operationInfos<C>(specs: ReadonlyArray<OperationSpec<C>>): OperationInfo[] {
  return specs.map(({ prepare: _p, run: _r, ...info }) => {
    void _p;
    void _r;
    return info;
  });
}

export function bindOperations<C>(specs: ReadonlyArray<OperationSpec<C>>, client: C): Record<string, OperationCapability> {
  const out: Record<string, OperationCapability> = {};
  for (const spec of specs) {
    const { prepare, run, ...info } = spec;
    out[spec.name] = { info, prepare, run: (prepared, signal) => run(client, prepared, signal) };
  }
  return out;
}

/** One entry of a live list the editor offers (product codes, services…). */
export interface Choice {
  value: string;
  label: string;
}

/** The kinds a provider can poll are in its descriptor (`capabilities.status`). */
export interface StatusCapability {
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
  /**
   * For a JSON result: the provider's message when the body is its error
   * shape (some providers send one with a 2xx status), undefined for a real result.
   */
  errorIn?(body: unknown): string | undefined;
}

/** One provider callback (webhook) as the callback node outputs it. */
export interface CallbackEvent {
  /** Same key = same event: repeats (providers re-send until they get 2xx) are dropped. */
  dedupeKey: string;
  /** Facts lifted onto the message (msg.warnings, msg.eventType, ...). */
  fields: Record<string, unknown>;
  payload: unknown;
  /**
   * Where the event stands in the life of its subject (an order, say): the
   * callback node drops an event ranked below the highest it already output
   * for the same subject, so a late callback never moves it backwards.
   * Without it, events are only de-duplicated.
   */
  ordering?: { subject: string; rank: number };
}

/** The kinds of callback a provider sends are in its descriptor (`capabilities.callback`). */
export interface CallbackCapability {
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
  /** By operation name, as in the descriptor's `capabilities.operations`. */
  operations?: Record<string, OperationCapability>;
  /** Live lists for the editor, by name (`products`, `services`…); reads only. */
  choices?: Record<string, () => Promise<Choice[]>>;
}
