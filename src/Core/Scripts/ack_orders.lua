-- Acknowledges answered order entries and removes them from queue:orders in one step.
-- Acknowledge first: XDEL alone leaves the entry in the pending list, and an entry that is
-- acknowledged but not deleted would stay in the stream forever (never re-delivered).
--
-- KEYS: queue:orders
-- ARGV: consumer group, entry ids...
-- Returns: { acknowledged, deleted }

local group = ARGV[1]
local acked, deleted = 0, 0
-- unpack has a stack limit, so large batches go in slices.
local slice = 500
for first = 2, #ARGV, slice do
  local last = math.min(first + slice - 1, #ARGV)
  acked = acked + redis.call('XACK', KEYS[1], group, unpack(ARGV, first, last))
  deleted = deleted + redis.call('XDEL', KEYS[1], unpack(ARGV, first, last))
end
return { acked, deleted }
