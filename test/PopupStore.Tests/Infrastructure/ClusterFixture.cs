using Orleans.TestingHost;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using StackExchange.Redis;
using PopupStore.Testing;

namespace PopupStore.Tests.Infrastructure;

/// <summary>
/// Three real silos (Orleans TestingHost, TCP transport) that find each other through Redis membership,
/// on a redis-server of their own.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Silos = 3;

    public static readonly TimeSpan ClaimIdleTime = TimeSpan.FromSeconds(2.5);

    /// <summary>Grain calls time out well before entries can be claimed (checked by the silo at start).</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(1.5);

    public static readonly TimeSpan TimeSeriesWindow = TimeSpan.FromSeconds(1);

    public RedisProcess Server { get; private set; } = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public TestCluster Cluster { get; private set; } = null!;

    public IDatabase Database => Redis.GetDatabase();

    public SaleStore Sales => new(Redis);

    public async Task InitializeAsync()
    {
        Server = await RedisProcess.StartAsync();
        Redis = await Server.ConnectAsync();

        var builder = new TestClusterBuilder(Silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.GatewayPerSilo = true;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        builder.Options.ServiceId = "popupstore-tests";
        builder.Properties["ConnectionStrings:Redis"] = Server.ConnectionString;
        builder.Properties["Processing:ClaimIdleTime"] = ClaimIdleTime.ToString();
        builder.Properties["Orleans:Messaging:ResponseTimeout"] = ResponseTimeout.ToString();
        builder.Properties["Processing:ClaimInterval"] = "00:00:00.500";
        builder.Properties["Processing:KeepAliveInterval"] = "00:00:01";

        // Redis here has no modules: force the cluster's time series writer (into RecordingSeriesSink),
        // with a short window so a test sees several windows in a few seconds.
        builder.Properties["TimeSeries:Writer"] = "Cluster";
        builder.Properties["TimeSeries:Window"] = TimeSeriesWindow.ToString();
        builder.Properties["TimeSeries:KeepAliveInterval"] = "00:00:00.500";
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        builder.AddClientBuilderConfigurator<TestClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Deletes the sale and its outcomes (never the membership keys the silos live on).</summary>
    public Task ResetSaleAsync() => Sales.ResetAsync();

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

    public async Task DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            await Redis.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
