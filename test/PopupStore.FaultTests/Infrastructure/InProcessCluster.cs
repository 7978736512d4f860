using PopupStore.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using PopupStore.Core.Sales;
using PopupStore.Grains;
using PopupStore.Silo.Hosting;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// Two real silos in the test process (TestingHost, TCP, Redis membership) wired like the product's,
/// plus <see cref="FaultInjectionFilter"/>: the only way to make one order fail or stall on demand
/// without putting test hooks in production code.
/// </summary>
public sealed class InProcessCluster : IAsyncLifetime
{
    public const int Silos = 2;

    /// <summary>Short, so a stalled customer grain times out quickly and the poller retries.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(2);

    public const int MaxDeliveries = 5;

    public RedisProcess Server { get; private set; } = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public TestCluster Cluster { get; private set; } = null!;

    public IDatabase Database => Redis.GetDatabase();

    public SaleStore Sales => new(Redis);

    /// <summary>The Orleans membership hash, the only key outside the contract the cluster owns.</summary>
    public string MembershipKey => $"{Cluster.Options.ServiceId}/members/{Cluster.Options.ClusterId}";

    public async Task InitializeAsync()
    {
        Server = await RedisProcess.StartAsync();
        Redis = await Server.ConnectAsync();

        var builder = new TestClusterBuilder(Silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.GatewayPerSilo = true;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ClusterId = "faults-" + Guid.NewGuid().ToString("N")[..8];
        builder.Options.ServiceId = "popupstore-faults";
        builder.Properties["ConnectionStrings:Redis"] = Server.ConnectionString;
        builder.Properties["Processing:ClaimIdleTime"] = "00:00:03";
        builder.Properties["Processing:ClaimInterval"] = "00:00:00.500";
        builder.Properties["Processing:KeepAliveInterval"] = "00:00:01";
        builder.Properties["Processing:MaxDeliveries"] = MaxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddSiloBuilderConfigurator<FaultySiloConfigurator>();
        builder.AddClientBuilderConfigurator<RedisClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public Task ResetSaleAsync() => Sales.ResetAsync();

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
public sealed class InProcessClusterCollection : ICollectionFixture<InProcessCluster>
{
    public const string Name = "in-process cluster";
}

public sealed class FaultySiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo)
    {
        var connectionString = silo.Configuration["ConnectionStrings:Redis"]!;
        var redis = ConnectionMultiplexer.Connect(RedisConnector.Parse(connectionString));
        PopupScripts.LoadAllAsync(redis).GetAwaiter().GetResult();
        silo.AddPopupStore(redis, connectionString, silo.Configuration);
        silo.Configure<ClusterMembershipOptions>(options => options.TableRefreshTimeout = TimeSpan.FromSeconds(2));
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = InProcessCluster.ResponseTimeout);
        silo.AddIncomingGrainCallFilter<FaultInjectionFilter>();
    }
}

public sealed class RedisClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder client) =>
        client.UseRedisClustering(configuration["ConnectionStrings:Redis"]!);
}
