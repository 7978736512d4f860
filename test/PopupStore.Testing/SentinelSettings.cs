using System.Globalization;

namespace PopupStore.Testing;

/// <summary>The Sentinel settings the failover tests run with, and why each has its value.</summary>
public static class SentinelSettings
{
    /// <summary>Two of the three Sentinels must agree the primary is down.</summary>
    public const int Quorum = 2;

    /// <summary>
    /// A primary silent this long is down. It is most of the recovery time (detection, then a vote and a promotion of
    /// about a second each), so it is short; a live primary answers Sentinel's pings well within it, since no
    /// command of the product runs for more than milliseconds.
    /// </summary>
    public static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Long on purpose. Sentinel "fixes" a replica whose master address is not the primary's (here: the relay's)
    /// once it has been so for this long (+fix-slave-config), which would bypass the relay mid-test; a failed vote
    /// is retried only after twice this, but three Sentinels on one host do not split their votes in practice.
    /// A successful failover never waits on it.
    /// </summary>
    public static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Both replicas resynchronise from the new primary at once: there are only two.</summary>
    public const int ParallelSyncs = 2;

    /// <summary>The sentinel.conf lines that monitor the primary on <paramref name="primaryPort"/>.</summary>
    public static string For(string service, int primaryPort)
    {
        var port = primaryPort.ToString(CultureInfo.InvariantCulture);
        return string.Join(
            "\n",
            $"sentinel monitor {service} 127.0.0.1 {port} {Quorum.ToString(CultureInfo.InvariantCulture)}",
            $"sentinel down-after-milliseconds {service} {Milliseconds(DownAfter)}",
            $"sentinel failover-timeout {service} {Milliseconds(FailoverTimeout)}",
            $"sentinel parallel-syncs {service} {ParallelSyncs.ToString(CultureInfo.InvariantCulture)}");
    }

    private static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
