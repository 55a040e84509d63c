-- Issues a ticket if both caps allow it. All keys share one hash tag (one Cluster slot), so the
-- caps and counters are exact.
-- KEYS[1] ticket hash, KEYS[2] active zset, KEYS[3] used zset, KEYS[4] subject zset,
-- KEYS[5] totals hash.
-- ARGV[1] now ms, ARGV[2] expires-at ms, ARGV[3] max active, ARGV[4] max per subject,
-- ARGV[5] digest, ARGV[6] subject, ARGV[7] issued-at ms, ARGV[8] key TTL ms (remaining life plus
-- slack), ARGV[9..] hash fields of the attributes: 'a:' .. name, value, ...
-- Returns 0 issued, 1 global cap reached, 2 subject cap reached.
-- Expired members are only counted out when a cap seems reached: the common path stays short.
local now = ARGV[1]
local function full(index, cap)
  if redis.call('ZCARD', index) < cap then
    return false
  end
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  return redis.call('ZCARD', index) >= cap
end
if full(KEYS[2], tonumber(ARGV[3])) then
  return 1
end
if full(KEYS[4], tonumber(ARGV[4])) then
  return 2
end
local ttl = tonumber(ARGV[8])
redis.call('HSET', KEYS[1], 's', ARGV[6], 'i', ARGV[7], 'e', ARGV[2], 'u', '0', unpack(ARGV, 9))
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[5])
if redis.call('PTTL', KEYS[2]) < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
if redis.call('PTTL', KEYS[4]) < ttl then
  redis.call('PEXPIRE', KEYS[4], ttl)
end
redis.call('HINCRBY', KEYS[5], 'issued', 1)
return 0
