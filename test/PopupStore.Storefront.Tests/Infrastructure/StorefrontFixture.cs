using PopupStore.Core.Invariants;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.Storefront.Tests.Infrastructure;

/// <summary>
/// One redis-server and a cluster of three silo hosts: A and B as shipped (client limit off, so tests can
/// send many requests), C with a tight per-client limit that trusts X-Forwarded-For.
/// </summary>
public sealed class StorefrontFixture : IAsyncLifetime
{
    public const int ClientBurst = 3;

    public RedisProcess Server { get; private set; } = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public IDatabase Database => Redis.GetDatabase();

    public SaleStore Sales => new(Redis);

    public StorefrontSilo A { get; private set; } = null!;

    public StorefrontSilo B { get; private set; } = null!;

    public StorefrontSilo C { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisProcess.StartAsync();
        Redis = await Server.ConnectAsync();
        var cluster = "storefront-" + Guid.NewGuid().ToString("N")[..8];
        A = await StorefrontSilo.StartAsync(Server.ConnectionString, cluster);
        B = await StorefrontSilo.StartAsync(Server.ConnectionString, cluster);
        C = await StorefrontSilo.StartAsync(Server.ConnectionString, cluster, new Dictionary<string, string>
        {
            ["Storefront:ClientRequestsPerSecond"] = "1",
            ["Storefront:ClientBurst"] = ClientBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Storefront:TrustForwardedFor"] = "true",
        });
    }

    /// <summary>A fresh sale (forced): every test starts from clean streams and counters.</summary>
    public async Task StartSaleAsync(long units, TimeSpan? duration = null)
    {
        await Sales.StartAsync(units, duration ?? TimeSpan.FromMinutes(10), force: true);
    }

    public async Task<InvariantReport> DrainAndCheckAsync(IReadOnlyCollection<string>? orderIds = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (await Database.StreamLengthAsync(RedisKeys.Orders) == 0
                && await new Core.Orders.OrderQueue(Redis).PendingCountAsync() == 0)
            {
                break;
            }

            await Task.Delay(50);
        }

        return await new InvariantChecker(Redis).CheckAsync(orderIds);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in new[] { C, B, A })
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }

        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StorefrontCollection : ICollectionFixture<StorefrontFixture>
{
    public const string Name = "storefront";
}
