-- Issues a ticket if both caps allow it. All keys share one hash tag (one Cluster slot), so the
-- caps and counters are exact.
-- KEYS[1] ticket record (string), KEYS[2] index zset, KEYS[3] subject zset, KEYS[4] totals hash.
-- ARGV[1] now ms, ARGV[2] expires-at ms, ARGV[3] max active, ARGV[4] max per subject,
-- ARGV[5] digest, ARGV[6] encoded attributes and ';', ARGV[7] subject.
-- Returns 0 issued, 1 global cap reached, 2 subject cap reached.
local now = tonumber(ARGV[1])
local expires = tonumber(ARGV[2])
-- Index scores: an active ticket's expiry, a consumed one's negated expiry. Alive active members
-- are exactly those scored above now, so ZCOUNT is exact with expired members still present; the
-- set's size bounds it from above and costs less, so a store far below its cap skips ZCOUNT.
local cap = tonumber(ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= cap
    and redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[1], '+inf') >= cap then
  return 1
end
-- The subject set only holds active tickets (consume removes them); it is trimmed of expired ones
-- when it seems full, so it never holds more than the cap.
local held = redis.call('ZCARD', KEYS[3])
if held >= tonumber(ARGV[4]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  held = redis.call('ZCARD', KEYS[3])
  if held >= tonumber(ARGV[4]) then
    return 2
  end
end
-- Key TTLs: remaining life plus RedisConnection.TTL_SLACK_MILLIS (1000 ms).
local ttl = expires - now + 1000
-- Record: <subject bytes>,<expires>,<issued>[,<attribute>...];<subject>. The subject goes last so
-- consume can cut it off by its byte length without parsing the attributes.
redis.call('SET', KEYS[1], #ARGV[7] .. ',' .. ARGV[2] .. ',' .. ARGV[1] .. ARGV[6] .. ARGV[7],
  'PX', ttl)
redis.call('ZADD', KEYS[2], expires, ARGV[5])
redis.call('ZADD', KEYS[3], expires, ARGV[5])
-- A set lives as long as its longest-lived member plus the slack. Its TTL is only pushed out once
-- half of the slack is used up, so a steady stream of equal TTLs costs one PEXPIRE per 500 ms, not
-- one per issue; every member still has at least 500 ms of slack.
if redis.call('PTTL', KEYS[2]) < ttl - 500 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
if held == 0 or redis.call('PTTL', KEYS[3]) < ttl - 500 then
  redis.call('PEXPIRE', KEYS[3], ttl)
end
-- Every 64th issue drops expired members, so the sets stay bounded without stats() or
-- purgeExpired(). Scores in [-now, now] are exactly the expired ones, active and consumed.
if redis.call('HINCRBY', KEYS[4], 'issued', 1) % 64 == 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], -now, now)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
end
return 0
