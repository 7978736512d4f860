-- Answers a batch of orders atomically, one after another, each exactly as if it came alone.
-- It is the only writer of outcomes, so:
--   * an order id gets exactly one outcome, however often it is delivered (sale:answered);
--   * a customer gets at most one unit (sale:buyers is the durable guard, not grain memory);
--   * product is only decremented while it is above zero.
-- Batching is for speed only: one EVALSHA carries many orders, so Redis parses and dispatches once.
-- Nothing here may raise an error half way through a batch (Redis keeps a script's earlier writes when
-- a later command fails), so the one command that could fail on bad input, XDEL of a ticket, uses pcall.
-- A batch that fails anyway is retried whole; orders it had answered replay their stored outcome.
--
-- KEYS: product, sale, sale:buyers, sale:answered, sale:counts, queue:complete, queue:rejected, queue:customers
-- ARGV: per order, five values: order id, customer id, ticket ('' when none), order entry id, invalid reason ('' when valid)
-- Returns: per order, two values: outcome (complete|duplicate|sold-out|closed|invalid) and 1 when
--          this call wrote it, 0 when it had been answered before.

local product, sale, buyers, answered, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local complete, rejected, customers = KEYS[6], KEYS[7], KEYS[8]

-- The sale window and the clock are read once: a batch is answered at one instant.
local settings = redis.call('HMGET', sale, 'opens', 'closes', 'state')
local opens, closes = tonumber(settings[1]), tonumber(settings[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local closed_because = nil
if not opens or not closes then
  closed_because = 'no sale has started'
elseif settings[3] == 'closed' then
  closed_because = 'the sale was closed'
elseif now < opens then
  closed_because = 'the sale has not opened yet'
elseif now >= closes then
  closed_because = 'the sale window has ended'
end

local left = tonumber(redis.call('GET', product)) or 0

local function reject(order, customer, entry, reason, detail)
  redis.call('XADD', rejected, '*',
    'order', order, 'customer', customer, 'reason', reason, 'detail', detail, 'entry', entry)
  redis.call('HSET', answered, order, reason)
  redis.call('HINCRBY', counts, 'rejected:' .. reason, 1)
  return reason
end

local function answer(order, customer, ticket, entry, invalid)
  if invalid ~= '' then
    return reject(order, customer, entry, 'invalid', invalid)
  end
  if closed_because then
    return reject(order, customer, entry, 'closed', closed_because)
  end

  local bought_with = redis.call('HGET', buyers, customer)
  if bought_with then
    return reject(order, customer, entry, 'duplicate', 'customer already bought with order ' .. bought_with)
  end
  if left <= 0 then
    return reject(order, customer, entry, 'sold-out', '')
  end

  left = left - 1
  redis.call('DECR', product)
  redis.call('HSET', buyers, customer, order)
  redis.call('XADD', complete, '*', 'order', order, 'customer', customer, 'ticket', ticket, 'entry', entry)
  redis.call('HSET', answered, order, 'complete')
  redis.call('HINCRBY', counts, 'completed', 1)
  return 'complete'
end

local results = {}
for i = 1, #ARGV, 5 do
  local order, ticket = ARGV[i], ARGV[i + 2]
  -- Before the exactly-once check: an order id seen again with another ticket (a producer reusing
  -- ids) still answers that customer, who must not be left waiting in queue:customers. For a plain
  -- redelivery the ticket is already gone and this deletes nothing.
  if ticket ~= '' then
    redis.pcall('XDEL', customers, ticket)
  end

  local previous = redis.call('HGET', answered, order)
  if previous then
    results[#results + 1] = previous
    results[#results + 1] = 0
  else
    results[#results + 1] = answer(order, ARGV[i + 1], ticket, ARGV[i + 3], ARGV[i + 4])
    results[#results + 1] = 1
  end
end
return results
