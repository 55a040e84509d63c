-- Consumes a ticket atomically: of any number of concurrent calls, one finds the live record.
-- KEYS[1] ticket record (string), KEYS[2] active zset, KEYS[3] used zset, KEYS[4] totals hash.
-- ARGV[1] now ms, ARGV[2] digest, ARGV[3] subject zset key prefix (same hash tag), ARGV[4] this
-- call's nonce (16 random hex digits).
-- Returns nil unknown or expired, '' reused, '!' consumed by this same call before (below), the
-- record consumed.
local record = redis.call('GET', KEYS[1])
if not record then
  return false
end
local now = tonumber(ARGV[1])
local comma = string.find(record, ',', 1, true)
if not comma then
  -- A tombstone: <expires>:<nonce of the consume that wrote it>. The expiry tells reuse from
  -- expiry by the store's clock. The nonce tells this call sent again from a reuse: Lettuce sends
  -- commands in flight again when it reconnects after a dropped connection, so a consume whose
  -- reply was lost runs twice, and its second run must not report the holder's own use as a reuse.
  -- 64 random bits: a contended ticket meets many other consumes (the contract test alone makes
  -- 630,000 reuse attempts), and six digits collided there.
  -- A tombstone of a version before nonces is the expiry alone.
  local colon = string.find(record, ':', 1, true)
  if tonumber(colon and string.sub(record, 1, colon - 1) or record) <= now then
    return false
  end
  if colon and string.sub(record, colon + 1) == ARGV[4] then
    return '!'
  end
  redis.call('HINCRBY', KEYS[4], 'reused', 1)
  return ''
end
local second = string.find(record, ',', comma + 1, true)
local expires = string.sub(record, comma + 1, second - 1)
if tonumber(expires) <= now then
  return false
end
local subject = string.sub(record, -tonumber(string.sub(record, 1, comma - 1)))
-- The record itself is the truth about use: the sets only count, and an instance whose clock is
-- ahead may already have dropped this digest from them. KEEPTTL: the tombstone dies with the
-- ticket's own key TTL.
redis.call('SET', KEYS[1], expires .. ':' .. ARGV[4], 'KEEPTTL')
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', ARGV[3] .. subject, ARGV[2])
-- The used set is the one large set (tombstones live as long as their tickets); a consume appends
-- to it, and its TTL follows the rule of the issue script.
redis.call('ZADD', KEYS[3], expires, ARGV[2])
local ttl = tonumber(expires) - now + 1000
if redis.call('PTTL', KEYS[3]) < ttl - 500 then
  redis.call('PEXPIRE', KEYS[3], ttl)
end
redis.call('HINCRBY', KEYS[4], 'consumed', 1)
return record
