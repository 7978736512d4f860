using Orleans.TestingHost;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using StackExchange.Redis;
using PopupStore.Testing;

namespace PopupStore.Tests.Infrastructure;

/// <summary>Three real silos in the test process, wired like the product's, on a redis-server of their own.</summary>
public sealed class ClusterFixture() : InProcessSilos(Silos, "test")
{
    public const int Silos = 3;

    public static readonly TimeSpan ClaimIdleTime = TimeSpan.FromSeconds(2.5);

    /// <summary>Grain calls time out well before entries can be claimed (checked by the silo at start).</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(1.5);

    public static readonly TimeSpan TimeSeriesWindow = TimeSpan.FromSeconds(1);

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Processing:ClaimIdleTime"] = ClaimIdleTime.ToString();
        builder.Properties["Orleans:Messaging:ResponseTimeout"] = ResponseTimeout.ToString();

        // Redis here has no modules: force the cluster's time series writer (into RecordingSeriesSink),
        // with a short window so a test sees several windows in a few seconds.
        builder.Properties["TimeSeries:Writer"] = "Cluster";
        builder.Properties["TimeSeries:Window"] = TimeSeriesWindow.ToString();
        builder.Properties["TimeSeries:KeepAliveInterval"] = "00:00:00.500";
        builder.AddSiloBuilderConfigurator<RecordingSinkConfigurator>();
    }

    /// <summary>Waits until queue:orders is empty with nothing pending; throws a <see cref="TimeoutException"/> otherwise.</summary>
    public async Task WaitUntilDrainedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var waiting = await Database.StreamLengthAsync(RedisKeys.Orders);
            var pending = await new Core.Orders.OrderQueue(Redis).PendingCountAsync();
            if (waiting == 0 && pending == 0)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"queue:orders not drained within {timeout}: {waiting} entries, {pending} pending");
            }

            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
