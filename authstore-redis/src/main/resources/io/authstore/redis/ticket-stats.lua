-- Drops expired members of the active and used sets, then reports counts.
-- KEYS[1] active zset, KEYS[2] used zset, KEYS[3] totals hash. ARGV[1] now ms.
-- Returns {removed, active, used, issued, consumed, reused}.
local removed = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
  + redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local totals = redis.call('HMGET', KEYS[3], 'issued', 'consumed', 'reused')
return {removed, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]),
  tonumber(totals[1] or 0), tonumber(totals[2] or 0), tonumber(totals[3] or 0)}
