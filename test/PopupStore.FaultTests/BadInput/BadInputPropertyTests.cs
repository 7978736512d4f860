using CsCheck;
using PopupStore.Core.Invariants;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using PopupStore.Core.Sales;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.BadInput;

/// <summary>
/// Random streams of good, duplicate and malformed orders: every entry gets exactly one answer under the
/// contract's key, malformed ones are answered invalid, nothing is oversold, customer ids round-trip
/// byte for byte, and no key outside the contract appears.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class BadInputPropertyTests(InProcessCluster cluster, ITestOutputHelper output)
{
    private static readonly HashSet<string> ContractKeys = new(
        new[]
        {
            RedisKeys.Product, RedisKeys.Customers, RedisKeys.Orders, RedisKeys.Complete, RedisKeys.Rejected,
            RedisKeys.Sale, RedisKeys.Buyers, RedisKeys.Answered, RedisKeys.Counts, RedisKeys.Generation,
        }.Select(k => k.ToString()),
        StringComparer.Ordinal);

    /// <summary>The pipeline's own parts (parser, completion script, acknowledgement) against a real Redis: fast, so many streams.</summary>
    [Fact]
    public async Task Random_streams_through_the_parser_and_the_completion_script_keep_every_invariant()
    {
        await using var server = await RedisProcess.StartAsync();
        await using var redis = await server.ConnectAsync();
        await PopupScripts.LoadAllAsync(redis);
        var db = redis.GetDatabase();
        var streams = 0;

        await RawOrders.Stream.SampleAsync(
            async orders =>
            {
                await redis.GetServer(redis.GetEndPoints()[0]).FlushDatabaseAsync();
                await new SaleStore(redis).StartAsync(5, TimeSpan.FromMinutes(10), force: false);
                var written = await WriteAllAsync(db, orders);

                var queue = new OrderQueue(redis);
                var completer = new OrderCompleter(redis);
                var batch = await queue.ReadNewAsync("property", 1_000);
                var entries = batch.Entries;
                Assert.Equal(orders.Length, entries.Length);
                var outcomes = new Dictionary<string, OrderOutcome>(StringComparer.Ordinal);
                foreach (var (entry, i) in entries.Select((e, i) => (e, i)))
                {
                    var request = OrderEntryParser.Parse(entry, batch.Generation);
                    var outcome = await completer.CompleteAsync(request);
                    if (i % 3 == 0)
                    {
                        // Delivered again (a retry or a claim): the same answer, not written twice.
                        Assert.Equal(new OrderOutcome(outcome.Result, false), await completer.CompleteAsync(request));
                    }

                    outcomes[entry.Id.ToString()] = outcome;
                }

                await queue.AcknowledgeAsync([.. entries.Select(e => e.Id)]);
                await AssertStreamAnsweredAsync(redis, orders, written, outcomes);
                Interlocked.Increment(ref streams);
            },
            iter: 200,
            threads: 1,
            print: orders => string.Join(Environment.NewLine, orders.Select(o => o.ToString())));

        output.WriteLine($"{streams} random streams checked");
    }

    /// <summary>The same kind of stream through a real cluster (pollers, customer grains, acknowledgement).</summary>
    [Fact]
    public async Task Random_streams_through_a_running_cluster_keep_every_invariant()
    {
        {
            var db = cluster.Database;
            var streams = 0;
            await RawOrders.Order.Array[60, 120].SampleAsync(
                async orders =>
                {
                    // A failed (or shrinking) run may leave entries in flight: let them settle before the reset.
                    await Drain.WaitAsync(cluster.Redis, TimeSpan.FromSeconds(30));
                    await cluster.ResetSaleAsync();
                    await cluster.Sales.StartAsync(20, TimeSpan.FromMinutes(10), force: false);
                    var written = await WriteAllAsync(db, orders);
                    var keys = orders.Zip(written, (o, w) => RawOrders.ExpectedKey(o, w.EntryId)).Distinct().ToList();
                    await WaitAnsweredAsync(db, keys, TimeSpan.FromSeconds(60));
                    Assert.True(await Drain.WaitAsync(cluster.Redis, TimeSpan.FromSeconds(30)), "queue:orders did not drain");
                    await AssertStreamAnsweredAsync(cluster.Redis, orders, written, outcomes: null, cluster.MembershipKey);
                    Interlocked.Increment(ref streams);
                },
                iter: 5,
                threads: 1,
                print: orders => string.Join(Environment.NewLine, orders.Select(o => o.ToString())));
            output.WriteLine($"{streams} random streams checked through the cluster");
        }
    }

    private static async Task<List<(string EntryId, string? Ticket)>> WriteAllAsync(IDatabase db, RawOrder[] orders)
    {
        var written = new List<(string, string?)>();
        foreach (var order in orders)
        {
            written.Add(await RawOrders.WriteAsync(db, order));
        }

        return written;
    }

    private static async Task FailAsync(IDatabase db, string key, int index, RawOrder order, string answer)
    {
        var detail = (await db.StreamRangeAsync(RedisKeys.Rejected)).FirstOrDefault(
            r => RedisKeys.AnswerField((string?)r["customer"] ?? string.Empty, (string?)r["order"] ?? string.Empty) == key);
        Assert.Fail($"entry {index} ({order}) answered {answer} ({(detail.IsNull ? "-" : (string?)detail["detail"])}), against the contract");
    }

    private static async Task WaitAnsweredAsync(IDatabase db, List<string> keys, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answered = await db.HashGetAsync(RedisKeys.Answered, [.. keys.Select(k => (RedisValue)k)]);
            if (answered.All(a => a.HasValue))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{answered.Count(a => !a.HasValue)} orders never answered");
            await Task.Delay(50);
        }
    }

    /// <param name="outcomes">Entry id -> what the first completion returned, when the test ran it itself.</param>
    private static async Task AssertStreamAnsweredAsync(
        IConnectionMultiplexer redis,
        RawOrder[] orders,
        List<(string EntryId, string? Ticket)> written,
        Dictionary<string, OrderOutcome>? outcomes,
        string? membershipKey = null)
    {
        var db = redis.GetDatabase();
        var firstByKey = new Dictionary<string, (RawOrder Order, string EntryId)>(StringComparer.Ordinal);
        for (var i = 0; i < orders.Length; i++)
        {
            var key = RawOrders.ExpectedKey(orders[i], written[i].EntryId);
            var first = firstByKey.TryAdd(key, (orders[i], written[i].EntryId));
            var answer = (string?)await db.HashGetAsync(RedisKeys.Answered, key);
            Assert.True(answer is not null, $"entry {i} ({orders[i]}) has no answer under {key}");
            if (outcomes is null)
            {
                // In a cluster, entries are answered in parallel: when entries sharing an order id differ,
                // any one of them may be the one answered. Invalid only if one of them is invalid, and
                // certainly invalid if all of them are.
                var same = orders.Select((o, j) => (o, j)).Where(x => RawOrders.ExpectedKey(x.o, written[x.j].EntryId) == key).ToList();
                var mayBeInvalid = same.Any(x => RawOrders.ExpectedInvalid(x.o));
                var mustBeInvalid = same.All(x => RawOrders.ExpectedInvalid(x.o));
                if ((answer == "invalid" && !mayBeInvalid) || (answer != "invalid" && mustBeInvalid))
                {
                    await FailAsync(db, key, i, orders[i], answer!);
                }
            }
            else if (first)
            {
                // Run in order, the first entry under a key decides: invalid exactly when it broke the contract.
                if (RawOrders.ExpectedInvalid(orders[i]) != (answer == "invalid"))
                {
                    await FailAsync(db, key, i, orders[i], answer!);
                }

                Assert.True(outcomes[written[i].EntryId].Fresh, $"entry {i} ({orders[i]}) was not answered by its own first delivery");
            }
            else
            {
                // A later entry with the same order id is the same order: it gets the stored answer.
                Assert.False(outcomes[written[i].EntryId].Fresh, $"order {key} was answered twice");
            }
        }

        // Customer ids are stored as given, byte for byte, whatever characters they hold.
        foreach (var complete in await db.StreamRangeAsync(RedisKeys.Complete))
        {
            var orderId = (string)complete["order"]!;
            var customer = (byte[])complete["customer"]!;
            Assert.Contains(
                orders.Where((o, j) => RawOrders.ExpectedOrderId(o, written[j].EntryId) == orderId),
                o => o.Customer is not null && o.Customer.AsSpan().SequenceEqual(customer));
            Assert.Equal(orderId, (string?)await db.HashGetAsync(RedisKeys.Buyers, customer));
        }

        // Every real ticket was well-formed, so every one was taken out of queue:customers.
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Customers));

        var report = await new InvariantChecker(redis).CheckAsync([.. firstByKey.Values.Select(v => RawOrders.ExpectedOrderId(v.Order, v.EntryId))]);
        Assert.True(report.AllPassed, report.ToString());

        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var strangers = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            if (!ContractKeys.Contains(key.ToString()) && key.ToString() != membershipKey)
            {
                strangers.Add(key.ToString());
            }
        }

        Assert.True(strangers.Count == 0, "keys outside the contract: " + string.Join(", ", strangers));
    }
}
