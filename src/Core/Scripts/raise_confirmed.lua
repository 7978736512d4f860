-- Raises sale:confirmed to ARGV[1], never lowers it (gates of several silos confirm at their own pace). It is a time
-- on Redis' clock (ms): every queue:complete and queue:rejected entry dated before it is on the required replicas,
-- and stream readers tell buyers only those.
--
-- KEYS: sale:confirmed
-- ARGV: Redis' clock (ms) at a confirmed probe

local at = tonumber(ARGV[1])
local held = tonumber(redis.call('GET', KEYS[1]))
if not at or (held and held >= at) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
