using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Core.Scripts;
using PopupStore.Silo.Hosting;
using StackExchange.Redis;
using Xunit;

namespace PopupStore.Testing;

/// <summary>
/// Real silos in the test process (Orleans TestingHost, TCP transport) that find each other through Redis membership
/// on a redis-server of their own, wired by the product's own <see cref="PopupStoreSiloBuilderExtensions.AddPopupStore"/>.
/// A suite says how many silos, which settings, and which silo configurators of its own run before the product's.
/// </summary>
public abstract class InProcessSilos(int silos, string clusterPrefix) : IAsyncLifetime
{
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

        var builder = new TestClusterBuilder((short)silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.GatewayPerSilo = true;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ClusterId = clusterPrefix + "-" + Guid.NewGuid().ToString("N")[..8];
        builder.Options.ServiceId = "popupstore-" + clusterPrefix;
        builder.Properties["ConnectionStrings:Redis"] = Server.ConnectionString;
        builder.Properties["Processing:ClaimInterval"] = "00:00:00.500";
        builder.Properties["Processing:KeepAliveInterval"] = "00:00:01";
        Configure(builder);
        builder.AddSiloBuilderConfigurator<ProductSiloConfigurator>();
        builder.AddClientBuilderConfigurator<RedisClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Deletes the sale and its outcomes (never the membership keys the silos live on).</summary>
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

    /// <summary>The suite's settings (<c>builder.Properties</c>, configuration keys) and silo configurators.</summary>
    protected abstract void Configure(TestClusterBuilder builder);

    private sealed class ProductSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration["ConnectionStrings:Redis"]!;
            var redis = ConnectionMultiplexer.Connect(RedisConnector.Parse(connectionString));
            PopupScripts.LoadAllAsync(redis).GetAwaiter().GetResult();
            silo.AddPopupStore(redis, connectionString, silo.Configuration);
            // A silo joining mid-test sees the others sooner than Orleans' default refresh would let it.
            silo.Configure<ClusterMembershipOptions>(options => options.TableRefreshTimeout = TimeSpan.FromSeconds(2));
        }
    }

    private sealed class RedisClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) =>
            client.UseRedisClustering(configuration["ConnectionStrings:Redis"]!);
    }
}
