-- The feed position a snapshot starts from, read atomically: the last record's id and the
-- sequence number it carries.
-- KEYS[1] change stream, KEYS[2] sequence. Returns {id or '0-0', sequence or '0'}.
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = redis.call('GET', KEYS[2])
local id = '0-0'
if #last > 0 then
  id = last[1][1]
end
return {id, seq or '0'}
