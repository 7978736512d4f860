using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>A redis-server and N silo processes on loopback: the local topology of run-sale.sh.</summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private ProcessCluster(RedisProcess redis, IConnectionMultiplexer connection, List<SiloProcess> silos)
    {
        Redis = redis;
        Connection = connection;
        Silos = silos;
    }

    public RedisProcess Redis { get; }

    /// <summary>The test's own (admin) connection; it reconnects through Redis restarts.</summary>
    public IConnectionMultiplexer Connection { get; }

    public List<SiloProcess> Silos { get; }

    public IDatabase Database => Connection.GetDatabase();

    public SaleStore Sales => new(Connection);

    public static async Task<ProcessCluster> StartAsync(int silos, string? appendFsync = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var redis = await RedisProcess.StartAsync(appendFsync);
        var connection = await redis.ConnectAsync();
        var cluster = new ProcessCluster(redis, connection, []);
        try
        {
            await cluster.StartSilosAsync(silos, settings);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>How long the last <see cref="StartSilosAsync"/> took, for the test output.</summary>
    public TimeSpan LastStartTime { get; private set; }

    public async Task StartSilosAsync(int count, IReadOnlyDictionary<string, string>? settings = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var started = Enumerable.Range(0, count).Select(_ => SiloProcess.Start(Redis.ConnectionString, settings)).ToList();
        Silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitHealthyAsync(StartTimeout)));
        LastStartTime = clock.Elapsed;
    }

    public async Task WaitAllHealthyAsync(TimeSpan timeout) =>
        await Task.WhenAll(Silos.Where(s => !s.App.HasExited).Select(s => s.WaitHealthyAsync(timeout)));

    /// <summary>Waits until queue:orders is empty and group popup has nothing pending.</summary>
    public Task<bool> WaitDrainedAsync(TimeSpan timeout) => Drain.WaitAsync(Connection, timeout);

    public string SiloLogs() =>
        string.Join(Environment.NewLine, Silos.Select(s => $"--- {s.App.Name} (exited: {s.App.HasExited}){Environment.NewLine}{s.App.Tail(25)}"));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Silos.Select(s => s.DisposeAsync().AsTask()));
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

public static class Drain
{
    public static async Task<bool> WaitAsync(IConnectionMultiplexer redis, TimeSpan timeout)
    {
        var queue = new OrderQueue(redis);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var db = redis.GetDatabase();
                if (await db.StreamLengthAsync(RedisKeys.Orders) == 0 && await queue.PendingCountAsync() == 0)
                {
                    return true;
                }
            }
            catch (RedisException)
            {
                // Redis may be restarting in the scenario; keep waiting.
            }

            await Task.Delay(100);
        }

        return false;
    }
}
