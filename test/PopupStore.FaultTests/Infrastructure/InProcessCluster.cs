using System.Globalization;
using Orleans.TestingHost;
using PopupStore.Testing;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// Two real silos in the test process wired like the product's, plus <see cref="FaultInjectionFilter"/>: the only way
/// to make one order fail or stall on demand without putting test hooks in production code.
/// </summary>
public sealed class InProcessCluster() : InProcessSilos(Silos, "faults")
{
    public const int Silos = 2;

    /// <summary>Short, so a stalled customer grain times out quickly and the poller retries.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(2);

    public const int MaxDeliveries = 5;

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Processing:ClaimIdleTime"] = "00:00:03";
        builder.Properties["Processing:MaxDeliveries"] = MaxDeliveries.ToString(CultureInfo.InvariantCulture);
        builder.Properties["Orleans:Messaging:ResponseTimeout"] = ResponseTimeout.ToString("c", CultureInfo.InvariantCulture);
        builder.AddSiloBuilderConfigurator<FaultySiloConfigurator>();
    }
}

[CollectionDefinition(Name)]
public sealed class InProcessClusterCollection : ICollectionFixture<InProcessCluster>
{
    public const string Name = "in-process cluster";
}

public sealed class FaultySiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter<FaultInjectionFilter>();
}
