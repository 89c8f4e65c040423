/**
 * What the nodes report to the operations sidebar (see registry.ts):
 *
 *   const track = activity.pollNode(node, { source, provider, store });   // poll status
 *   track.progressed(entry) / track.needsAttention(entry, report) / track.ended(entry) / track.changed()
 *   const calls = activity.callLog(node, store);                           // creating nodes
 *   sendOnce(guard, key, provider, send, outcome, { log: calls, operation: 'place order', idOf })
 *   const log = activity.callbackNode(node, { provider, store });          // callback
 *   log.event({...}) / log.repeat(dedupeKey) / log.refused(status, reason, from)
 */
export { activity, ActivityRegistry } from './registry';
export type { PollNodeOptions, CallbackNodeOptions } from './registry';
export type { WatchSource, WatchedJob, AttentionReport, PollTrack } from './poll-track';
export type { CallLog, CallRecord } from './call-log';
export type { CallbackLog, CallbackEventRecord } from './callback-log';
export { providerIdOf, referenceOf } from './provider-id';
export * from './types';
