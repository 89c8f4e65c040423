/**
 * fulfillment-poll-status: watches jobs / orders until a terminal state, with
 * one status request per tick for everything this node watches. Outputs:
 * 1 done, 2 failed or needs attention (or timed out), 3 progress.
 * The watch list lives in the node's context, so with a persistent context
 * store a restart resumes every job.
 */
import { NodeAPI, Node, NodeDef, NodeMessage } from '../runtime/red';
import { onInput, reportable } from '../runtime/input';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { busy, idle, markAccount, statusTexts, waiting } from '../runtime/status';
import { contextGet, contextSet, loadRequest, numberSetting } from '../runtime/props';
import { persistableMeta } from '../runtime/message';
import { Poller, PollReport, WatchEntry } from '../core/poller';
import { asFulfillmentError, FulfillmentError } from '../core/errors';
import { StatusKindInfo } from '../core/descriptor';
import { activity } from '../runtime/activity';

type Meta = Record<string, unknown>;
const WATCH_KEY = 'fulfillment-watch';

export = function register(RED: NodeAPI): void {
  function PollStatusNode(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const store = typeof def.contextStore === 'string' && def.contextStore !== '' ? def.contextStore : undefined;
    const say = statusTexts(RED, node, 'poll-status');
    const maxWaitMs = numberSetting(RED, node, def, 'maxWait', 3600, 0) * 1000;
    // Read at deploy, so a bad value is reported then; empty means the provider's advice.
    const configuredInterval = numberSetting(RED, node, def, 'interval', NaN, 1, "the provider's default");
    const intervalS = Number.isNaN(configuredInterval) ? undefined : configuredInterval;
    let poller: Poller<Meta> | undefined;
    let failing = false;
    let closed = false;
    // Jobs that went to output 2 (failed, needs attention, timed out) since the deploy.
    let attention = 0;
    let lastTick: number | undefined;
    let tickEveryMs: number | undefined;

    const statusCap = () => capabilityOf(accountOf(RED, def.account), 'status', 'report job or order status');
    // The kinds this provider can poll, with their default intervals, are in its descriptor.
    const kindInfo = (): StatusKindInfo => {
      const account = accountOf(RED, def.account);
      const kinds = account.descriptor?.capabilities.status ?? [];
      const wanted = typeof def.kind === 'string' && def.kind !== '' ? def.kind : kinds[0]?.name;
      const found = kinds.find((k) => k.name === wanted);
      if (!found) {
        throw new FulfillmentError({ kind: 'config', field: 'kind', provider: account.provider, message: `${account.provider} cannot poll "${wanted ?? ''}"; it can poll ${kinds.map((k) => k.name).join(', ') || 'nothing'}` });
      }
      return found;
    };
    const kindOf = (): string => kindInfo().name;

    const out = (entry: WatchEntry<Meta>, report: Partial<PollReport> & { status: string }): NodeMessage => ({
      ...(entry.meta ?? {}),
      payload: report.raw,
      jobId: entry.id,
      status: report.status,
      ...(report.progress ? { progress: report.progress } : {}),
      ...(report.reason ? { reason: report.reason } : {}),
      ...(report.fields ?? {}),
    });

    const showStatus = (): void => {
      if (!poller || closed) return;
      const list = poller.list();
      const flag = attention > 0 ? ` · ⚠${attention}` : '';
      if (list.length === 0) node.status(attention > 0 ? waiting(say('attention', { count: attention })) : idle(say('idle')));
      else if (list.length === 1) node.status(busy(`${String(list[0].lastProgress ?? list[0].lastStatus ?? say('watching', { count: 1 }))}${flag}`));
      else node.status(busy(`${say('watching', { count: list.length })}${flag}`));
    };

    const getPoller = (): Poller<Meta> => {
      if (poller) return poller;
      const cap = statusCap();
      const kind = kindInfo();
      const intervalMs = intervalS === undefined ? kind.defaultIntervalMs : intervalS * 1000;
      tickEveryMs = intervalMs;
      poller = new Poller<Meta>({
        intervalMs,
        maxWaitMs,
        fetch: (k, ids) => cap.fetch(k, ids),
        onProgress: (entry, report) => {
          track.progressed(entry);
          node.send([null, null, out(entry, report)]);
          showStatus();
        },
        onTerminal: (entry, report) => {
          if (report.verdict === 'done') {
            track.ended(entry);
            node.send([out(entry, report), null, null]);
          } else {
            attention++;
            track.needsAttention(entry, { verdict: report.verdict === 'failed' ? 'failed' : 'attention', status: report.status, reason: report.reason, progress: report.progress });
            node.send([null, out(entry, report), null]);
          }
          showStatus();
        },
        onTimeout: (entry) => {
          attention++;
          const reason = `no terminal state after ${Math.round(maxWaitMs / 1000)} s`;
          track.needsAttention(entry, { verdict: 'timeout', reason });
          node.send([null, out(entry, { status: 'timeout', reason, raw: entry.lastStatus }), null]);
        },
        onError: (e, entries) => {
          const fe = asFulfillmentError(e);
          if (fe.kind === 'http' && !fe.retryable) {
            // The provider refuses these ids outright: stop watching them, and report each one.
            for (const entry of entries) {
              poller?.unwatch(entry.kind, entry.id);
              attention++;
              track.needsAttention(entry, { verdict: 'refused', status: fe.status ? `HTTP ${fe.status}` : fe.kind, reason: fe.message });
              node.error(reportable(fe), out(entry, { status: 'error', raw: fe.response }));
            }
            showStatus();
            return;
          }
          if (!failing) node.error(reportable(fe), { payload: entries.map((x) => x.id), jobs: entries.map((x) => x.id) });
          failing = true;
          node.status(waiting(say('retrying', { reason: fe.status ? `HTTP ${fe.status}` : fe.kind })));
        },
        onTick: () => {
          failing = false;
          lastTick = Date.now();
          track.changed();
        },
        onChange: (entries) => {
          track.changed();
          contextSet(node.context(), WATCH_KEY, entries, store).catch((e) => node.warn(`could not save the watch list: ${(e as Error).message}`));
        },
      });
      return poller;
    };

    markAccount(RED, node, def.account);
    // The operations sidebar lists this node's jobs; its buttons act through here.
    const track = activity.pollNode(node, {
      store,
      provider: () => accountOf(RED, def.account).provider,
      source: {
        list: () => poller?.list() ?? [],
        nextCheckAt: () => poller?.nextTickAt ?? (lastTick !== undefined && tickEveryMs !== undefined && poller?.size ? lastTick + tickEveryMs : undefined),
        checkNow: (kind, id) => poller?.checkNow(kind, id) ?? Promise.resolve(false),
        unwatch: async (kind, id) => {
          // Awaited: a shared watch list answers later.
          const removed = await (poller?.unwatch(kind, id) ?? false);
          if (removed) showStatus();
          return removed;
        },
      },
    });

    // Resume what was being watched before a restart or redeploy.
    contextGet(node.context(), WATCH_KEY, store)
      .then((saved) => {
        if (closed || !Array.isArray(saved) || saved.length === 0) return;
        const p = getPoller();
        for (const e of saved as WatchEntry<Meta>[]) {
          if (e && typeof e.id === 'string' && typeof e.kind === 'string') p.watch(e);
        }
        showStatus();
      })
      .catch((e) => node.warn(`could not resume the watch list: ${asFulfillmentError(e).message}`));

    onInput(node, async (msg) => {
      await loadRequest(RED, node, def, msg);
      const cap = statusCap();
      const kind = kindOf();
      if (msg.cancel === true) {
        const ids = msg.payload === undefined || msg.payload === null ? getPoller().list().map((e) => e.id) : cap.targets(msg.payload, kind);
        for (const id of ids) if (getPoller().unwatch(kind, id)) track.ended({ kind, id });
        showStatus();
        return;
      }
      const ids = cap.targets(msg.payload, kind);
      const p = getPoller();
      const meta = persistableMeta(msg);
      for (const id of ids) p.watch({ id, kind, meta });
      showStatus();
    });

    node.on('close', (_removed, done) => {
      closed = true;
      poller?.close();
      poller = undefined;
      done();
    });
  }
  RED.nodes.registerType('fulfillment-poll-status', PollStatusNode);
};
