-- Adds a member with a score, keeping the larger score if the member exists (ZADD GT), drops
-- members whose score is at or below a bound (expired), and extends the key's TTL so that it
-- lives as long as its longest-lived member (plus slack), never longer.
-- KEYS[1] sorted set; ARGV[1] member, ARGV[2] score, ARGV[3] drop scores <= this,
-- ARGV[4] the member's remaining life in ms plus the TTL slack.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
local ttl = tonumber(ARGV[4])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
