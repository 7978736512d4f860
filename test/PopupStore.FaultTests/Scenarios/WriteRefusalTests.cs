using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
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
    private static readonly TimeSpan RefusedFor = TimeSpan.FromSeconds(2);
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
            // Under OOM and MISCONF nobody may write, producers included: the round's orders are written before the
            // refusal, while the silo is frozen, so they still wait for it when the refusal starts. Written while it
            // ran, the silo could answer them all first and never meet the refusal.
            var feed = new OrderFeed(admin, "refuse-" + name.ToLowerInvariant());
            var logFrom = silo.App.StandardOutput.Count;
            Signals.Send(silo.App.Pid, Signals.Stop);
            try
            {
                await feed.WriteAsync(1_000, chunk: 500, every: TimeSpan.Zero);
                await refuse();

                // Writes are refused before the silo runs again (a save that is slow to fail starts MISCONF late).
                var refused = await Assert.ThrowsAsync<RedisServerException>(() => asSilo.GetDatabase().StreamAddAsync("probe:refusal", "at", name));
                Assert.StartsWith(name, refused.Message, StringComparison.Ordinal);
            }
            finally
            {
                Signals.Send(silo.App.Pid, Signals.Continue);
            }

            Assert.Empty(feed.Failed);

            // The pollers meet the refusal and log it: under OOM and MISCONF already when they read (their read is a
            // transaction, and Redis discards it, EXECABORT, for the refused XREADGROUP in it), under NOPERM when they
            // complete what they read. Until writes are allowed again the orders stay unanswered.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var met = Refusals(PollerEntries(silo.App.StandardOutput.Skip(logFrom)), name);
            while (met.Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                met = Refusals(PollerEntries(silo.App.StandardOutput.Skip(logFrom)), name);
            }

            // Refused on for longer than a poller's retries of an entry take to reach MaxDeliveries (5, 250 ms apart):
            // had the refusal counted against the entries, they would be answered invalid.
            await Task.Delay(RefusedFor);
            var round = feed.Acknowledged.Keys.ToList();
            var answeredWhileRefused = round.Count - await UnansweredAsync(db, feed, round);
            await allow();
            written.AddRange(round);

            // Once writes are allowed again the round's orders are answered, and every poller that logged Redis as
            // unreachable logs it back (it logs the next refusal only after that, so the next round starts then).
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            int unanswered;
            do
            {
                await Task.Delay(100);
                unanswered = await UnansweredAsync(db, feed, round);
            }
            while ((unanswered > 0 || !AllBack(PollerEntries(silo.App.StandardOutput.Skip(logFrom)))) && DateTime.UtcNow < deadline);

            output.WriteLine($"{name}: {round.Count} orders written before writes were refused (for {RefusedFor.TotalSeconds:0} s after the pollers met it); the pollers logged {met.Count} refusals, first: {met.FirstOrDefault()?[..Math.Min(300, met[0].Length)]}");
            Assert.True(met.Count > 0, $"no poller met {name} within 30 s; what they logged:{Environment.NewLine}"
                + string.Join(Environment.NewLine, PollerEntries(silo.App.StandardOutput.Skip(logFrom)).Take(10)));
            Assert.True(answeredWhileRefused == 0, $"{answeredWhileRefused} of the {name} round's {round.Count} orders were answered while writes were refused: the silo never held them during the refusal");
            Assert.True(unanswered == 0, $"{unanswered} of the {name} round's {round.Count} orders were still unanswered 60 s after writes were allowed");
        }

        await Invariants.AssertAllAsync(admin, written, output, silo.App.Tail(30));
        var outcomes = await Invariants.OutcomesAsync(admin);
        // Every fifth order is its customer's second: each answer is a sale or a duplicate, none invalid.
        Assert.All(outcomes.Values, o => Assert.Contains(o[0].Result, new[] { OrderResult.Complete, OrderResult.Duplicate }));
        Assert.Equal(written.Count, outcomes.Count);
    }

    private static async Task<int> UnansweredAsync(IDatabase db, OrderFeed feed, List<string> orders) =>
        (await db.HashGetAsync(RedisKeys.Answered, [.. orders.Select(o => (RedisValue)feed.AnswerField(o))])).Count(v => v.IsNull);

    /// <summary>True when every poller that logged Redis as unreachable has logged it back since.</summary>
    private static bool AllBack(List<string> entries) =>
        entries.Count(e => e.Contains("cannot reach Redis", StringComparison.Ordinal))
        == entries.Count(e => e.Contains("reaches Redis again", StringComparison.Ordinal));

    /// <summary>The log entries of a Redis error that is the refusal <paramref name="code"/>, or the transaction it aborted.</summary>
    private static List<string> Refusals(IEnumerable<string> entries, string code) =>
        [.. entries.Where(e => e.Contains("RedisServerException: " + code, StringComparison.Ordinal)
            || e.Contains("RedisServerException: EXECABORT", StringComparison.Ordinal))];

    /// <summary>
    /// The order pollers' log entries (a header line, then the message and any exception, one line each), each on one line.
    /// </summary>
    private static List<string> PollerEntries(IEnumerable<string?> lines)
    {
        var entries = new List<string>();
        var entry = new System.Text.StringBuilder();
        foreach (var line in lines.Append("info: end"))
        {
            if (line is null)
            {
                continue;
            }

            if (line.Length > 6 && line[4] == ':' && line[5] == ' ' && !char.IsWhiteSpace(line[0]))
            {
                var text = entry.ToString();
                if (text.Contains("PopupStore.Grains.Orders.OrderPollerGrain", StringComparison.Ordinal))
                {
                    entries.Add(text.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
                }

                entry.Clear();
            }

            entry.AppendLine(line);
        }

        return entries;
    }

    private static async Task FailSaveAsync(IServer server)
    {
        // A save that cannot write its file makes Redis refuse writes with MISCONF (stop-writes-on-bgsave-error),
        // as a full disk would; Redis only does that when it has save points.
        await server.ConfigSetAsync("save", "3600 1");
        await server.ConfigSetAsync("dir", "/proc");
        await server.ExecuteAsync("BGSAVE");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
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
