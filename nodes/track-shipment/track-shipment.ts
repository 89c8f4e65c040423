/**
 * fulfillment-track-shipment (PostGreen): a job's deliveries; once all are
 * READY or OUTPUTTED, its shipments with tracking numbers and, on request,
 * the proof files (ACKN, CERTIF, FAIL_PROOF, TRACKING_DETAIL), streamed into
 * Buffers or a folder.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { onInput } from '../runtime/input';
import { clientFor } from '../runtime/account-ref';
import type { PostgreenClient } from '../providers/postgreen/client';
import { evaluate, loadRequest, numberSetting } from '../runtime/props';
import { busy, clock, markAccount, ok, statusTexts, waiting } from '../runtime/status';
import { invalidInput } from '../core/errors';
import { streamToBuffer, streamToFile } from '../core/download';
import { jobIdValue } from '../providers/postgreen/capabilities';
import { trackingFiles, trackingNumber } from '../providers/postgreen/parse';
import { shipmentStatus, ShipmentStatus } from '../providers/postgreen/shipment-status';
import { PostgreenTrackingFileName, TRACKING_FILE_NAMES } from '../providers/postgreen/types';

const DONE = new Set(['READY', 'OUTPUTTED']);

export = function register(RED: NodeAPI): void {
  function TrackShipmentNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const proofs = def.proofs === 'buffer' || def.proofs === 'file' ? def.proofs : 'none';
    const say = statusTexts(RED, node, 'track-shipment');
    const maxBytes = numberSetting(RED, node, def, 'maxBufferMb', 20, 1) * 1024 * 1024;
    markAccount(RED, node, def.account);
    const configuredNames = String(def.proofNames ?? 'ACKN,CERTIF,FAIL_PROOF').split(',').map((s) => s.trim()).filter(Boolean);

    onInput(node, async (msg, send) => {
      await loadRequest(RED, node, def, msg);
      const client = clientFor<PostgreenClient>(RED, def.account, node.type, 'track shipments');
      const jobId = jobIdValue(msg.jobId ?? msg.payload, 'msg.payload', msg.payload);
      const wanted = Array.isArray(msg.proofNames) ? msg.proofNames.map(String) : configuredNames;
      for (const n of wanted) if (!TRACKING_FILE_NAMES.includes(n as PostgreenTrackingFileName)) throw invalidInput('proofNames', `"${n}" is not one of ${TRACKING_FILE_NAMES.join(', ')}`, 'postgreen');
      let folder: string | undefined;
      if (proofs === 'file') {
        const value = await evaluate(RED, node, msg, def.folder, def.folderType);
        if (typeof value !== 'string' || value.trim() === '') throw invalidInput('folder', 'set an output folder for the proofs', 'postgreen');
        folder = value;
      }
      node.status(busy(say('reading')));
      const deliveries = await client.deliveries(jobId);
      const ready = deliveries.length > 0 && deliveries.every((d) => DONE.has(d.status));
      const outputted = deliveries.filter((d) => d.status === 'OUTPUTTED').length;
      const shipments: Array<Record<string, unknown>> = [];
      const failed: ShipmentStatus[] = [];
      if (ready) {
        for (const d of deliveries) {
          for (const s of d.shipments ?? []) {
            const files = trackingFiles(s);
            // The appendix's numeric status with its meaning; a status it does not list is passed on as it came.
            const meaning = shipmentStatus(s.status);
            if (meaning?.failed) failed.push(meaning);
            const entry: Record<string, unknown> = { shipmentId: s.id, deliveryId: d.id, status: s.status, shipmentStatus: meaning, trackingNumber: trackingNumber(s), files };
            if (proofs !== 'none') {
              const got: Record<string, unknown> = {};
              for (const name of wanted.filter((n) => files.includes(n))) {
                node.status(busy(say('downloading', { name })));
                const file = await client.trackingFile(s.id, name as PostgreenTrackingFileName);
                if (folder !== undefined) {
                  const written = await streamToFile(file.stream, folder, file.filename, file.contentLength);
                  got[name] = { filename: file.filename, path: written.path, size: written.bytes, contentType: file.contentType };
                } else {
                  const data = await streamToBuffer(file.stream, maxBytes, file.filename, file.contentLength);
                  got[name] = { filename: file.filename, data, size: data.length, contentType: file.contentType };
                }
              }
              entry.proofs = got;
            }
            shipments.push(entry);
          }
        }
      }
      msg.payload = deliveries;
      msg.jobId = jobId;
      msg.ready = ready;
      msg.shipments = shipments;
      if (failed.length > 0) node.status(waiting(say('failed', { count: failed.length })));
      else if (!ready) node.status(waiting(deliveries.length === 0 ? say('none') : say('ready', { ready: deliveries.filter((d) => DONE.has(d.status)).length, total: deliveries.length })));
      else node.status(ok(say('outputted', { outputted, total: deliveries.length, time: clock() })));
      send(msg);
    });
  }
  RED.nodes.registerType('fulfillment-track-shipment', TrackShipmentNode);
};
