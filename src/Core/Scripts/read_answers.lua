-- Reads outcomes from sale:answered together with the replication id of the server that holds them, so the
-- durable-answer gate confirms them on this same server (docs/guarantees.md, "Across a Redis failover"). Used only
-- while answers are durable; otherwise a plain HMGET does.
--
-- KEYS: sale:answered
-- ARGV: order fields ('<bytes of the customer id>:<customer id>:<order id>')
-- Returns: the replication id, then one outcome per field (false where not answered yet).

local found = { string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or '' }
-- unpack has a stack limit, so many fields go in slices.
local slice = 500
for first = 1, #ARGV, slice do
  local last = math.min(first + slice - 1, #ARGV)
  local values = redis.call('HMGET', KEYS[1], unpack(ARGV, first, last))
  for i = 1, #values do
    found[#found + 1] = values[i]
  end
end
return found
