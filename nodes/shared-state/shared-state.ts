/**
 * fulfillment-shared-state: the Redis that several Node-RED instances running
 * the same flows coordinate through. An account that names this node makes
 * its nodes claim orders atomically, share one watch list and output each
 * callback once. The Redis client is loaded on first use only.
 */
import { NodeAPI, Node, NodeDef } from '../runtime/red';
import { SharedStateNode } from '../runtime/shared-state';
import { Coordination } from '../core/coordination';
import { FulfillmentError } from '../core/errors';
import { checkPrefix, parseRedisUrl, redactRedisUrl } from '../core/redis/url';
import { RedisConnection } from '../core/redis/connection';
import { RedisCoordination } from '../core/redis/coordination';

export = function register(RED: NodeAPI): void {
  function SharedStateCtor(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const self = this as SharedStateNode;
    const written = typeof def.url === 'string' ? def.url.trim() : '';
    let url = written;
    // Node-RED replaces a whole-field ${VAR} before this runs (left as written when the variable is not set);
    // one inside the address (redis://${REDIS_HOST}:6379) is replaced here.
    if (url.includes('${')) {
      RED.util.evaluateNodeProperty(url, 'env', self, undefined, (err, value) => {
        if (!err && typeof value === 'string') url = value.trim();
      });
    }
    const unset = [...written.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]);
    const missingVariable = (): FulfillmentError | undefined =>
      unset.length > 0 && (url === '' || url.includes('${') || /^rediss?:\/\/(:\d+)?(\/|$)/.test(url))
        ? new FulfillmentError({ kind: 'config', field: 'url', message: `url: the environment variable ${unset.join(', ')} is not set` })
        : undefined;
    let coordination: RedisCoordination | undefined;
    let closed = false;
    self.label = (() => {
      try {
        return parseRedisUrl(url).label;
      } catch {
        return redactRedisUrl(url).slice(0, 80) || '(no address)';
      }
    })();

    self.coordination = (): Coordination => {
      if (closed) throw new FulfillmentError({ kind: 'cancelled', message: 'the shared state is being closed (redeploy)' });
      if (coordination) return coordination;
      const notSet = missingVariable();
      if (notSet) throw notSet;
      const target = parseRedisUrl(url);
      const prefix = checkPrefix(def.prefix);
      const connection = new RedisConnection({
        target,
        password: self.credentials?.password || undefined,
        onState: (state, cause) => {
          if (closed) return;
          if (state === 'ready') self.log(`connected to ${target.label}`);
          else if (state === 'unreachable') self.warn(`${target.label} is unreachable${cause ? ` (${cause})` : ''}: creating calls are refused and polling pauses until it is back`);
        },
      });
      coordination = new RedisCoordination({ connection, prefix });
      connection.open();
      return coordination;
    };

    self.on('close', (_removed, done) => {
      closed = true;
      const c = coordination;
      coordination = undefined;
      if (!c) return done();
      c.close().catch(() => undefined).finally(() => done());
    });
  }

  RED.nodes.registerType('fulfillment-shared-state', SharedStateCtor, {
    credentials: { password: { type: 'password' } },
  });
};
