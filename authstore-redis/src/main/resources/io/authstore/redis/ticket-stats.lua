-- Drops expired index members, then reports counts.
-- KEYS[1] index zset, KEYS[2] totals hash. ARGV[1] now ms.
-- Returns {removed, active, used, issued, consumed, reused}.
-- Index scores: an active ticket's expiry, a consumed one's negated expiry, so [-now, now] holds
-- exactly the expired members of both kinds.
local now = tonumber(ARGV[1])
local removed = redis.call('ZREMRANGEBYSCORE', KEYS[1], -now, now)
local totals = redis.call('HMGET', KEYS[2], 'issued', 'consumed', 'reused')
return {removed, redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf'),
  redis.call('ZCOUNT', KEYS[1], '-inf', '(-' .. ARGV[1]),
  tonumber(totals[1] or 0), tonumber(totals[2] or 0), tonumber(totals[3] or 0)}
