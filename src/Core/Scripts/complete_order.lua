-- Answers one order atomically. It is the only writer of outcomes, so:
--   * an order id gets exactly one outcome, however often it is delivered (sale:answered);
--   * a customer gets at most one unit (sale:buyers is the durable guard, not grain memory);
--   * product is only decremented while it is above zero.
-- The ticket is deleted first: it is the only command here that can fail on bad input,
-- and Redis does not roll back a script's earlier writes when a later command fails.
--
-- KEYS: product, sale, sale:buyers, sale:answered, sale:counts, queue:complete, queue:rejected, queue:customers
-- ARGV: order id, customer id, ticket ('' when none), order entry id, invalid reason ('' when valid)
-- Returns: { outcome, fresh } where outcome is complete|duplicate|sold-out|closed|invalid
--          and fresh is 1 when this call wrote it, 0 when it had been answered before.

local product, sale, buyers, answered, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local complete, rejected, customers = KEYS[6], KEYS[7], KEYS[8]
local order, customer, ticket, entry, invalid = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

-- Before the exactly-once check: an order id seen again with another ticket (a producer reusing ids)
-- still answers that customer, who must not be left waiting in queue:customers. For a plain
-- redelivery the ticket is already gone and this deletes nothing.
if ticket ~= '' then
  redis.call('XDEL', customers, ticket)
end

local previous = redis.call('HGET', answered, order)
if previous then
  return { previous, 0 }
end

local function reject(reason, detail)
  redis.call('XADD', rejected, '*',
    'order', order, 'customer', customer, 'reason', reason, 'detail', detail, 'entry', entry)
  redis.call('HSET', answered, order, reason)
  redis.call('HINCRBY', counts, 'rejected:' .. reason, 1)
  return { reason, 1 }
end

if invalid ~= '' then
  return reject('invalid', invalid)
end

local settings = redis.call('HMGET', sale, 'opens', 'closes', 'state')
local opens, closes = tonumber(settings[1]), tonumber(settings[2])
if not opens or not closes then
  return reject('closed', 'no sale has started')
end
if settings[3] == 'closed' then
  return reject('closed', 'the sale was closed')
end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
if now < opens then
  return reject('closed', 'the sale has not opened yet')
end
if now >= closes then
  return reject('closed', 'the sale window has ended')
end

if redis.call('HEXISTS', buyers, customer) == 1 then
  return reject('duplicate', 'customer already bought with order ' .. redis.call('HGET', buyers, customer))
end

local left = tonumber(redis.call('GET', product))
if not left or left <= 0 then
  return reject('sold-out', '')
end

redis.call('DECR', product)
redis.call('HSET', buyers, customer, order)
redis.call('XADD', complete, '*', 'order', order, 'customer', customer, 'ticket', ticket, 'entry', entry)
redis.call('HSET', answered, order, 'complete')
redis.call('HINCRBY', counts, 'completed', 1)
return { 'complete', 1 }
