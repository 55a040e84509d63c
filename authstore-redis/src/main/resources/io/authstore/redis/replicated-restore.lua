-- Writes a batch of entries back to a Redis that lost them (restarted empty, flushed), with their
-- change records, so instances that bootstrapped meanwhile receive them too.
-- KEYS[1] sorted set, KEYS[2] change stream, KEYS[3] epoch, KEYS[4] sequence.
-- ARGV[1] kind ('j' or 's'), ARGV[2] stream max length, ARGV[3] now ms, ARGV[4] expiry offset ms
-- (score + offset = expiry), ARGV[5] TTL slack ms, ARGV[6..] member, score pairs.
local now = tonumber(ARGV[3])
local longest = 0
for i = 6, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[i + 1], ARGV[i])
  local n = redis.call('INCR', KEYS[4])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', ARGV[1], 'm', ARGV[i], 'v', ARGV[i + 1],
    'n', n)
  local life = tonumber(ARGV[i + 1]) + tonumber(ARGV[4]) - now
  if life > longest then
    longest = life
  end
end
local ttl = longest + tonumber(ARGV[5])
for i = 1, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('PTTL', KEYS[i]) < ttl then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return (#ARGV - 5) / 2
