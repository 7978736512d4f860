using PopupStore.Core.Redis;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.Tests.Redis;

/// <summary>
/// redis/popupstore.conf, which every launcher passes to redis-server, loads on both servers the product runs on
/// (Debian's Redis 7 and the compose image's 6.2) and really makes stream nodes small (cheap XDEL).
/// </summary>
public sealed class ServerSettingsTests
{
    public static TheoryData<string> Servers => new() { "debian", "6.2.6" };

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task The_shipped_settings_load_and_keep_stream_nodes_small(string server)
    {
        await using var redis = await RedisProcess.StartAsync(binary: server == "debian" ? null : RedisModules.Server62);
        await using var connection = await redis.ConnectAsync();
        var admin = connection.GetServer(connection.GetEndPoints()[0]);
        Assert.Equal("16", Assert.Single(await admin.ConfigGetAsync("stream-node-max-entries")).Value);

        var db = connection.GetDatabase();
        for (var i = 0; i < 100; i++)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", $"o{i}"), new("customer", $"c{i}")]);
        }

        // Redis' default of 100 entries per node would hold all of them in one node.
        var info = await db.ExecuteAsync("XINFO", "STREAM", RedisKeys.Orders);
        var fields = ((RedisResult[])info!)!;
        var nodes = (long)fields[Array.FindIndex(fields, f => f.ToString() == "radix-tree-keys") + 1];
        Assert.Equal(7, nodes);
    }
}
