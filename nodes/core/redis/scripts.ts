/**
 * The Lua scripts that make every decision "who acts" one atomic step in
 * Redis. Each runs as one EVALSHA, so a tick costs the same few round trips
 * whether a node watches ten jobs or ten thousand. Times are Redis's own
 * clock (TIME), so instances on machines whose clocks differ still agree.
 *
 * Keys (P = the configured prefix, S = the node's id):
 *   P claim:S:<key>   repeat guard entry (JSON LedgerEntry), expires after the window
 *   P claims:S        zset of those keys by claim time (for an overview)
 *   P seen:S:<key>    callback event already output, expires after the window
 *   P rank:S:<subj>   highest rank of a callback subject output, expires after the window
 *   P watch:S:due     zset member -> epoch ms when the job is next due
 *   P watch:S:jobs    hash member -> JSON {id, kind, since, lastStatus, lastProgress, statusSince}
 *   P watch:S:meta    hash member -> JSON of the message that started the watch
 *   P watch:S:live    zset instance -> epoch ms its heartbeat expires
 *   P records:S:<n>   hash key -> JSON record (the sidebar's rows needing attention)
 *   P records:S:<n>:t zset key -> epoch ms it was put (oldest dropped beyond the cap)
 * A watch member is JSON [kind, id].
 */

const PRELUDE = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

export interface Script {
  name: string;
  source: string;
}

function script(name: string, body: string): Script {
  return { name, source: `${PRELUDE}\n${body}` };
}

/**
 * KEYS: entry, index. ARGV: entry JSON, window ms, index member.
 * Records the entry unless one is there; returns nil when claimed, else the earlier entry.
 */
export const GUARD_CLAIM = script('guard-claim', `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local now = now_ms()
  redis.call('ZADD', KEYS[2], now, ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return false
end
return redis.call('GET', KEYS[1])
`);

/**
 * KEYS: entry, index. ARGV: the claim's token, next entry JSON ('' = remove), window ms, index member.
 * Only the claim's owner replaces or removes it; returns 1 when it did.
 */
export const GUARD_SETTLE = script('guard-settle', `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, entry = pcall(cjson.decode, current)
  if not ok or type(entry) ~= 'table' or entry.token ~= ARGV[1] then return 0 end
elseif ARGV[2] == '' then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[4])
  return 1
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now_ms(), ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`);

/**
 * KEYS: due, jobs, meta. ARGV: triples (member, entry JSON, meta JSON).
 * A job already watched keeps its entry (start time, last status) and its due time; its meta is replaced.
 * Returns how many jobs are new.
 */
export const WATCH_ADD = script('watch-add', `
local now = now_ms()
local added = 0
for i = 1, #ARGV, 3 do
  local m = ARGV[i]
  if redis.call('HSETNX', KEYS[2], m, ARGV[i + 1]) == 1 then added = added + 1 end
  redis.call('HSET', KEYS[3], m, ARGV[i + 2])
  redis.call('ZADD', KEYS[1], 'NX', now, m)
end
return added
`);

/**
 * KEYS: due, jobs, live. ARGV: instance id, interval ms, heartbeat ttl ms.
 * Beats this instance's heartbeat, then claims (moves one interval ahead) the
 * jobs nobody asked about for a whole interval (their instance stopped) and,
 * oldest first, at most a fair share (all jobs / live instances) of the jobs
 * due now. Returns {now, total, live, entry JSON...}.
 */
export const WATCH_CLAIM = script('watch-claim', `
local now = now_ms()
local interval = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[3], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('PEXPIRE', KEYS[3], ttl)
local live = redis.call('ZCARD', KEYS[3])
local total = redis.call('ZCARD', KEYS[1])
local claimed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - interval)
local share = math.ceil(total / live)
if share > 0 then
  local ontime = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - interval), now, 'LIMIT', 0, share)
  for _, m in ipairs(ontime) do claimed[#claimed + 1] = m end
end
local out = {now, total, live}
local due = now + interval
for i = 1, #claimed, 500 do
  local chunk, pairs_ = {}, {}
  for j = i, math.min(i + 499, #claimed) do
    chunk[#chunk + 1] = claimed[j]
    pairs_[#pairs_ + 1] = due
    pairs_[#pairs_ + 1] = claimed[j]
  end
  redis.call('ZADD', KEYS[1], 'XX', unpack(pairs_))
  local entries = redis.call('HMGET', KEYS[2], unpack(chunk))
  for k = 1, #chunk do
    if entries[k] then out[#out + 1] = entries[k] else redis.call('ZREM', KEYS[1], chunk[k]) end
  end
end
return out
`);

/**
 * KEYS: due, jobs. ARGV: member, interval ms. Claims one watched job now
 * ("check now": moved one interval ahead like a round's claim); returns its
 * entry JSON, or nil when it is not watched.
 */
export const WATCH_CLAIM_ONE = script('watch-claim-one', `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return false end
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then return false end
redis.call('ZADD', KEYS[1], 'XX', now_ms() + tonumber(ARGV[2]), ARGV[1])
return entry
`);

/**
 * KEYS: due, jobs, meta. ARGV: r, r members to remove (finished or expired);
 * p, p triples (member, entry JSON as claimed, entry JSON with the new status);
 * d, delay ms (when d > 0), d members not to ask about before now + delay.
 * A removal is won by the one call that removes the job; a progress update by
 * the one call that finds the entry as it was claimed. Returns
 * {won removals, (member, meta)..., won updates, (member, meta)...}.
 */
export const WATCH_SETTLE = script('watch-settle', `
local i = 1
local removed, updated = {}, {}
local r = tonumber(ARGV[i]); i = i + 1
for _ = 1, r do
  local m = ARGV[i]; i = i + 1
  if redis.call('ZREM', KEYS[1], m) == 1 then
    removed[#removed + 1] = m
    removed[#removed + 1] = redis.call('HGET', KEYS[3], m) or ''
    redis.call('HDEL', KEYS[2], m)
    redis.call('HDEL', KEYS[3], m)
  end
end
local p = tonumber(ARGV[i]); i = i + 1
for _ = 1, p do
  local m, was, now_ = ARGV[i], ARGV[i + 1], ARGV[i + 2]; i = i + 3
  if redis.call('HGET', KEYS[2], m) == was then
    redis.call('HSET', KEYS[2], m, now_)
    updated[#updated + 1] = m
    updated[#updated + 1] = redis.call('HGET', KEYS[3], m) or ''
  end
end
local d = tonumber(ARGV[i]); i = i + 1
if d > 0 then
  local at = now_ms() + tonumber(ARGV[i]); i = i + 1
  for _ = 1, d do
    local m = ARGV[i]; i = i + 1
    local s = redis.call('ZSCORE', KEYS[1], m)
    if s and tonumber(s) < at then redis.call('ZADD', KEYS[1], 'XX', at, m) end
  end
end
local out = {#removed / 2}
for _, v in ipairs(removed) do out[#out + 1] = v end
out[#out + 1] = #updated / 2
for _, v in ipairs(updated) do out[#out + 1] = v end
return out
`);

/**
 * KEYS: due, jobs, meta. ARGV: members. Stops watching; returns
 * (member, entry JSON, meta JSON) for each job this call removed.
 */
export const WATCH_REMOVE = script('watch-remove', `
local out = {}
for _, m in ipairs(ARGV) do
  if redis.call('ZREM', KEYS[1], m) == 1 then
    out[#out + 1] = m
    out[#out + 1] = redis.call('HGET', KEYS[2], m) or ''
    out[#out + 1] = redis.call('HGET', KEYS[3], m) or ''
    redis.call('HDEL', KEYS[2], m)
    redis.call('HDEL', KEYS[3], m)
  end
end
return out
`);

/** KEYS: due, jobs. Returns {member, due ms, entry JSON, ...} for every watched job (one consistent snapshot). */
export const WATCH_LIST = script('watch-list', `
local due = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for i = 1, #due, 2 do
  out[#out + 1] = due[i]
  out[#out + 1] = due[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], due[i]) or ''
end
return out
`);

/** KEYS: index. ARGV: window ms. The guard entries still within the window, as {key, JSON, ...}; `prefix` rebuilds each entry's key. */
export const GUARD_LIST = script('guard-list', `
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
local keys = redis.call('ZREVRANGE', KEYS[1], 0, -1)
local out = {}
for _, k in ipairs(keys) do
  local v = redis.call('GET', ARGV[2] .. k)
  if v then
    out[#out + 1] = k
    out[#out + 1] = v
  end
end
return out
`);

/**
 * KEYS: the subject's rank. ARGV: rank, window ms. Admits a rank not below the
 * highest recorded (and records it, for another window); returns 1 when admitted.
 */
export const RANK_ADMIT = script('rank-admit', `
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/**
 * KEYS: records, times. ARGV: key, record JSON, max. Adds or replaces one
 * record, then drops the oldest beyond max. Returns how many are kept.
 */
export const RECORD_PUT = script('record-put', `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now_ms(), ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
end
return redis.call('HLEN', KEYS[1])
`);

/** KEYS: records, times. ARGV: key. Returns 1 when this call removed it. */
export const RECORD_REMOVE = script('record-remove', `
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
`);

/** KEYS: records, times. Removes them all; returns how many there were. */
export const RECORD_CLEAR = script('record-clear', `
local n = redis.call('HLEN', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2])
return n
`);

/** KEYS: records, times. Every record JSON, oldest first. */
export const RECORD_ALL = script('record-all', `
local keys = redis.call('ZRANGE', KEYS[2], 0, -1)
if #keys == 0 then return {} end
local out = {}
for i = 1, #keys, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #keys) do chunk[#chunk + 1] = keys[j] end
  local values = redis.call('HMGET', KEYS[1], unpack(chunk))
  for k = 1, #chunk do if values[k] then out[#out + 1] = values[k] end end
end
return out
`);

export const SCRIPTS = [RANK_ADMIT, WATCH_CLAIM_ONE, GUARD_CLAIM, GUARD_SETTLE, WATCH_ADD, WATCH_CLAIM, WATCH_SETTLE, WATCH_REMOVE, WATCH_LIST, GUARD_LIST, RECORD_PUT, RECORD_REMOVE, RECORD_CLEAR, RECORD_ALL];
