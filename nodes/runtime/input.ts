/**
 * The one input path of every action node: run the async handler, and always
 * end in done() or done(err). A rejected promise never escapes to the runtime,
 * where it would stop the user's whole Node-RED.
 */
import { asFulfillmentError, FulfillmentError } from '../core/errors';
import { DoneFn, Node, NodeMessage, SendFn } from './red';
import { statusForError } from './status';

export type InputHandler = (msg: NodeMessage, send: SendFn) => Promise<void>;

export function onInput(node: Node, handler: InputHandler): void {
  node.on('input', (msg, send, done) => {
    let finished = false;
    const finish = (err?: unknown): void => {
      if (finished) return;
      finished = true;
      try {
        if (err === undefined) done();
        else failMessage(node, msg, err, done);
      } catch (e) {
        // done() itself threw: nothing sane is left but the log.
        node.warn(`internal error after handling a message: ${(e as Error).message}`);
      }
    };
    try {
      handler(msg, send).then(() => finish(), finish);
    } catch (e) {
      finish(e);
    }
  });
}

/**
 * Sends an error to the Catch path, or without a Catch node to the log and
 * the debug sidebar; see reportable().
 */
export function failMessage(node: Node, msg: NodeMessage, err: unknown, done?: DoneFn): void {
  const fe = asFulfillmentError(err);
  node.status(statusForError(fe, node));
  const report = reportable(fe);
  if (done) done(report as unknown as Error);
  else node.error(report, msg);
}

/** What a flow and the debug sidebar see of an error. */
export interface Report {
  /** The error's text, with the HTTP status and the provider's message. */
  message: string;
  /** The kind (`http`, `invalid_input`, `outcome_unknown`, …). */
  code: string;
  /** Every detail: provider, status, providerCode, providerMessage, field, request, response, … */
  cause: Record<string, unknown>;
}

/** toString() gives the message: Node-RED reads msg.error.message, and the log line, from it. */
const reportProto = Object.create(Object.prototype, {
  toString: {
    value(this: Report) {
      return this.message;
    },
  },
  // The debug sidebar names an object's type after its constructor: plain "object".
  constructor: { value: Object },
});

/**
 * The error as done(err) / node.error() receive it. A Catch node's msg.error
 * is built from its toString(), `code` and `cause` (Node-RED 4 and 5), so it
 * gets `message`, `code` = the kind and `cause` = the details. Without a
 * Catch node the debug sidebar shows what was logged: an Error there is
 * flattened to name, message, code, stack and `String(cause)`, which is
 * "[object Object]"; a plain object is shown as an object, so the details can
 * be unfolded. Hence a plain object, not an Error, and no stack (it would name
 * package files only).
 */
export function reportable(fe: FulfillmentError): Report {
  const report = Object.create(reportProto) as Report;
  report.message = withFacts(fe);
  report.code = fe.kind;
  report.cause = fe.toJSON();
  return report;
}

/**
 * The message, with the HTTP status (early: the debug sidebar shortens long
 * texts) and the provider's own words when it does not say them yet.
 */
function withFacts(fe: FulfillmentError): string {
  let text = fe.message + (nothingListensHint(fe) ?? '');
  if (fe.providerMessage && !text.includes(fe.providerMessage)) text += `: ${fe.providerMessage}`;
  if (fe.status !== undefined && !text.includes(String(fe.status))) {
    const prefix = fe.provider && text.startsWith(`${fe.provider}: `) ? `${fe.provider}: ` : '';
    text = `${prefix}HTTP ${fe.status}: ${text.slice(prefix.length)}`;
  }
  return text;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * A refused connection to this machine is, nearly always, an example's
 * account whose sandbox is not running (a package installed from the palette
 * has none): say where it comes from, instead of a bare ECONNREFUSED.
 */
export function nothingListensHint(fe: FulfillmentError): string | undefined {
  if (fe.kind !== 'network' || fe.providerCode !== 'ECONNREFUSED' || !fe.request) return undefined;
  let url: URL;
  try {
    url = new URL(fe.request.url);
  } catch {
    return undefined;
  }
  if (!LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ''))) return undefined;
  return ` (nothing listens at ${url.origin}: for the sandbox, run \`npm start\` or \`npm run sandbox\` in a clone of the package's repository, or point the account at the provider)`;
}
