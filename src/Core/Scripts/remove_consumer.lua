-- Removes a consumer from group popup, but only while it holds no pending entries. XGROUP DELCONSUMER
-- drops a consumer's pending entries with it, and an entry dropped that way is never delivered again:
-- the check and the delete must be one step, so no entry can become pending in between.
--
-- KEYS: queue:orders
-- ARGV: consumer group, consumer name
-- Returns: 1 removed, 0 not there, -1 kept because it has pending entries

local orders, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local pending = redis.call('XPENDING', orders, group, '-', '+', 1, consumer)
if #pending > 0 then
  return -1
end
return redis.call('XGROUP', 'DELCONSUMER', orders, group, consumer) >= 0 and 1 or 0
