/**
 * fulfillment-retrieve-result: downloads a finished job's result, going by its
 * Content-Type: a file (a PDF…) is streamed into a Buffer (capped) or straight
 * to a file in a folder; a JSON result (data products) is read (within the
 * Buffer limit), refused when it is the provider's error shape, and output
 * parsed or written to a file. An HTML page or an error document is refused.
 */
import { Readable } from 'stream';
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { busy, ok } from '../runtime/status';
import { evaluate, numberSetting } from '../runtime/props';
import { refuseNonFile, streamToBuffer, streamToFile } from '../core/download';
import { FulfillmentError, invalidInput } from '../core/errors';
import { DownloadedFile, ResultCapability } from '../core/capabilities';

/** JSON media types; `application/problem+json` is an error report by definition and stays refused. */
const JSON_TYPE = /^(application\/json|text\/json|application\/(?!problem\+)[\w.-]+\+json)$/;
const MAX_SHOWN = 4000;

export = function register(RED: NodeAPI): void {
  function RetrieveResultNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const toFile = def.output === 'file';
    const maxBytes = numberSetting(node, def, 'maxBufferMb', 50, 1) * 1024 * 1024;

    onInput(node, async (msg, send) => {
      const account = accountOf(RED, def.account);
      const result = capabilityOf(account, 'result', 'retrieve a result file');
      const id = result.target(msg.payload);
      let folder: string | undefined;
      if (toFile) {
        const value = await evaluate(RED, node, msg, def.folder, def.folderType);
        if (typeof value !== 'string' || value.trim() === '') throw invalidInput('folder', 'set an output folder on the node (or in the msg property it names)');
        folder = value;
      }
      node.status(busy('downloading'));
      const file = await result.open(id);
      const media = mediaType(file.contentType);
      msg.filename = file.filename;
      msg.jobId = id;
      if (JSON_TYPE.test(media)) {
        const { data, buffer } = await readJsonResult(file, result, account.provider, id, maxBytes);
        msg.contentType = 'application/json';
        if (folder !== undefined) {
          const written = await streamToFile(Readable.from([buffer]), folder, file.filename, buffer.length);
          msg.payload = written.path;
        } else {
          msg.payload = data;
        }
        msg.size = buffer.length;
      } else {
        refuseNonFile(file);
        msg.contentType = file.contentType;
        if (folder !== undefined) {
          const written = await streamToFile(file.stream, folder, file.filename, file.contentLength);
          msg.payload = written.path;
          msg.size = written.bytes;
        } else {
          const buffer = await streamToBuffer(file.stream, maxBytes, file.filename, file.contentLength);
          msg.payload = buffer;
          msg.size = buffer.length;
        }
      }
      node.status(ok(`${file.filename}`));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-retrieve-result', RetrieveResultNode);
};

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** A JSON result, read within the Buffer limit and checked: the provider's error shape is not a result. */
async function readJsonResult(file: DownloadedFile, result: ResultCapability, provider: string, id: string, maxBytes: number): Promise<{ data: unknown; buffer: Buffer }> {
  let buffer: Buffer;
  try {
    buffer = await streamToBuffer(file.stream, maxBytes, file.filename, file.contentLength);
  } catch (e) {
    // The Buffer limit's own advice (write to a folder) does not help here: JSON is checked in memory either way.
    if (e instanceof FulfillmentError && e.kind === 'malformed_response' && /larger than/.test(e.message)) {
      throw new FulfillmentError({ provider, kind: 'malformed_response', providerCode: e.providerCode, message: `${provider}: the JSON result of job ${id} (${file.filename}) is larger than the Buffer limit of ${maxBytes} bytes; JSON results are checked in memory: raise "max Buffer" on the node` });
    }
    throw e;
  }
  const text = buffer.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FulfillmentError({ provider, kind: 'malformed_response', message: `${provider}: the result of job ${id} says it is JSON but cannot be read as JSON`, response: text.slice(0, MAX_SHOWN) });
  }
  const problem = result.errorIn?.(data);
  if (problem !== undefined) {
    throw new FulfillmentError({
      provider,
      kind: 'malformed_response',
      providerCode: 'error_body',
      providerMessage: problem,
      message: `${provider}: the answer for the result of job ${id} is an error, not a result: ${problem}`,
      response: text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : data,
    });
  }
  return { data, buffer };
}
