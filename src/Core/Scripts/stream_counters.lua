-- Pop-up Store: one atomic snapshot of the queue streams for the time series writer.
--
-- KEYS    the streams (queue:customers, queue:orders, queue:complete, queue:rejected)
-- ARGV[1] window length in ms (5000)
-- ARGV[2] end of the window to snapshot, in ms since epoch; empty = the last window that has
--         closed on Redis' own clock (TIME), so every writer agrees on the window whatever
--         its machine's clock says
--
-- Returns { now_ms, window_end_ms, per stream: { length, entries_added, at_or_after_end, in_window } }
--   length           XLEN
--   entries_added    XINFO STREAM "entries-added" (Redis 7+): every entry ever added, deleted or
--                    not; -1 when Redis does not report it (6.2)
--   at_or_after_end  entries present with an id >= window end (added after the window closed)
--   in_window        entries present with an id in [end - window, end); computed only when
--                    entries_added is unknown (it is the fallback count), else -1
-- A missing key (or one that is not a stream) reads as an empty stream that never had entries.

local window = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window_end
if ARGV[2] ~= nil and ARGV[2] ~= '' then
  window_end = tonumber(ARGV[2])
else
  window_end = now - (now % window)
end
local window_start = window_end - window

local result = { now, window_end }
for _, key in ipairs(KEYS) do
  local kind = redis.call('TYPE', key)['ok']
  if kind ~= 'stream' then
    table.insert(result, { 0, 0, 0, 0 })
  else
    local length = redis.call('XLEN', key)
    local added = -1
    local info = redis.call('XINFO', 'STREAM', key)
    for i = 1, #info, 2 do
      if info[i] == 'entries-added' then
        added = tonumber(info[i + 1])
        break
      end
    end
    local after = #redis.call('XRANGE', key, tostring(window_end), '+')
    local inside = -1
    if added < 0 then
      inside = #redis.call('XRANGE', key, tostring(window_start), '(' .. tostring(window_end))
    end
    table.insert(result, { length, added, after, inside })
  end
end
return result
