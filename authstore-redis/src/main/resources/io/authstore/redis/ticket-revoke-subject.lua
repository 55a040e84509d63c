-- Deletes every active ticket of a subject.
-- KEYS[1] subject zset, KEYS[2] index zset. ARGV[1] now ms, ARGV[2] ticket key prefix.
-- Returns how many active tickets were deleted.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local digests = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, d in ipairs(digests) do
  redis.call('DEL', ARGV[2] .. d)
  redis.call('ZREM', KEYS[2], d)
end
redis.call('DEL', KEYS[1])
return #digests
