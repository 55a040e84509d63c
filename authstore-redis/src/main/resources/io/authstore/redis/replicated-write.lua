-- Writes one revocation (or subject marker) and its change record in one atomic step: a follower
-- that reads the feed after the snapshot position cannot miss it. All keys share the hash tag
-- {revocations} (one Cluster slot).
-- KEYS[1] sorted set (jti or sub), KEYS[2] change stream, KEYS[3] epoch, KEYS[4] sequence: each
-- record carries the next number, so a follower sees a gap as a jump.
-- ARGV[1] kind ('j' or 's'), ARGV[2] member (16 hex digits), ARGV[3] score (epoch ms),
-- ARGV[4] drop scores <= this, ARGV[5] key TTL ms, ARGV[6] stream max length (approximate),
-- ARGV[7] epoch candidate, set only if no epoch exists (a new or emptied Redis).
-- Returns the change record's stream id.
local ttl = tonumber(ARGV[5])
redis.call('SET', KEYS[3], ARGV[7], 'NX')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[2])
local n = redis.call('INCR', KEYS[4])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'k', ARGV[1], 'm', ARGV[2],
  'v', ARGV[3], 'n', n)
-- The set and the stream live as long as their longest entry; epoch and sequence have no TTL:
-- they must outlive the entries to tell an emptied Redis from an idle one.
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) < ttl then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return id
