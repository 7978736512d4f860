using Orleans.Configuration;

namespace PopupStore.Silo.Hosting;

/// <summary>
/// A flash sale lasts minutes, so a dead silo must be noticed in seconds, not Orleans' default tens of
/// seconds: calls to grains that lived on it hang until it is declared dead. Configuration
/// (Orleans:Membership) still overrides these.
/// </summary>
internal static class FastFailureDetection
{
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.NumProbedSilos = 2;
        // A silo notices stale rows when it reads the table: a joining silo after a whole-cluster crash
        // waited up to one refresh period on top of the staleness itself. One HGETALL per silo per 2 s.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);

        // A silo whose row has no heartbeat for IAmAliveTablePublishTimeout x NumMissedTableIAmAliveLimit
        // is stale: a joining silo does not wait for its ping answers, and its vote is not needed to
        // evict it. After a whole-cluster crash (kill -9 of every silo, a host crash) every row is left
        // Active, and with a 10 s heartbeat a fresh silo waited some 30 s on the dead before answering
        // anything; with 2 s it is about 4 s. The heartbeat is one small Redis write per silo every 2 s.
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedTableIAmAliveLimit = 2;

        // Rows of dead silos are kept an hour (enough to read what happened), not Orleans' week.
        options.DefunctSiloExpiration = TimeSpan.FromHours(1);
        options.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
    }

    /// <summary>
    /// A grain call that takes longer than this is given up and retried; it must stay well under
    /// Processing:ClaimIdleTime (checked at start-up), or the batch waiting on it would be claimed.
    /// </summary>
    public static void Apply(SiloMessagingOptions options)
    {
        options.ResponseTimeout = TimeSpan.FromSeconds(3);
    }
}
