-- Answers a batch of orders atomically, one after another in arrival order, each exactly as if it came alone.
-- It is the only writer of outcomes, so:
--   * an order gets exactly one outcome, however often it is delivered (sale:answered). An order is its
--     customer's: its identity is (customer id, order id), so another customer's order that reuses the id
--     is a different order, decided on its own, never a replay of this one (docs/redis-contract.md);
--   * a customer gets at most one unit (sale:buyers is the durable guard, not grain memory);
--   * product is only decremented while it is above zero;
--   * an order is judged by when it arrived (the ms part of its queue:orders entry id, on Redis'
--     clock), not by when a silo got to it: inside the window it is decided on stock and the
--     one-unit rule however late it is processed, before the opening or after the close it is closed;
--   * an order read during another sale (the sale's generation changed since the read: a reset or a
--     new start in between) touches nothing and comes back 'stale', so the caller reads it again;
--   * first come, first served: an order that would take a unit that earlier arrivals, still undecided, could take
--     touches nothing and comes back 'queued' (see waiting_before below);
--   * an entry read from queue:orders through group popup is acknowledged and deleted at the end of the call that
--     answers it, so the group's pending entries are exactly the orders read and not yet answered.
-- Batching is for speed only: one EVALSHA carries many orders, so Redis parses and dispatches once.
-- Nothing here may raise an error half way through a batch (Redis keeps a script's earlier writes when a later
-- command fails, and a half-written answer replays wrongly: an order recorded complete whose unit was never taken
-- is sold again), so:
--   * bad input cannot: the one command that could fail on it, XDEL of a ticket, uses pcall;
--   * an operator's mistake cannot: before the first write, every key written is checked for its type and every
--     command written with is checked against the user's ACL (a denial inside a script is not even reported as
--     NOPERM). Either refuses the whole batch with a Redis condition (WRONGTYPE, NOPERM), which callers retry
--     and never count against the orders; it is answered once the key or the permission is mended;
--   * what is left (OOM, which Redis raises only at a script's first write) fails before anything is written.
-- Should a write fail all the same, an order's writes put its guard (sale:answered) last. Stock and counters
-- are written once per batch (a call into Redis costs about as much as an order's own logic), so the orders
-- are answered under pcall and the sums of those answered before a failure are written before the error is
-- raised again: every answered order's writes are whole. Those sums cannot fail themselves: product and sale:counts
-- are checked before anything is written. Tickets and answered entries wait for one XDEL (and XACK) at the end;
-- a failed batch leaves them pending, and they go when the order is delivered again. A batch that fails is retried;
-- orders it had answered replay their stored outcome.
--
-- A storefront order ('web' below) comes here straight from the silo that took the request, not through the streams:
-- the script first writes the same two entries any producer writes (so the contract's streams, and the Gears series
-- counting them, see every order), decides it as arriving at that moment, and deletes its queue:orders entry at the
-- end of the same call, before any consumer could read it. sale:web-orders maps it to that entry id. The same order
-- sent again (a retry, another silo) finds its answer and writes nothing. First come, first served across both ways
-- in: while the orders waiting in queue:orders (all arrived before it) could take every unit left, a storefront order
-- that would buy is not decided here ('queued'): its entry stays in the queue behind them, for a poller.
--
-- KEYS: product, sale, sale:buyers, sale:answered, sale:counts, queue:complete, queue:rejected, queue:customers,
--       sale:confirmed, sale:web-orders, queue:orders
-- ARGV: first two values: good replicas the primary must have before anything is written (0: no demand), and the
--       most seconds since a replica's last acknowledgement for it to count as good; then per order, nine values:
--       order id, customer id, ticket ('' when none), order entry id, invalid reason ('' when valid), sale generation
--       seen when the entry was read ('' = not checked), order id the customer's grain saw the customer buy with in
--       this sale ('' when not known; the grain's word is a hint, checked against sale:buyers: a grain can be
--       misled, sale:buyers cannot), Redis' clock (ms) when the entry was read ('' when unknown), and 'web' for a
--       storefront order (its ticket and entry id are then written here; '' for an order read from queue:orders).
-- Returns: per order (in the order given), two values: outcome (complete|duplicate|sold-out|closed|invalid|stale|
--          queued) and 1 when this call wrote it, 0 when it had been answered before (or, for stale and queued, not
--          at all; a storefront order is stale when an earlier call wrote it and did not answer it, queued when this
--          call left it in queue:orders: either way it waits there for a poller; a stream order queued waits pending
--          and is sent again); while replicas are required, one more value at the end: the server's replication id.

local product, sale, buyers, answered, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local complete, rejected, customers, confirmed, web_orders, orders = KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local required_replicas, replica_max_lag = tonumber(ARGV[1]) or 0, tonumber(ARGV[2]) or 10
local first_order, values_per_order = 3, 9

-- The replica fence, while answers must be durable: a primary that lost its replicas (a stale primary a failover
-- left behind, still taking writes until Sentinel demotes it) decides nothing, since what it writes is discarded
-- when it becomes a replica. min-replicas-to-write does the same for plain writes, but Redis 6.2 does not apply it
-- inside scripts. Refused as NOREPLICAS, a Redis condition callers retry and never count against the orders.
-- The server's replication id goes back with the outcomes, so the gate confirms them only on this same server.
local server = nil
if required_replicas > 0 then
  local good = 0
  for line in string.gmatch(redis.call('INFO', 'replication'), '[^\r\n]+') do
    server = server or string.match(line, '^master_replid:(%w+)')
    if string.match(line, '^slave%d+:') then
      local state, lag = string.match(line, 'state=(%a+)'), tonumber(string.match(line, 'lag=(%d+)'))
      if state == 'online' and lag and lag <= replica_max_lag then
        good = good + 1
      end
    end
  end
  if good < required_replicas then
    return redis.error_reply('NOREPLICAS ' .. good .. ' good replicas, ' .. required_replicas .. ' required to decide orders')
  end
end

-- The sale and the clock are read once: a batch is answered at one instant.
local settings = redis.call('HMGET', sale, 'opens', 'closes', 'state', 'closed', 'generation', 'opened-after', 'closed-after')
local opens, closes = tonumber(settings[1]), tonumber(settings[2])
local explicitly_closed, closed_at = settings[3] == 'closed', tonumber(settings[4])
local generation = settings[5] or '0'
-- The last queue:orders ids when the sale started and when it was closed (absent for sales of older versions).
local opened_after, closed_after = settings[6], settings[7]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- True when stream id `entry` is at or below stream id `bound` ('<ms>-<seq>' both; false when either is not).
local function at_or_before(entry, bound)
  local ems, eseq = string.match(entry, '^(%d+)%-(%d+)$')
  local bms, bseq = string.match(bound or '', '^(%d+)%-(%d+)$')
  if not ems or not bms then
    return false
  end
  ems, bms = tonumber(ems), tonumber(bms)
  return ems < bms or (ems == bms and tonumber(eseq) <= tonumber(bseq))
end

-- When an order arrived (ms), and whether its id is dated after the read that found it. An entry id is '<ms>-<seq>'
-- and Redis stamps it from its own clock, unless a producer wrote an explicit id: one dated in the future also
-- dates every later '*' entry in that millisecond. No entry can have been written after the read that found it, so
-- an entry dated later than that read is judged as arriving at the read: a producer cannot move any arrival past
-- it, let alone close the sale for the orders behind its entry. Without an id (a caller outside the stream path)
-- an order arrives now.
local function arrival(entry, read_at)
  local dated = tonumber(string.match(entry, '^(%d+)%-%d+$'))
  if not dated then
    return now, false
  end
  local read = tonumber(read_at)
  if read and dated > read then
    return read, true
  end
  return dated, false
end

-- Why an order that arrived at `arrived` (ms; `entry` is its id) is closed, or nil when it arrived inside the
-- window. Within the millisecond of the start or of a close, the stream's last id at that moment decides; so it
-- does for an entry dated ahead of its read (`ahead`), whose place in the stream is all that is known of it.
local function closed_because(arrived, entry, ahead)
  if not opens or not closes then
    return 'no sale has started'
  end
  local before_opening = arrived < opens or (arrived == opens and at_or_before(entry, opened_after))
  if ahead and opened_after then
    before_opening = at_or_before(entry, opened_after)
  end
  local after_close = closed_at and (arrived > closed_at or (arrived == closed_at and not at_or_before(entry, closed_after)))
  if closed_at and ahead and closed_after then
    after_close = not at_or_before(entry, closed_after)
  end

  if before_opening then
    return 'arrived before the sale opened'
  elseif arrived >= closes then
    return 'arrived after the sale window ended'
  elseif after_close then
    return 'arrived after the sale was closed'
  elseif explicitly_closed and not closed_at then
    -- Closed by a version that did not record when: nothing tells a late order from an early one.
    return 'the sale was closed'
  end
  return nil
end

-- The sums written at the end must not fail after orders were answered: a value that DECRBY or HINCRBY
-- would refuse is refused here, before any write. It is no order's fault, so it is not raised as a script
-- error: callers retry the batch as on any Redis condition, and it is answered once the value is mended.
local function whole_number(value)
  return value == false or string.match(value, '^%-?%d+$') ~= nil
end

local function refuse(key, value, what)
  return redis.error_reply('ERR ' .. key .. ' holds "' .. string.sub(value, 1, 40) .. '", not ' .. what)
end

-- An operator's mistake is refused before any write (see the top): types first, then permissions.
local written_as = {
  { product, 'string' }, { sale, 'hash' }, { buyers, 'hash' }, { answered, 'hash' }, { counts, 'hash' },
  { complete, 'stream' }, { rejected, 'stream' }, { customers, 'stream' }, { confirmed, 'string' },
  { web_orders, 'hash' }, { orders, 'stream' },
}
for _, key in ipairs(written_as) do
  local found = redis.call('TYPE', key[1]).ok
  if found ~= 'none' and found ~= key[2] then
    return redis.error_reply('WRONGTYPE ' .. key[1] .. ' holds a ' .. found .. ', not a ' .. key[2])
  end
end

-- Each write this script may make, as a command the ACL can be asked about. Redis 7 answers that question itself
-- (redis.acl_check_cmd). Redis 6.2 cannot: there each command is tried in a form it refuses only after the ACL
-- check and before touching anything (a wrong number of fields, a count that is not a number). Those are all
-- commands Redis refuses under OOM before a script's first write, so a probe never lets a later write past OOM;
-- XDEL is not one of them, so 6.2 does not probe it (a denied XDEL, under pcall, only leaves a ticket behind).
local writes = {
  { 'XADD', complete, '*', 'order', 'o', 'odd' }, { 'XADD', rejected, '*', 'order', 'o', 'odd' },
  { 'HSET', buyers, 'c', 'o', 'odd' }, { 'HSET', answered, 'a', 'o', 'odd' },
  { 'DECRBY', product, 'not-a-number' }, { 'HINCRBY', counts, 'completed', 'not-a-number' },
  { 'XDEL', customers, '0-1', ask_only = true }, { 'SET', confirmed, '0', 'NX', 'XX' },
  { 'XADD', customers, '*', 'id', 'c', 'odd' }, { 'XADD', orders, '*', 'id', 'o', 'odd' }, { 'HSET', web_orders, 'a', 'e', 'odd' },
  { 'XDEL', orders, '0-1', ask_only = true },
}
for _, write in ipairs(writes) do
  local allowed = true
  if redis.acl_check_cmd then
    allowed = redis.acl_check_cmd(unpack(write))
  elseif not write.ask_only then
    local reply = redis.pcall(unpack(write))
    allowed = not (type(reply) == 'table' and reply.err and string.find(reply.err, "can't", 1, true))
  end
  if not allowed then
    return redis.error_reply('NOPERM the user running the completion script may not run ' .. write[1] .. ' on ' .. write[2])
  end
end

local stock = redis.call('GET', product)
if not whole_number(stock) then
  return refuse('product', stock, 'a whole number of units')
end
local counted = redis.call('HMGET', counts, 'completed', 'rejected:duplicate', 'rejected:sold-out',
  'rejected:closed', 'rejected:invalid')
for i = 1, #counted do
  if not whole_number(counted[i]) then
    return refuse('sale:counts', counted[i], 'a count')
  end
end

local left = tonumber(stock) or 0
local tickets = {}
-- Entries of the storefront orders this call wrote and answered, deleted from queue:orders at the end. Should the
-- call fail before that, a poller reads them and replays their stored outcome.
local web_entries = {}
-- Units sold and rejections by reason in this batch, written once at the end.
local sold, rejections = 0, {}
-- Entries of queue:orders (read by group popup) that this call answered: acknowledged and deleted at its end, in the
-- same step as their outcomes, so the group's pending entries are exactly the orders read and not yet answered.
local answered_entries, answered_at = {}, {}

-- The field of an order in sale:answered: '<bytes of the customer id>:<customer id>:<order id>'. The length
-- keeps it unambiguous (ids may hold ':'), and it still reads as the order's customer and id.
local function answer_field(customer, order)
  return #customer .. ':' .. customer .. ':' .. order
end

local function reject(order, customer, entry, reason, detail)
  redis.call('XADD', rejected, '*',
    'order', order, 'customer', customer, 'reason', reason, 'detail', detail, 'entry', entry)
  redis.call('HSET', answered, answer_field(customer, order), reason)
  rejections[reason] = (rejections[reason] or 0) + 1
  return reason
end

-- `waiting`: nil, or a function of the order's entry counting the orders waiting ahead of it that could still buy,
-- asked only when this order would take a unit. While they could take every unit left, this order may not take one
-- before them: it is left undecided (nil), in queue:orders, behind them.
local function answer(order, customer, ticket, entry, invalid, bought_before, read_at, waiting)
  if invalid ~= '' then
    return reject(order, customer, entry, 'invalid', invalid)
  end

  -- An entry id is '<ms>-<seq>'; anything else (a caller outside the stream path) counts as now.
  local arrived, ahead = arrival(entry, read_at)
  local closed = closed_because(arrived, entry, ahead)
  if closed then
    return reject(order, customer, entry, 'closed', closed)
  end

  -- Only sale:buyers makes an order a duplicate, so a duplicate always names a customer who bought.
  local bought_with = redis.call('HGET', buyers, customer)
  if bought_with then
    return reject(order, customer, entry, 'duplicate', 'customer already bought with order ' .. bought_with)
  end
  if left <= 0 then
    return reject(order, customer, entry, 'sold-out', '')
  end
  if waiting and left <= waiting(entry) then
    return nil
  end

  left = left - 1
  redis.call('XADD', complete, '*', 'order', order, 'customer', customer, 'ticket', ticket, 'entry', entry)
  redis.call('HSET', buyers, customer, order)
  redis.call('HSET', answered, answer_field(customer, order), 'complete')
  sold = sold + 1
  return 'complete'
end

-- One XDEL for the batch's tickets (and one for its storefront orders' entries); should one be an id Redis cannot
-- parse (which fails the whole call), each is deleted alone so the others still go.
local function delete_entries(stream, ids)
  local slice = 500
  for first = 1, #ids, slice do
    local last = math.min(first + slice - 1, #ids)
    local ok = redis.pcall('XDEL', stream, unpack(ids, first, last))
    if type(ok) == 'table' and ok.err then
      for i = first, last do
        redis.pcall('XDEL', stream, ids[i])
      end
    end
  end
end

local function write_sums()
  if sold > 0 then
    redis.call('DECRBY', product, sold)
    redis.call('HINCRBY', counts, 'completed', sold)
  end
  for reason, n in pairs(rejections) do
    redis.call('HINCRBY', counts, 'rejected:' .. reason, n)
  end
end

-- First come, first served among the orders read from queue:orders. Several pollers read batches at once, so near the
-- end of the stock a later arrival can reach this script before an earlier one; it must not take a unit that earlier
-- one could still get. Every entry before it was delivered to group popup (delivery goes in stream order), so the
-- earlier orders still undecided are the group's pending entries before it, less those this call answered. Beyond
-- ten seconds after its arrival an order no longer waits (an entry held by a dead silo is claimed after ClaimIdleTime,
-- a poison entry given up after MaxDeliveries): fairness yields to an answer.
local group, fair_wait_ms = 'popup', 10000
local pending_total, pending_ids = nil, nil

local function parse_id(id)
  local ms, seq = string.match(id or '', '^(%d+)%-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function before(ams, aseq, bms, bseq)
  return ams < bms or (ams == bms and aseq < bseq)
end

-- Orders read from queue:orders before `entry` and not answered yet (counted up to what the units left call for).
local function waiting_before(entry)
  local ems, eseq = parse_id(entry)
  if not ems or now - ems > fair_wait_ms then
    return 0
  end
  if not pending_total then
    local summary = redis.pcall('XPENDING', orders, group)
    pending_total = (type(summary) == 'table' and not summary.err and tonumber(summary[1])) or 0
  end
  if pending_total - #answered_at < left then
    return 0
  end
  if not pending_ids then
    -- The oldest pending entries, enough to tell whether `left` of them come first; fetched once per call.
    pending_ids = {}
    local rows = redis.pcall('XPENDING', orders, group, '-', '+', left + (#ARGV - first_order + 1) / values_per_order)
    if type(rows) == 'table' and not rows.err then
      for _, row in ipairs(rows) do
        local ms, seq = parse_id(row[1])
        pending_ids[#pending_ids + 1] = { ms, seq }
      end
    end
  end
  local low, high = 1, #pending_ids
  while low <= high do
    local mid = math.floor((low + high) / 2)
    if before(pending_ids[mid][1], pending_ids[mid][2], ems, eseq) then
      low = mid + 1
    else
      high = mid - 1
    end
  end
  local count = low - 1
  for _, done in ipairs(answered_at) do
    if before(done[1], done[2], ems, eseq) then
      count = count - 1
    end
  end
  return count
end

-- A storefront order's arrival: the ticket and the order, written as a producer writes them, the order registered as
-- the storefront's. Its queue:orders entry goes again in the same step (see the top); the ticket goes with the batch's.
local function arrive(order, customer)
  local ticket = redis.call('XADD', customers, '*', 'id', customer)
  local entry = redis.call('XADD', orders, '*', 'id', order, 'customer', customer, 'ticket', ticket)
  redis.call('HSET', web_orders, answer_field(customer, order), entry)
  return ticket, entry
end

-- A storefront order's wait, once it is written: every other entry still in queue:orders (but this call's storefront
-- orders and answered entries, deleted at its end) arrived before it: the orders not yet decided, and some just decided
-- and not yet deleted.
local function waiting_in_queue()
  return redis.call('XLEN', orders) - 1 - #web_entries - #answered_entries
end

local results = {}

-- An entry read from queue:orders by group popup (it carries the generation it was read under) and answered by this
-- call: acknowledged and deleted at the end.
local function settle(seen, entry)
  if seen ~= '' and entry ~= '' then
    answered_entries[#answered_entries + 1] = entry
    local ms, seq = parse_id(entry)
    if ms then
      answered_at[#answered_at + 1] = { ms, seq }
    end
  end
end

-- One order (values from ARGV index i): its two result values.
local function answer_one(i)
  local order, customer, ticket, seen = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 5]
  local web = ARGV[i + 8] == 'web'
  local entry = ARGV[i + 3]
  if seen ~= '' and seen ~= generation then
    return 'stale', 0
  end

  local previous = redis.call('HGET', answered, answer_field(customer, order))
  if previous then
    -- An order id seen again with another ticket (a producer reusing ids) still answers that customer, who must not
    -- be left waiting in queue:customers. For a plain redelivery the ticket is already gone and this deletes nothing.
    if ticket ~= '' then
      tickets[#tickets + 1] = ticket
    end
    settle(seen, entry)
    return previous, 0
  elseif web and redis.call('HEXISTS', web_orders, answer_field(customer, order)) == 1 then
    -- Written by a call that failed before answering it: its entry waits in queue:orders for a poller, so it is
    -- not written again; 'stale' sends the caller to wait for that answer.
    return 'stale', 0
  elseif web then
    local web_ticket, web_entry = arrive(order, customer)
    local outcome = answer(order, customer, web_ticket, web_entry, ARGV[i + 4], ARGV[i + 6], '', waiting_in_queue)
    if not outcome then
      -- First come, first served: it stays in queue:orders, and a poller decides it in its turn.
      return 'queued', 0
    end
    tickets[#tickets + 1] = web_ticket
    web_entries[#web_entries + 1] = web_entry
    return outcome, 1
  end

  local waiting = nil
  if seen ~= '' then
    waiting = waiting_before
  end
  local outcome = answer(order, customer, ticket, entry, ARGV[i + 4], ARGV[i + 6], ARGV[i + 7], waiting)
  if not outcome then
    -- An earlier arrival could still take the last units: it stays pending, and its poller reads it again.
    return 'queued', 0
  end
  if ticket ~= '' then
    tickets[#tickets + 1] = ticket
  end
  settle(seen, entry)
  return outcome, 1
end

-- Orders are answered in arrival order (entry id; storefront orders, which arrive in this call, last), whatever order
-- the batch holds them in: a batch may gather the reads of several pollers.
local function answer_all()
  local positions = {}
  for i = first_order, #ARGV, values_per_order do
    local ms, seq = parse_id(ARGV[i + 3])
    positions[#positions + 1] = { i = i, ms = ms or math.huge, seq = seq or 0, n = #positions + 1 }
  end
  table.sort(positions, function(a, b)
    if a.ms ~= b.ms then
      return a.ms < b.ms
    end
    if a.seq ~= b.seq then
      return a.seq < b.seq
    end
    return a.n < b.n
  end)
  for _, position in ipairs(positions) do
    local outcome, fresh = answer_one(position.i)
    results[2 * position.n - 1] = outcome
    results[2 * position.n] = fresh
  end
end

-- While answers are durable, sale:confirmed exists whenever an outcome does, from the same atomic step: a stream reader
-- that finds it waits for it, and one that finds none knows no outcome waits for a replica. The gates raise it.
if required_replicas > 0 then
  redis.call('SET', confirmed, '0', 'NX')
end

local ok, failure = pcall(answer_all)
write_sums()
if not ok then
  -- Raised again as Redis raised it, so callers tell a Redis condition (OOM ...) from a script error as
  -- before: Redis 7 keeps the code only of an error given as a table, 6.2 takes only a string.
  if redis.REDIS_VERSION then
    error({ err = failure })
  end
  error(failure, 0)
end
delete_entries(customers, tickets)
delete_entries(orders, web_entries)
if #answered_entries > 0 then
  -- No group (an order not read through it) leaves nothing to acknowledge.
  for first = 1, #answered_entries, 500 do
    redis.pcall('XACK', orders, group, unpack(answered_entries, first, math.min(first + 499, #answered_entries)))
  end
  delete_entries(orders, answered_entries)
end
if server then
  results[#results + 1] = server
end
return results
