-- Consumes a ticket atomically: of any number of concurrent calls, one finds the live record.
-- KEYS[1] ticket record (string), KEYS[2] index zset, KEYS[3] totals hash.
-- ARGV[1] now ms, ARGV[2] digest, ARGV[3] subject zset key prefix (same hash tag).
-- Returns nil unknown or expired, '' reused, the record consumed.
local record = redis.call('GET', KEYS[1])
if not record then
  return false
end
local now = tonumber(ARGV[1])
local comma = string.find(record, ',', 1, true)
if not comma then
  -- A tombstone: the expiry alone, so reuse is told from expiry by the store's clock.
  if tonumber(record) <= now then
    return false
  end
  redis.call('HINCRBY', KEYS[3], 'reused', 1)
  return ''
end
local second = string.find(record, ',', comma + 1, true)
local expires = string.sub(record, comma + 1, second - 1)
if tonumber(expires) <= now then
  return false
end
local subject = string.sub(record, -tonumber(string.sub(record, 1, comma - 1)))
-- The record itself is the truth about use: the index only counts, and an instance whose clock is
-- ahead may already have dropped this digest from it. KEEPTTL: the tombstone dies with the
-- ticket's own key TTL.
redis.call('SET', KEYS[1], expires, 'KEEPTTL')
-- Re-scored below zero: counted as used, no longer as active, in one command. A digest missing
-- from the index is added back, under the index's TTL rule.
if redis.call('ZADD', KEYS[2], -tonumber(expires), ARGV[2]) == 1 then
  local ttl = tonumber(expires) - now + 1000
  if redis.call('PTTL', KEYS[2]) < ttl then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
redis.call('ZREM', ARGV[3] .. subject, ARGV[2])
redis.call('HINCRBY', KEYS[3], 'consumed', 1)
return record
