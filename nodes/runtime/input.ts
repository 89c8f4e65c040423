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
 * Sends an error to the Catch path. Node-RED builds the Catch node's msg.error
 * from the error's message, `code` and `cause` only, so the FulfillmentError
 * fields ride in `cause` and the kind in `code`.
 */
export function failMessage(node: Node, msg: NodeMessage, err: unknown, done?: DoneFn): void {
  const fe = asFulfillmentError(err);
  node.status(statusForError(fe));
  const report = reportable(fe);
  if (done) done(report);
  else node.error(report, msg);
}

export function reportable(fe: FulfillmentError): Error {
  const report = new Error(fe.message) as Error & { code: string; cause: unknown };
  report.name = 'FulfillmentError';
  report.code = fe.kind;
  report.cause = fe.toJSON();
  // Node-RED shows error.toString() as msg.error.message: keep it the bare message.
  report.toString = () => fe.message;
  // The stack names package files only; keep it short and free of request data.
  report.stack = `FulfillmentError: ${fe.message}`;
  return report;
}
