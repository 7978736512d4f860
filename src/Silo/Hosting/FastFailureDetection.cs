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
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }

    public static void Apply(SiloMessagingOptions options)
    {
        options.ResponseTimeout = TimeSpan.FromSeconds(5);
    }
}
