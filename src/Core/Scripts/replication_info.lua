-- Redis' INFO replication section, for a client that may not send INFO itself (StackExchange.Redis allows INFO only on
-- connections in admin mode, which the silos do not open). The durable-answer mode reads it to find replicas.
--
-- Returns: the INFO replication text.

return redis.call('INFO', 'replication')
