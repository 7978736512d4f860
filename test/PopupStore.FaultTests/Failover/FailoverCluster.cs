using PopupStore.Core.Sales;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// A <see cref="ReplicatedRedis"/> and silo processes whose connection string names only the Sentinels and the
/// service, as a retailer configures them: nothing tells a silo which server is primary.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    private FailoverCluster(ReplicatedRedis redis, IConnectionMultiplexer connection)
    {
        Redis = redis;
        Connection = connection;
    }

    public ReplicatedRedis Redis { get; }

    /// <summary>The test's connection through the Sentinels: it follows a promotion as the silos' does.</summary>
    public IConnectionMultiplexer Connection { get; }

    public List<SiloProcess> Silos { get; } = [];

    public SaleStore Sales => new(Connection);

    /// <summary>How long the Redis topology and the silos took to be ready, for the test output.</summary>
    public TimeSpan StartTime { get; private set; }

    public override string ToString() =>
        $"Redis {Redis.Version}{(Redis.Gears ? " with Gears" : string.Empty)}: 1 primary, 2 replicas, 3 Sentinels and {Silos.Count} silos ready in {StartTime.TotalSeconds:0.0} s";

    public static async Task<FailoverCluster> StartAsync(
        string version, int silos, bool gears = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var redis = await ReplicatedRedis.StartAsync(version, gears);
        FailoverCluster? cluster = null;
        try
        {
            if (gears)
            {
                await redis.RegisterGearsAsync();
            }

            var options = ConfigurationOptions.Parse(redis.ConnectionString);
            options.AbortOnConnectFail = false;
            options.AllowAdmin = true;
            options.ClientName = "popupstore-tests";
            cluster = new FailoverCluster(redis, await ConnectionMultiplexer.ConnectAsync(options));
            // Three Redis servers, three Sentinels and the silos share two cores here: a replica's full resync after a
            // promotion, or a second failover, can stall a silo for over 4 s, which two missed probes (the product's
            // default) read as death. These tests are about Redis failing over; a silo's death has tests of its own.
            var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
            {
                ["Storefront__ClientRequestsPerSecond"] = "0",
                ["Orleans__Membership__NumMissedProbesLimit"] = "3",
            };
            cluster.Silos.AddRange(Enumerable.Range(0, silos).Select(_ => SiloProcess.Start(redis.ConnectionString, environment)));
            await Task.WhenAll(cluster.Silos.Select(s => s.WaitHealthyAsync(ProcessCluster.StartTimeout)));
            cluster.StartTime = clock.Elapsed;
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                await redis.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>A connection to exactly this server, never redirected: to read what it alone holds.</summary>
    public static Task<IConnectionMultiplexer> ConnectToAsync(RedisProcess server) => server.ConnectAsync();

    public string SiloLogs() =>
        string.Join(Environment.NewLine, Silos.Select(s => $"--- {s.App.Name} (exited: {s.App.HasExited}){Environment.NewLine}{s.App.Tail(25)}"));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
