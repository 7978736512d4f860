-- Ends a sale's window and fences queue:orders at the end.
-- Orders are judged by their entry id (arrival on Redis' clock), and Redis only accepts an explicit
-- entry id above the stream's last one. Moving the stream's last id up to the closing instant
-- (XSETID) therefore means no producer can write an order that looks as if it arrived inside the
-- window once the window is over: an explicit id can make an order later, never earlier.
--
-- mode 'now' (operator's `sale close`): records when (field 'closed'), keeps the earliest close.
-- mode 'expired' (silos, when the clock passes 'closes'): fences at 'closes', once.
--
-- KEYS: sale, queue:orders
-- ARGV: mode ('now' | 'expired'), consumer group
-- Returns: { 'none' | 'closed' | 'already' | 'open' | 'fenced', closed-at ms or '' }

local sale, orders = KEYS[1], KEYS[2]
local mode, group = ARGV[1], ARGV[2]

local fields = redis.call('HMGET', sale, 'units', 'closes', 'state', 'closed', 'fenced')
if not fields[1] then
  return { 'none', '' }
end
local closes, closed_at = tonumber(fields[2]), tonumber(fields[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- The stream's last id ('0-0' for none): every order already in it has an id at or below it.
local function last_id()
  -- The group (and with it the stream) may be gone after a reset; an empty stream still keeps a last id.
  redis.pcall('XGROUP', 'CREATE', orders, group, '0', 'MKSTREAM')
  local info = redis.pcall('XINFO', 'STREAM', orders)
  if type(info) == 'table' then
    for i = 1, #info, 2 do
      if info[i] == 'last-generated-id' then
        return info[i + 1]
      end
    end
  end
  return '0-0'
end

-- `last_read` is the stream's last id when the caller has already read it.
local function fence(ms, last_read)
  local last = tonumber(string.match(last_read or last_id(), '^(%d+)%-')) or 0
  if last < ms then
    redis.call('XSETID', orders, ms .. '-0')
  end
end

if mode == 'now' then
  if fields[3] == 'closed' and closed_at then
    return { 'already', tostring(closed_at) }
  end
  local at = math.min(now, closes or now)
  -- Orders of the closing millisecond already in the stream arrived before the close: its last id tells them apart.
  local last = last_id()
  redis.call('HSET', sale, 'state', 'closed', 'closed', at, 'closed-after', last)
  fence(at, last)
  return { 'closed', tostring(at) }
end

if not closes or now < closes then
  return { 'open', '' }
end
if fields[5] then
  return { 'fenced', tostring(closes) }
end
fence(closes)
redis.call('HSET', sale, 'fenced', '1')
return { 'fenced', tostring(closes) }
