using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.Testing;

/// <summary>A real primary and one real replica of it on loopback, of one Redis version ("7" or "6.2").</summary>
public sealed class PrimaryWithReplica : IAsyncDisposable
{
    private PrimaryWithReplica(RedisProcess primary, RedisProcess replica)
    {
        Primary = primary;
        Replica = replica;
    }

    public RedisProcess Primary { get; }

    public RedisProcess Replica { get; }

    public static async Task<PrimaryWithReplica> StartAsync(string version)
    {
        var binary = version == "6.2" ? RedisModules.Server62 : null;
        var primary = await RedisProcess.StartAsync(binary: binary);
        var replica = await RedisProcess.StartAsync(
            binary: binary, extraArguments: ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)]);
        var pair = new PrimaryWithReplica(primary, replica);
        await pair.WaitForOnlineReplicaAsync();
        return pair;
    }

    /// <summary>Waits until the primary lists its replica as online.</summary>
    public async Task WaitForOnlineReplicaAsync()
    {
        await using var admin = await Primary.ConnectAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var info = (string?)await admin.GetDatabase().ExecuteAsync("INFO", "replication") ?? string.Empty;
            if (info.Contains("state=online", StringComparison.Ordinal))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The replica never came online:\n{info}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
