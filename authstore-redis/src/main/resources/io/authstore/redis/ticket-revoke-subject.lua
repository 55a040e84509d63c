-- Deletes every active ticket of a subject.
-- KEYS[1] subject zset, KEYS[2] index zset. ARGV[1] now ms, ARGV[2] ticket key prefix.
-- Returns how many active tickets were deleted.
-- Every member's record goes, expired by this instance's clock or not: a record outlives its
-- expiry by the TTL slack, and an instance whose clock is behind would still consume it. Only the
-- tickets still alive by this clock are counted.
local now = tonumber(ARGV[1])
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local alive = 0
for i = 1, #members, 2 do
  local d = members[i]
  redis.call('DEL', ARGV[2] .. d)
  redis.call('ZREM', KEYS[2], d)
  if tonumber(members[i + 1]) > now then
    alive = alive + 1
  end
end
redis.call('DEL', KEYS[1])
return alive
