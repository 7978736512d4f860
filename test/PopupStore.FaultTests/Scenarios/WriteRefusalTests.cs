using PopupStore.Core.Orders;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// Redis refusing writes for a while (out of memory, a failed save, a permission taken away during an ACL
/// change) delays answers; it never turns a well-formed order into an invalid one.
/// </summary>
public sealed class WriteRefusalTests(ITestOutputHelper output)
{
    private const string SiloUser = "silo";
    private static readonly string SiloPassword = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task Orders_delayed_by_OOM_MISCONF_and_NOPERM_are_answered_on_their_merits_once_Redis_takes_writes_again()
    {
        // Redis 7 protects `dir`; the MISCONF round needs to point it somewhere unwritable.
        await using var redis = await RedisProcess.StartAsync(extraArguments: ["--enable-protected-configs", "yes"]);
        await using var admin = await redis.ConnectAsync();
        var db = admin.GetDatabase();
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        await server.ExecuteAsync("ACL", "SETUSER", SiloUser, "on", ">" + SiloPassword, "~*", "&*", "+@all");
        await using var silo = SiloProcess.Start(redis.WithCredentials(SiloUser, SiloPassword));
        await silo.WaitHealthyAsync(ProcessCluster.StartTimeout);
        await new Core.Sales.SaleStore(admin).StartAsync(6_000, TimeSpan.FromMinutes(10), force: false);

        // The silo's own view: what the completion script's first write meets while writes are refused.
        await using var asSilo = await ConnectionMultiplexer.ConnectAsync(redis.WithCredentials(SiloUser, SiloPassword));
        var written = new List<string>();
        (string Name, Func<Task> Refuse, Func<Task> Allow)[] rounds =
        [
            ("OOM", () => server.ConfigSetAsync("maxmemory", "1"), () => server.ConfigSetAsync("maxmemory", "0")),
            ("MISCONF", () => FailSaveAsync(server), () => RecoverSaveAsync(server, redis.Directory)),
            ("NOPERM", () => server.ExecuteAsync("ACL", "SETUSER", SiloUser, "-evalsha", "-eval", "-xadd"),
                () => server.ExecuteAsync("ACL", "SETUSER", SiloUser, "+@all")),
        ];

        foreach (var (name, refuse, allow) in rounds)
        {
            var feed = new OrderFeed(admin, "refuse-" + name.ToLowerInvariant());
            var writing = feed.WriteAsync(3_000, chunk: 500, every: TimeSpan.FromMilliseconds(100));
            await Task.Delay(150);
            await refuse();
            var refused = await Assert.ThrowsAsync<RedisServerException>(() => asSilo.GetDatabase().StreamAddAsync("probe:refusal", "at", name));
            Assert.StartsWith(name, refused.Message, StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await allow();
            await writing;
            written.AddRange(feed.Acknowledged.Keys);
            output.WriteLine($"{name}: writes refused for 2 s; {feed.Acknowledged.Count} orders written, {feed.Failed.Count} refused to the producer");
        }

        await Invariants.AssertAllAsync(admin, written, output, silo.App.Tail(30));
        var outcomes = await Invariants.OutcomesAsync(admin);
        // Every fifth order is its customer's second: each answer is a sale or a duplicate, none invalid.
        Assert.All(outcomes.Values, o => Assert.Contains(o[0].Result, new[] { OrderResult.Complete, OrderResult.Duplicate }));
        Assert.Equal(written.Count, outcomes.Count);
        Assert.Contains(silo.App.StandardOutput, line => line.Contains("delayed by a Redis or cluster failure", StringComparison.Ordinal));
    }

    private static async Task FailSaveAsync(IServer server)
    {
        // A save that cannot write its file makes Redis refuse writes with MISCONF (stop-writes-on-bgsave-error),
        // as a full disk would; Redis only does that when it has save points.
        await server.ConfigSetAsync("save", "3600 1");
        await server.ConfigSetAsync("dir", "/proc");
        await server.ExecuteAsync("BGSAVE");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && !((await server.InfoRawAsync("persistence")) ?? string.Empty).Contains("rdb_last_bgsave_status:err", StringComparison.Ordinal))
        {
            await Task.Delay(50);
        }
    }

    private static async Task RecoverSaveAsync(IServer server, string directory)
    {
        await server.ConfigSetAsync("dir", directory);
        await server.ConfigSetAsync("save", string.Empty);
        await server.ExecuteAsync("BGSAVE");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && !((await server.InfoRawAsync("persistence")) ?? string.Empty).Contains("rdb_last_bgsave_status:ok", StringComparison.Ordinal))
        {
            await Task.Delay(50);
        }
    }
}
