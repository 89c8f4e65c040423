/**
 * fulfillment-poll-status: watches jobs / orders until a terminal state, with
 * one status request per tick for everything this node watches. Outputs:
 * 1 done, 2 failed or needs attention (or timed out), 3 progress.
 * The watch list lives in the node's context, so with a persistent context
 * store a restart resumes every job. With a shared state on the account it
 * lives in Redis instead: every instance running this flow takes its share of
 * the jobs, and each output happens once across all of them.
 */
import { NodeAPI, Node, NodeDef, NodeMessage, NodeStatus } from '../runtime/red';
import { onInput, reportable } from '../runtime/input';
import { accountOf, capabilityOf } from '../runtime/account-ref';
import { busy, idle, markAccount, statusForError, statusTexts, waiting } from '../runtime/status';
import { contextGet, contextSet, loadRequest, numberSetting } from '../runtime/props';
import { persistableMeta } from '../runtime/message';
import { coordinationOf } from '../runtime/shared-state';
import { Poller, PollReport, WatchEntry } from '../core/poller';
import { asFulfillmentError, FulfillmentError } from '../core/errors';
import { StatusKindInfo } from '../core/descriptor';
import { activity } from '../runtime/activity';

type Meta = Record<string, unknown>;
const WATCH_KEY = 'fulfillment-watch';
/** Jobs received while the shared state was unreachable, kept until it is back. */
const PENDING_KEY = 'fulfillment-watch-pending';

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
    // The shared count last shown: other instances finish or stop watching jobs, and only a round here sees that.
    let shownSharedSize: number | undefined;
    // While the shared state is away: the paused status shown (undefined when polling runs).
    let pausedText: string | undefined;
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
      if (!poller || closed || pausedText !== undefined) return;
      const p = poller;
      const flag = attention > 0 ? ` · ⚠${attention}` : '';
      const idleNow = (): NodeStatus => (attention > 0 ? waiting(say('attention', { count: attention })) : idle(say('idle')));
      if (p.store.shared) {
        // Counted, not listed: the shared list may hold thousands of jobs.
        shownSharedSize = p.size;
        node.status(p.size === 0 ? idleNow() : busy(`${say('watchingShared', { count: p.size })}${flag}`));
        return;
      }
      void p.list().then((list) => {
        if (closed || pausedText !== undefined || poller !== p) return;
        if (list.length === 0) node.status(idleNow());
        else if (list.length === 1) node.status(busy(`${String(list[0].lastProgress ?? list[0].lastStatus ?? say('watching', { count: 1 }))}${flag}`));
        else node.status(busy(`${say('watching', { count: list.length })}${flag}`));
      });
    };

    const getPoller = (): Poller<Meta> => {
      if (poller) return poller;
      const cap = statusCap();
      const kind = kindInfo();
      const intervalMs = intervalS === undefined ? kind.defaultIntervalMs : intervalS * 1000;
      tickEveryMs = intervalMs;
      const shared = coordinationOf(RED, accountOf(RED, def.account));
      const watchStore = shared?.watchList<Meta>(node.id, (waiting) => {
        contextSet(node.context(), PENDING_KEY, waiting.length > 0 ? waiting : undefined, store).catch(() => undefined);
      });
      poller = new Poller<Meta>({
        store: watchStore,
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
            void track.needsAttention(entry, { verdict: report.verdict === 'failed' ? 'failed' : 'attention', status: report.status, reason: report.reason, progress: report.progress });
            node.send([null, out(entry, report), null]);
          }
          showStatus();
        },
        onTimeout: (entry) => {
          attention++;
          const reason = `no terminal state after ${Math.round(maxWaitMs / 1000)} s`;
          void track.needsAttention(entry, { verdict: 'timeout', reason });
          node.send([null, out(entry, { status: 'timeout', reason, raw: entry.lastStatus }), null]);
        },
        onError: (e, entries) => {
          const fe = asFulfillmentError(e);
          if (fe.kind === 'http' && !fe.retryable && entries.length > 0) {
            // The provider refuses these ids outright: stop watching them, and report each one (once, across instances).
            const p = poller;
            p?.unwatchAll(entries[0].kind, entries.map((x) => x.id))
              .then((removed) => {
                for (const entry of removed) {
                  attention++;
                  void track.needsAttention(entry, { verdict: 'refused', status: fe.status ? `HTTP ${fe.status}` : fe.kind, reason: fe.message });
                  node.error(reportable(fe), out(entry, { status: 'error', raw: fe.response }));
                }
                showStatus();
              })
              .catch((err) => node.warn(`could not stop watching refused ids: ${asFulfillmentError(err).message}`));
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
          if (pausedText !== undefined) {
            pausedText = undefined;
            showStatus();
          } else if (poller?.store.shared && poller.size !== shownSharedSize) showStatus();
        },
        onStoreError: (e) => {
          const fe = asFulfillmentError(e);
          if (pausedText === undefined) node.warn(`polling paused: ${fe.message}`);
          const waitingJobs = (poller?.store as { waiting?: number } | undefined)?.waiting ?? 0;
          const text = waitingJobs > 0 ? say('pausedWaiting', { count: waitingJobs }) : say('paused');
          // Retried every few seconds while Redis is away: a status node after this one hears of each change, not each retry.
          if (text !== pausedText) node.status(waiting(text));
          pausedText = text;
        },
        onChange: (entries) => {
          track.changed();
          contextSet(node.context(), WATCH_KEY, entries, store).catch((e) => node.warn(`could not save the watch list: ${(e as Error).message}`));
        },
      });
      if (watchStore) poller.start();
      return poller;
    };

    markAccount(RED, node, def.account);
    // The operations sidebar lists this node's jobs; its buttons act through here.
    const track = activity.pollNode(node, {
      store,
      provider: () => accountOf(RED, def.account).provider,
      // With a shared state, rows needing attention are kept in Redis: any instance's editor shows and dismisses them.
      sharedRecords: (name, valid) => coordinationOf(RED, accountOf(RED, def.account))?.records(node.id, name, valid),
      source: {
        // A shared list is read from Redis: the sidebar shows the list every instance shares.
        list: () => poller?.list() ?? [],
        count: () => poller?.count() ?? 0,
        shared: () => !!poller?.store.shared,
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

    const valid = (saved: unknown): Array<WatchEntry<Meta>> =>
      Array.isArray(saved) ? (saved as Array<WatchEntry<Meta>>).filter((e) => e && typeof e.id === 'string' && typeof e.kind === 'string') : [];
    const sharedAccount = (): boolean => {
      try {
        return !!accountOf(RED, def.account).sharedStateId;
      } catch {
        return false;
      }
    };

    // Resume what was being watched before a restart or redeploy. With a shared state, the
    // list is in Redis already; what this node still holds in its context (watched before the
    // shared state was set, or received while it was unreachable) joins the shared list.
    (async () => {
      const shared = sharedAccount();
      const saved = valid(await contextGet(node.context(), WATCH_KEY, store));
      const waitingJobs = shared ? valid(await contextGet(node.context(), PENDING_KEY, store)) : [];
      if (closed) return;
      if (!shared && saved.length === 0) return;
      const p = getPoller();
      await p.watchAll([...saved, ...waitingJobs]);
      if (shared && saved.length > 0) await contextSet(node.context(), WATCH_KEY, undefined, store);
      showStatus();
    })().catch((e) => {
      if (closed) return;
      const fe = asFulfillmentError(e);
      node.status(statusForError(fe, node));
      node.warn(`could not resume the watch list: ${fe.message}`);
    });

    onInput(node, async (msg) => {
      await loadRequest(RED, node, def, msg);
      const cap = statusCap();
      const kind = kindOf();
      if (msg.cancel === true) {
        const ids = msg.payload === undefined || msg.payload === null ? (await getPoller().list()).map((e) => e.id) : cap.targets(msg.payload, kind);
        for (const entry of await getPoller().unwatchAll(kind, ids)) track.ended(entry);
        showStatus();
        return;
      }
      const ids = cap.targets(msg.payload, kind);
      const p = getPoller();
      const meta = persistableMeta(msg);
      await p.watchAll(ids.map((id) => ({ id, kind, meta })));
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
