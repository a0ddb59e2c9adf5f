import { LuaScript } from './lua-script';

/**
 * The account operations that run on the hot path or must be all-or-nothing, as Lua. An account is
 * one JSON string at `<prefix>account:<token>`; `<prefix>accounts` is a sorted set of every token
 * scored by updatedAt (membership, count and the change feed in one structure);
 * `<prefix>status:<status>` is the set of tokens with that status (layout 3), so listing the
 * cooling accounts reads only those; `<prefix>removed` is a sorted set of removed tokens scored by
 * the time of their removal (layout 4: the change feed's deletions, AccountStore.removedSince). Every script that writes a document updates the sets in the
 * same script, so they never disagree with the documents.
 *
 * recordSuccess/recordFailure repeat the rules of account-rules.ts (withSuccess, withFailure) in
 * Lua because they are the counters many instances hit at once; the contract suite checks that both
 * copies agree. Everything else goes through `commit`, a compare-and-set on each row's version.
 */

/** Keeps `<prefix>status:*` in step: the token in the set of `status` only (nil = in none). */
const STATUS_INDEX = `
local STATUSES = { 'active', 'cooling', 'expired', 'disabled' }
local function indexStatus(prefix, token, status)
  for _, candidate in ipairs(STATUSES) do
    if candidate ~= status then redis.call('SREM', prefix .. 'status:' .. candidate, token) end
  end
  if status then redis.call('SADD', prefix .. 'status:' .. status, token) end
end
`;

const COMMON = `${STATUS_INDEX}
local null = cjson.null
local function stamp(account, now, indexKey, token, accountKey)
  account.version = account.version + 1
  account.updatedAt = now
  redis.call('SET', accountKey, cjson.encode(account))
  redis.call('ZADD', indexKey, now, token)
  -- The index key is <prefix>accounts: the prefix is everything before 'accounts'.
  indexStatus(string.sub(indexKey, 1, -9), token, account.status)
  return cjson.encode(account)
end
local function locked(account)
  return account.status == 'disabled' or account.status == 'expired'
end
`;

/**
 * KEYS: account, index. ARGV: token, units, at, now, mode ('' = none). Returns the stored JSON or
 * nil. With a mode that has its own window, the account-rules.ts withModeSuccess rule applies.
 */
export const RECORD_SUCCESS = new LuaScript(`${COMMON}
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local account = cjson.decode(raw)
local units = math.max(0, tonumber(ARGV[2]))
local at = tonumber(ARGV[3])
local mode = ARGV[5] or ''
if type(account.modes) ~= 'table' then account.modes = {} end
local function modeLimited()
  for _, window in pairs(account.modes) do
    if type(window) == 'table' and window.limitedReason ~= null then return true end
  end
  return false
end
local window = nil
if mode ~= '' and type(account.modes[mode]) == 'table' then window = account.modes[mode] end
account.consumed = account.consumed + units
account.useCount = account.useCount + units
account.lastUsedAt = at
account.failCount = 0
if window then
  local remaining = math.max(0, window.remaining - units)
  window.remaining = remaining
  if remaining == 0 then
    window.limitedReason = 'quota_exhausted'
    window.limitedUntil = null
  elseif window.limitedReason ~= null and window.limitedUntil ~= null and window.limitedUntil <= at then
    window.limitedReason = null
    window.limitedUntil = null
  end
  if mode == 'fast' then account.quota = remaining end
  if not locked(account) then
    if modeLimited() then
      if account.status ~= 'cooling' then
        account.status = 'cooling'
        if window.limitedReason ~= null then account.statusReason = window.limitedReason else account.statusReason = 'quota_exhausted' end
        account.cooldownUntil = null
        account.statusChangedAt = at
      end
    elseif account.status == 'cooling' and account.quota ~= 0 then
      account.status = 'active'
      account.statusReason = null
      account.cooldownUntil = null
      account.statusChangedAt = at
    end
  end
  return stamp(account, tonumber(ARGV[4]), KEYS[2], ARGV[1], KEYS[1])
end
local quota = math.max(0, account.quota - units)
account.quota = quota
if not locked(account) then
  if quota == 0 then
    if account.status ~= 'cooling' then account.statusChangedAt = at end
    account.status = 'cooling'
    account.statusReason = 'quota_exhausted'
    account.cooldownUntil = null
  elseif account.status == 'cooling' and account.cooldownUntil ~= null and account.cooldownUntil <= at and not modeLimited() then
    account.status = 'active'
    account.statusReason = null
    account.cooldownUntil = null
    account.statusChangedAt = at
  end
end
return stamp(account, tonumber(ARGV[4]), KEYS[2], ARGV[1], KEYS[1])
`);

/** KEYS: account, index. ARGV: token, reason, at, threshold, now. */
export const RECORD_FAILURE = new LuaScript(`${COMMON}
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local account = cjson.decode(raw)
local at = tonumber(ARGV[3])
account.failCount = account.failCount + 1
account.lastFailAt = at
account.lastFailReason = ARGV[2]
if not locked(account) and account.failCount >= math.max(1, tonumber(ARGV[4])) then
  account.status = 'expired'
  account.statusReason = ARGV[2]
  account.cooldownUntil = null
  account.statusChangedAt = at
end
return stamp(account, tonumber(ARGV[5]), KEYS[2], ARGV[1], KEYS[1])
`);

/**
 * Inserts without overwriting. KEYS: index. ARGV: prefix, then token/json pairs (json carries its
 * own updatedAt). Returns 1 (added) or 0 (existed) per pair.
 */
export const INSERT_MISSING = new LuaScript(`${STATUS_INDEX}
local results = {}
for i = 2, #ARGV, 2 do
  local token = ARGV[i]
  local json = ARGV[i + 1]
  if redis.call('SET', ARGV[1] .. 'account:' .. token, json, 'NX') then
    local account = cjson.decode(json)
    redis.call('ZADD', KEYS[1], account.updatedAt, token)
    indexStatus(ARGV[1], token, account.status)
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
end
return results
`);

/** Records removals in `<prefix>removed` and forgets those older than the given cut-off. */
const REMOVALS = `
local function recordRemoval(removedKey, token, now)
  redis.call('ZADD', removedKey, now, token)
end
local function forgetRemovals(removedKey, before)
  redis.call('ZREMRANGEBYSCORE', removedKey, '-inf', '(' .. before)
end
`;

/**
 * Applies a set of writes only if every row still has the version the caller read (0 = must not
 * exist), and the set of tokens still has `expectedCount` members when given (-1 = any).
 * KEYS: index, removed. ARGV: prefix, expectedCount, now, forgetBefore, then triples
 * token/expectedVersion/json ('' = delete, recorded as removed at `now`).
 * Returns 1 when applied, 0 on a conflict (the caller re-reads and retries).
 */
export const COMMIT = new LuaScript(`${STATUS_INDEX}${REMOVALS}
local prefix = ARGV[1]
local expectedCount = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if expectedCount >= 0 and redis.call('ZCARD', KEYS[1]) ~= expectedCount then return 0 end
for i = 5, #ARGV, 3 do
  local raw = redis.call('GET', prefix .. 'account:' .. ARGV[i])
  local version = 0
  if raw then version = cjson.decode(raw).version end
  if version ~= tonumber(ARGV[i + 1]) then return 0 end
end
local removed = false
for i = 5, #ARGV, 3 do
  local token = ARGV[i]
  local json = ARGV[i + 2]
  if json == '' then
    redis.call('DEL', prefix .. 'account:' .. token)
    redis.call('ZREM', KEYS[1], token)
    indexStatus(prefix, token, nil)
    recordRemoval(KEYS[2], token, now)
    removed = true
  else
    local account = cjson.decode(json)
    redis.call('SET', prefix .. 'account:' .. token, json)
    redis.call('ZADD', KEYS[1], account.updatedAt, token)
    indexStatus(prefix, token, account.status)
  end
end
if removed then forgetRemovals(KEYS[2], tonumber(ARGV[4])) end
return 1
`);

/**
 * KEYS: index, removed. ARGV: prefix, now, forgetBefore, tokens… Returns how many existed; those
 * are recorded as removed at `now`.
 */
export const REMOVE = new LuaScript(`${STATUS_INDEX}${REMOVALS}
local removed = 0
local now = tonumber(ARGV[2])
for i = 4, #ARGV do
  local existed = redis.call('DEL', ARGV[1] .. 'account:' .. ARGV[i])
  redis.call('ZREM', KEYS[1], ARGV[i])
  indexStatus(ARGV[1], ARGV[i], nil)
  if existed == 1 then recordRemoval(KEYS[2], ARGV[i], now) end
  removed = removed + existed
end
if removed > 0 then forgetRemovals(KEYS[2], tonumber(ARGV[3])) end
return removed
`);
