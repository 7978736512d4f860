-- Starts a sale once. A second start returns the sale already in Redis untouched, so silos,
-- LoadClients or compose restarts can never reset stock mid-sale; only force replaces it.
--
-- KEYS: sale, product, then every key a forced start clears (outcomes, guards, queues)
-- ARGV: units, duration in ms, force ('1' or '0')
-- Returns: { 'started' | 'exists', units, opens, closes }

local sale, product = KEYS[1], KEYS[2]
local units, duration, force = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'

local existing = redis.call('HMGET', sale, 'units', 'opens', 'closes')
if existing[1] and not force then
  return { 'exists', existing[1], existing[2], existing[3] }
end

for i = 3, #KEYS do
  redis.call('DEL', KEYS[i])
end

local clock = redis.call('TIME')
local opens = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local closes = opens + duration

redis.call('DEL', sale)
redis.call('HSET', sale, 'units', units, 'opens', opens, 'closes', closes, 'duration', duration, 'state', 'open')
redis.call('SET', product, units)
return { 'started', tostring(units), tostring(opens), tostring(closes) }
