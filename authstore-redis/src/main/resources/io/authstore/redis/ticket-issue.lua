-- Issues a ticket if both caps allow it. All keys share one hash tag (one Cluster slot), so the
-- caps and counters are exact.
-- KEYS[1] ticket hash, KEYS[2] active zset, KEYS[3] used zset, KEYS[4] subject zset,
-- KEYS[5] totals hash.
-- ARGV[1] now ms, ARGV[2] expires-at ms, ARGV[3] max active, ARGV[4] max per subject,
-- ARGV[5] digest, ARGV[6] subject, ARGV[7] issued-at ms, ARGV[8] key TTL ms (remaining life plus slack),
-- ARGV[9..] attribute name, value pairs.
-- Returns 0 issued, 1 global cap reached, 2 subject cap reached.
local now = ARGV[1]
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  return 1
end
if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[4]) then
  return 2
end
local fields = {'s', ARGV[6], 'i', ARGV[7], 'e', ARGV[2], 'u', '0'}
for i = 9, #ARGV, 2 do
  fields[#fields + 1] = 'a:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
local ttl = tonumber(ARGV[8])
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ttl)
for _, index in ipairs({KEYS[2], KEYS[4]}) do
  redis.call('ZADD', index, ARGV[2], ARGV[5])
  if redis.call('PTTL', index) < ttl then
    redis.call('PEXPIRE', index, ttl)
  end
end
redis.call('HINCRBY', KEYS[5], 'issued', 1)
return 0
