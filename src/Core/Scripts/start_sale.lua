-- Starts a sale once. A second start returns the sale already in Redis untouched, so silos,
-- LoadClients or compose restarts can never reset stock mid-sale; only force replaces it.
-- Every new sale gets a new generation (a counter that nothing deletes): an order read during an
-- earlier sale carries the old one, and the completion script refuses to let it touch this sale.
-- A new sale starts from clean outcomes and counters, also when nothing forced it: answers given
-- while no sale existed (orders answered 'closed' between a reset and this start) are not its own.
--
-- KEYS: sale, product, sale:generation, then the outcome keys every new sale clears
--       (buyers, answered, counts, complete, rejected, web-orders), then the queues a forced start also
--       clears (orders, customers); orders is also read for its last id
-- ARGV: units, duration in ms, force ('1' or '0'), how many outcome keys follow sale:generation
-- Returns: { 'started' | 'exists', units, opens, closes, state, closed (ms or ''), now }

local sale, product, generation = KEYS[1], KEYS[2], KEYS[3]
local units, duration, force = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local existing = redis.call('HMGET', sale, 'units', 'opens', 'closes', 'state', 'closed')
if existing[1] and not force then
  return { 'exists', existing[1], existing[2], existing[3], existing[4] or '', existing[5] or '', tostring(now) }
end

local outcomes = tonumber(ARGV[4]) or 5
for i = 4, 3 + outcomes do
  redis.call('DEL', KEYS[i])
end
if force then
  for i = 4 + outcomes, #KEYS do
    redis.call('DEL', KEYS[i])
  end
end

local closes = now + duration
local next_generation = redis.call('INCR', generation)

-- Arrival is judged to the millisecond, and orders already in queue:orders may carry this very millisecond:
-- the stream's last id now tells those (arrived before the start) from later ones of the same millisecond.
local orders = KEYS[4 + outcomes]
local opened_after = '0-0'
local info = redis.pcall('XINFO', 'STREAM', orders)
if type(info) == 'table' then
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      opened_after = info[i + 1]
    end
  end
end

redis.call('DEL', sale)
redis.call('HSET', sale, 'units', units, 'opens', now, 'closes', closes, 'duration', duration,
  'state', 'open', 'generation', next_generation, 'opened-after', opened_after)
redis.call('SET', product, units)
return { 'started', tostring(units), tostring(now), tostring(closes), 'open', '', tostring(now) }
