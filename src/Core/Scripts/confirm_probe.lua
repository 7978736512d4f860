-- The durable-answer gate's probe (docs/guarantees.md, "Across a Redis failover"). A gate confirms answers by
-- writing this probe after them and waiting (WAIT) until replicas hold the probe: Redis replicates in the order it
-- executes, so a replica holding the probe holds every write executed before it, whoever made it.
-- The probe is this gate's own key holding a nonce, so the gate can also tell, after the WAIT, that it still
-- talks to the server it probed (a connection re-established to a promoted replica answers WAIT at once).
--
-- KEYS: sale:confirming:<gate>
-- ARGV: nonce, how long the probe key lives (ms)
-- Returns: Redis' clock at the probe (ms): once the probe is confirmed, every outcome stream entry dated before that
--          millisecond is confirmed too; and the server's replication id, which a promoted replica or a restarted
--          server does not share: answers held across rounds were stored under one replication id and are only
--          confirmed under the same one.

local replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)') or ''
local clock = redis.call('TIME')
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return { tostring(tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)), replid }
