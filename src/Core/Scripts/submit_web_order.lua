-- Takes one storefront order, atomically, so a buyer who posts the same order id twice (a retry, a
-- second tab, another silo) never writes it to the streams twice.
--
-- KEYS: sale:web-orders, sale:answered, queue:customers, queue:orders
-- ARGV: order id, customer id
-- Returns one of:
--   {'answered', outcome, customer or ''}  the order id already has an outcome (customer as indexed)
--   {'conflict', customer}                 the order id belongs to another customer; nothing written
--   {'pending', ''}                        taken before and not answered yet; nothing written
--   {'written', entry id}                  registered in queue:customers and written to queue:orders

local web, answered, customers, orders = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local order, customer = ARGV[1], ARGV[2]

local owner = redis.call('HGET', web, order)
if owner and owner ~= customer then
  return {'conflict', owner}
end

local outcome = redis.call('HGET', answered, order)
if outcome then
  return {'answered', outcome, owner or ''}
end

if owner then
  return {'pending', ''}
end

-- The same two entries any producer writes: the customer's ticket, then the order carrying it.
local ticket = redis.call('XADD', customers, '*', 'id', customer)
local entry = redis.call('XADD', orders, '*', 'id', order, 'customer', customer, 'ticket', ticket)
redis.call('HSET', web, order, customer)
return {'written', entry}
