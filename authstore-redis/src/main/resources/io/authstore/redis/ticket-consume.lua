-- Consumes a ticket atomically: of any number of concurrent calls, one sees u == '0'.
-- KEYS[1] ticket hash, KEYS[2] active zset, KEYS[3] used zset, KEYS[4] totals hash.
-- ARGV[1] now ms, ARGV[2] digest, ARGV[3] subject zset key prefix (same hash tag),
-- ARGV[4] TTL slack ms.
-- Returns {0} unknown or expired, {2} reused, {1, field, value, ...} consumed.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then
  return {0}
end
local subject, expires, used
for i = 1, #h, 2 do
  local f = h[i]
  if f == 's' then
    subject = h[i + 1]
  elseif f == 'e' then
    expires = h[i + 1]
  elseif f == 'u' then
    used = h[i + 1]
  end
end
local now = tonumber(ARGV[1])
if tonumber(expires) <= now then
  return {0}
end
if used == '1' then
  redis.call('HINCRBY', KEYS[4], 'reused', 1)
  return {2}
end
redis.call('HSET', KEYS[1], 'u', '1')
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', ARGV[3] .. subject, ARGV[2])
-- The used set is trimmed here, so tombstone counts stay exact without a maintenance task.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZADD', KEYS[3], expires, ARGV[2])
local ttl = tonumber(expires) - now + tonumber(ARGV[4])
if redis.call('PTTL', KEYS[3]) < ttl then
  redis.call('PEXPIRE', KEYS[3], ttl)
end
redis.call('HINCRBY', KEYS[4], 'consumed', 1)
return {1, h}
