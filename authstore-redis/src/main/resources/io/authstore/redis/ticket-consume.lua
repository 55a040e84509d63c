-- Consumes a ticket atomically: of any number of concurrent calls, one re-scores the digest.
-- KEYS[1] ticket record (string), KEYS[2] index zset, KEYS[3] totals hash.
-- ARGV[1] now ms, ARGV[2] digest, ARGV[3] subject zset key prefix (same hash tag).
-- Returns nil unknown or expired, '' reused, the record consumed.
local record = redis.call('GET', KEYS[1])
if not record then
  return false
end
local comma = string.find(record, ',', 1, true)
local second = string.find(record, ',', comma + 1, true)
local expires = tonumber(string.sub(record, comma + 1, second - 1))
if expires <= tonumber(ARGV[1]) then
  return false
end
-- The record stays as it is until its TTL ends; the index tells whether it was consumed: the
-- first consume turns its score negative (CH counts the change), a later one changes nothing.
if redis.call('ZADD', KEYS[2], 'XX', 'CH', -expires, ARGV[2]) == 0 then
  if redis.call('ZSCORE', KEYS[2], ARGV[2]) then
    redis.call('HINCRBY', KEYS[3], 'reused', 1)
    return ''
  end
  -- Missing from the index although alive by this clock: dropped by an instance whose clock is
  -- ahead. Added back as used, under the index's TTL rule, and consumed.
  local ttl = expires - tonumber(ARGV[1]) + 1000
  redis.call('ZADD', KEYS[2], -expires, ARGV[2])
  if redis.call('PTTL', KEYS[2]) < ttl then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
local subject = string.sub(record, -tonumber(string.sub(record, 1, comma - 1)))
redis.call('ZREM', ARGV[3] .. subject, ARGV[2])
redis.call('HINCRBY', KEYS[3], 'consumed', 1)
return record
