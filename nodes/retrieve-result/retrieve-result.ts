/**
 * fulfillment-retrieve-result: downloads a finished job's file, streamed into a
 * Buffer (capped) or straight to a file in a folder, with its file name.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { busy, clock, markAccount, ok, statusTexts } from '../runtime/status';
import { evaluate, loadRequest, numberSetting } from '../runtime/props';
import { streamToBuffer, streamToFile } from '../core/download';
import { invalidInput } from '../core/errors';
import { refuseNonFile } from '../core/download';

export = function register(RED: NodeAPI): void {
  function RetrieveResultNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const toFile = def.output === 'file';
    const say = statusTexts(RED, node, 'retrieve-result');
    const maxBytes = numberSetting(RED, node, def, 'maxBufferMb', 50, 1) * 1024 * 1024;
    markAccount(RED, node, def.account);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const account = accountOf(RED, def.account);
      const result = capabilityOf(account, 'result', 'retrieve a result file');
      const id = result.target(msg.payload);
      let folder: string | undefined;
      if (toFile) {
        const value = await evaluate(RED, node, msg, def.folder, def.folderType);
        if (typeof value !== 'string' || value.trim() === '') throw invalidInput('folder', 'set an output folder on the node (or in the msg property it names)');
        folder = value;
      }
      node.status(busy(say('downloading')));
      const file = await result.open(id);
      refuseNonFile(file);
      msg.filename = file.filename;
      msg.contentType = file.contentType;
      msg.jobId = id;
      if (folder !== undefined) {
        const written = await streamToFile(file.stream, folder, file.filename, file.contentLength);
        msg.payload = written.path;
        msg.size = written.bytes;
      } else {
        const buffer = await streamToBuffer(file.stream, maxBytes, file.filename, file.contentLength);
        msg.payload = buffer;
        msg.size = buffer.length;
      }
      node.status(ok(say('retrieved', { time: clock() })));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-retrieve-result', RetrieveResultNode);
};
