-- Takes one storefront order, atomically, so a buyer who posts the same order twice (a retry, a second tab,
-- another silo) never writes it to the streams twice. An order is its customer's: it is identified by
-- (customer id, order id), as in sale:answered, so another customer's order with the same id, from the
-- stream or the web, is a different order and never lends this one its answer.
--
-- KEYS: sale:web-orders, sale:answered, queue:customers, queue:orders
-- ARGV: order id, customer id
-- Returns one of:
--   {'answered', outcome, replication id}   the order already has an outcome; the server's replication id lets
--                                           the durable-answer gate confirm it on this same server
--   {'pending', ''}         taken before and not answered yet; nothing written
--   {'written', entry id}   registered in queue:customers and written to queue:orders

local web, answered, customers, orders = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local order, customer = ARGV[1], ARGV[2]

-- The same field as complete_orders.lua writes: '<bytes of the customer id>:<customer id>:<order id>'.
local field = #customer .. ':' .. customer .. ':' .. order

local outcome = redis.call('HGET', answered, field)
if outcome then
  return {'answered', outcome, string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''}
end

if redis.call('HEXISTS', web, field) == 1 then
  return {'pending', ''}
end

-- The same two entries any producer writes: the customer's ticket, then the order carrying it.
local ticket = redis.call('XADD', customers, '*', 'id', customer)
local entry = redis.call('XADD', orders, '*', 'id', order, 'customer', customer, 'ticket', ticket)
redis.call('HSET', web, field, entry)
return {'written', entry}
