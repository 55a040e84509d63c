-- Issues a ticket if both caps allow it. All keys share one hash tag (one Cluster slot), so the
-- caps and counters are exact.
-- KEYS[1] ticket record (string), KEYS[2] active zset, KEYS[3] used zset, KEYS[4] subject zset,
-- KEYS[5] totals hash.
-- ARGV[1] now ms, ARGV[2] expires-at ms, ARGV[3] max active, ARGV[4] max per subject,
-- ARGV[5] digest, ARGV[6] encoded attributes and ';', ARGV[7] subject.
-- Returns 0 issued, 1 global cap reached, 2 subject cap reached.
local now = tonumber(ARGV[1])
local expires = tonumber(ARGV[2])
-- Key TTLs: remaining life plus RedisConnection.TTL_SLACK_MILLIS (1000 ms).
local ttl = expires - now + 1000
-- Record: <subject bytes>,<expires>,<issued>[,<attribute>...];<subject>. The subject goes last so
-- consume can cut it off by its byte length without parsing the attributes.
-- Written first, with NX: the digest is of a new random ticket, so a record already there means
-- this very call ran before and its reply was lost with a dropped connection (Lettuce sends
-- commands in flight again when it reconnects). That ticket is issued: say so, and count nothing
-- twice. A record written here is deleted again below if a cap refuses it.
if not redis.call('SET', KEYS[1], #ARGV[7] .. ',' .. ARGV[2] .. ',' .. ARGV[1] .. ARGV[6] .. ARGV[7],
    'PX', ttl, 'NX') then
  return 0
end
-- The active and subject sets hold active tickets only (consume removes them) and are small: at
-- most a cap plus the tickets that expired unconsumed since the last trim. Expired members are
-- only counted out when a cap seems reached, so the common path is one ZCARD each.
-- A subject set is also the index revokeSubject deletes by, so its members are kept for the TTL
-- slack (RedisConnection.TTL_SLACK_MILLIS, 1000 ms) after their expiry, as long as their records
-- live: an instance whose clock is behind may still consume them. They are not counted.
local subjectTrim = now - 1000
local function full(key, cap, trimTo)
  local held = redis.call('ZCARD', key)
  if held < cap then
    return false, held
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', trimTo)
  held = redis.call('ZCOUNT', key, '(' .. now, '+inf')
  return held >= cap, held
end
if (full(KEYS[2], tonumber(ARGV[3]), now)) then
  redis.call('DEL', KEYS[1])
  return 1
end
local subjectFull, held = full(KEYS[4], tonumber(ARGV[4]), subjectTrim)
if subjectFull then
  redis.call('DEL', KEYS[1])
  return 2
end
redis.call('ZADD', KEYS[2], expires, ARGV[5])
redis.call('ZADD', KEYS[4], expires, ARGV[5])
-- A set lives as long as its longest-lived member plus the slack. Its TTL is only pushed out once
-- half of the slack is used up, so a steady stream of equal TTLs costs one PEXPIRE per 500 ms, not
-- one per issue; every member still has at least 500 ms of slack.
if redis.call('PTTL', KEYS[2]) < ttl - 500 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
if held == 0 or redis.call('PTTL', KEYS[4]) < ttl - 500 then
  redis.call('PEXPIRE', KEYS[4], ttl)
end
-- Every 64th issue drops expired members, so the sets stay bounded without stats() or
-- purgeExpired().
if redis.call('HINCRBY', KEYS[5], 'issued', 1) % 64 == 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', subjectTrim)
end
return 0
