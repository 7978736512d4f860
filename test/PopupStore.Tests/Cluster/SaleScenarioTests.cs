using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.GrainDirectory;
using Orleans.Runtime.GrainDirectory;
using Orleans.TestingHost;
using PopupStore.Core.Orders;
using PopupStore.Grains.Placement;
using PopupStore.Core.Redis;
using PopupStore.LoadClient.Load;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Cluster;

/// <summary>Whole sales on three real silos with Redis membership; each ends with the invariant check.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SaleScenarioTests(ClusterFixture cluster) : IAsyncLifetime
{
    private IDatabase Db => cluster.Database;

    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_crowd_of_30000_buyers_with_duplicates_buys_exactly_the_10000_units()
    {
        await cluster.Sales.StartAsync(10_000, TimeSpan.FromMinutes(10), force: false);
        var output = new StringWriter();

        var answersInCalls = 0;
        long answersWhenIn = 0;
        var report = await RunCommand.ExecuteAsync(
            cluster.Redis,
            new LoadSettings(30_000, 0.1, null, 0, 0, TimeSpan.FromMinutes(4), Seed: 7),
            output,
            CancellationToken.None,
            answersIn: async () =>
            {
                answersInCalls++;
                answersWhenIn = await Db.StreamLengthAsync(RedisKeys.Complete) + await Db.StreamLengthAsync(RedisKeys.Rejected);
            });

        Assert.True(report.Passed, output.ToString());
        // The benchmark takes its CPU figures at this call: once, with every order already answered.
        Assert.Equal(1, answersInCalls);
        Assert.True(answersWhenIn >= report.OrdersWritten, $"{answersWhenIn} answers when called, {report.OrdersWritten} orders");
        Assert.Equal(10_000, report.Completed);
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(report.OrdersWritten, report.Completed + report.Rejected.Values.Sum());
        Assert.True(report.OrdersWritten > 30_000, "some buyers must have ordered more than once");
        Assert.True(report.Rejected["duplicate"] > 0);
        Assert.Equal(10_000, await Db.HashLengthAsync(RedisKeys.Buyers));
        var completed = await Db.StreamRangeAsync(RedisKeys.Complete);
        Assert.Equal(10_000, completed.Select(e => (string?)e["customer"]).Distinct().Count());
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis);
    }

    [Fact]
    public async Task A_customer_grain_that_saw_its_customer_buy_answers_the_next_order_duplicate_by_itself()
    {
        await cluster.Sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        using var lifecycle = new GrainLifecycleRecorder(grain => grain.ToString().EndsWith("/grain-keeper", StringComparison.Ordinal));
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "grain-first"), new("customer", "grain-keeper")]);
        Assert.Equal("complete", (await Outcomes.WaitForAsync(cluster.Redis, ["grain-first"], TimeSpan.FromSeconds(30)))["grain-first"]);
        // The grain learns the purchase from its silo's ledger, written after the script answered and before the
        // poller acknowledges the order: the outcome in Redis can be a moment ahead of it.
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));

        // The grain that let the purchase through has left: the one that meets the next order is a new activation,
        // which knows of the purchase only through its silo's ledger.
        for (var wait = 0; lifecycle.Deactivated.IsEmpty && wait < 200; wait++)
        {
            await Task.Delay(50);
        }

        Assert.Single(lifecycle.Deactivated);

        // The new activation marks the order as bought from the ledger; the script confirms it in sale:buyers (a
        // grain's word alone never makes a duplicate: it can be misled, sale:buyers cannot).
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "grain-second"), new("customer", "grain-keeper")]);
        var second = await Outcomes.WaitForAsync(cluster.Redis, ["grain-second"], TimeSpan.FromSeconds(30));

        Assert.Equal("duplicate", second["grain-second"]);
        Assert.Equal(2, lifecycle.Activated.Count);
        Assert.Equal(9, (long)await Db.StringGetAsync(RedisKeys.Product));
        var rejected = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Rejected));
        Assert.Equal("customer already bought with order grain-first", (string?)rejected["detail"]);
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, ["grain-first", "grain-second"]);
    }

    [Fact]
    public async Task Customer_grains_live_on_the_silo_their_ring_names_and_leave_once_their_order_is_answered()
    {
        await cluster.Sales.StartAsync(1_000, TimeSpan.FromMinutes(10), force: false);
        var management = cluster.Cluster.Client.GetGrain<IManagementGrain>(0);
        var ring = new CustomerRing((await management.GetHosts(onlyActive: true)).Keys);
        var directories = cluster.Cluster.Silos.OfType<InProcessSiloHandle>().ToDictionary(
            s => s.SiloAddress,
            s => Assert.IsType<LocalCustomerDirectory>(s.SiloHost.Services.GetRequiredKeyedService<IGrainDirectory>(LocalCustomerDirectory.Name)));
        Assert.Equal(ClusterFixture.Silos, directories.Count);
        Assert.All(cluster.Cluster.Silos.OfType<InProcessSiloHandle>(), s =>
            Assert.IsType<UncachedCustomerAddresses>(s.SiloHost.Services.GetRequiredService<IGrainDirectoryCache>()));

        // Where each activation's directory entry is as it activates: on its own silo, in that silo's customer
        // directory, and nowhere else.
        var entriesElsewhere = new ConcurrentQueue<string>();
        using var lifecycle = new GrainLifecycleRecorder(
            grain => grain.ToString().Contains("owner-placed-", StringComparison.Ordinal),
            (grain, silo) =>
            {
                foreach (var (other, directory) in directories)
                {
                    var entry = directory.Lookup(grain).Result;
                    if (other.Equals(silo) != (entry is not null))
                    {
                        entriesElsewhere.Enqueue($"{grain} on {silo}: entry on {other} is {entry}");
                    }
                }
            });

        var orders = Enumerable.Range(0, 300).Select(i => $"placed-{i}").ToList();
        foreach (var order in orders)
        {
            await Db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", "owner-" + order)]);
        }

        Assert.Equal(300, (await Outcomes.WaitForAsync(cluster.Redis, orders, TimeSpan.FromSeconds(60))).Count);
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));

        var activated = lifecycle.Activated.ToList();
        Assert.Equal(300, activated.Select(a => a.Grain).Distinct().Count());
        Assert.All(activated, a => Assert.Equal(ring.OwnerOf(a.Grain), a.Silo));
        Assert.Equal(ClusterFixture.Silos, activated.Select(a => a.Silo).Distinct().Count());
        Assert.Empty(entriesElsewhere);

        // Nothing waits on a stream order's grain once it is answered: every one leaves at its own request, its
        // directory entry with it (the silos' ledgers keep what they knew).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (lifecycle.Deactivated.Count < activated.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var deactivated = lifecycle.Deactivated.ToList();
        Assert.Equal(activated.Select(a => (a.Grain, a.Silo)).Order(), deactivated.Select(d => (d.Grain, d.Silo)).Order());
        Assert.All(deactivated, d => Assert.Equal(DeactivationReasonCode.ApplicationRequested, d.Reason));
        var statistics = await management.GetDetailedGrainStatistics();
        Assert.DoesNotContain(statistics, g => g.GrainId.ToString().Contains("owner-placed-", StringComparison.Ordinal));
        foreach (var (grain, _) in activated)
        {
            foreach (var directory in directories.Values)
            {
                Assert.Null(await directory.Lookup(grain));
            }
        }

        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, orders);
    }

    [Fact]
    public async Task Customers_ordering_twice_at_the_same_moment_never_get_two_units()
    {
        await cluster.Sales.StartAsync(300, TimeSpan.FromMinutes(10), force: false);
        const int customers = 500;
        var batch = Db.CreateBatch();
        var writes = new List<Task>();
        var orderIds = new List<string>();
        for (var c = 0; c < customers; c++)
        {
            for (var k = 0; k < 2; k++)
            {
                var order = $"twice-{c}-{k}";
                orderIds.Add(order);
                writes.Add(batch.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", $"twin-{c}")]));
            }
        }

        batch.Execute();
        await Task.WhenAll(writes);
        var outcomes = await Outcomes.WaitForAsync(cluster.Redis, orderIds, TimeSpan.FromSeconds(60));
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(orderIds.Count, outcomes.Count);
        for (var c = 0; c < customers; c++)
        {
            var pair = new[] { outcomes[$"twice-{c}-0"], outcomes[$"twice-{c}-1"] };
            Assert.True(pair.Count(o => o == "complete") <= 1, $"customer twin-{c} got two units");
            if (pair.Contains("complete"))
            {
                Assert.Contains(pair, o => o is "duplicate" or "sold-out");
            }
            else
            {
                Assert.All(pair, o => Assert.Equal("sold-out", o));
            }
        }

        Assert.Equal(300, outcomes.Values.Count(o => o == "complete"));
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, orderIds);
    }

    [Fact]
    public async Task Orders_before_the_sale_starts_and_after_it_ends_are_answered_closed()
    {
        var early = Enumerable.Range(0, 20).Select(i => $"early-{i}").ToList();
        foreach (var id in early)
        {
            await Db.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", "c-" + id)]);
        }

        var earlyOutcomes = await Outcomes.WaitForAsync(cluster.Redis, early, TimeSpan.FromSeconds(30));
        Assert.Equal(20, earlyOutcomes.Count);
        Assert.All(earlyOutcomes.Values, o => Assert.Equal("closed", o));

        await cluster.Sales.StartAsync(10, TimeSpan.FromSeconds(1), force: false);
        // Those answers were given while no sale existed: the new sale starts from clean counts.
        Assert.Equal(0, (await cluster.Sales.GetStatusAsync()).RejectedTotal);
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Rejected));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var late = Enumerable.Range(0, 20).Select(i => $"late-{i}").ToList();
        foreach (var id in late)
        {
            await Db.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", "c-" + id)]);
        }

        var lateOutcomes = await Outcomes.WaitForAsync(cluster.Redis, late, TimeSpan.FromSeconds(30));
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(20, lateOutcomes.Count);
        Assert.All(lateOutcomes.Values, o => Assert.Equal("closed", o));
        Assert.Equal(10, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal("closed", (await cluster.Sales.GetStatusAsync()).State);
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, late);
    }

    [Fact]
    public async Task Malformed_entries_are_answered_invalid_and_the_orders_around_them_go_on()
    {
        await cluster.Sales.StartAsync(1000, TimeSpan.FromMinutes(10), force: false);
        var good = new List<string>();
        var invalidKeys = new List<string>();
        var megabyte = new string('m', 1024 * 1024);
        NameValueEntry[][] broken =
        [
            [new("customer", "no-id")],
            [new("id", "bad-no-customer")],
            [new("id", string.Empty), new("customer", "empty-id")],
            [new("id", "bad-ticket"), new("customer", "x"), new("ticket", "yesterday")],
            [new("id", "bad-utf8"), new("customer", new byte[] { 0xc3, 0x28 })],
            [new("id", megabyte), new("customer", "huge")],
            [new("garbage", "only")],
        ];

        for (var i = 0; i < 50; i++)
        {
            var id = $"fine-{i}";
            good.Add(id);
            await Db.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", $"fine-customer-{i}")]);
            if (i < broken.Length)
            {
                var entryId = (string)(await Db.StreamAddAsync(RedisKeys.Orders, broken[i]))!;
                var hasUsableId = broken[i].Any(f => f.Name == "id" && ((string?)f.Value)?.Length is > 0 and < 300);
                invalidKeys.Add(hasUsableId ? (string)broken[i].First(f => f.Name == "id").Value! : entryId);
            }
        }

        var outcomes = await Outcomes.WaitForAsync(cluster.Redis, [.. good, .. invalidKeys], TimeSpan.FromSeconds(60));
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));

        Assert.All(good, id => Assert.Equal("complete", outcomes[id]));
        Assert.All(invalidKeys, id => Assert.Equal("invalid", outcomes[id]));
        var rejected = await Db.StreamRangeAsync(RedisKeys.Rejected);
        Assert.Equal(broken.Length, rejected.Length);
        Assert.All(rejected, r => Assert.False(string.IsNullOrEmpty((string?)r["detail"])));
        Assert.DoesNotContain(rejected, r => ((string?)r["order"])!.Length > 1000);
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, [.. good, .. invalidKeys]);
    }

    [Fact]
    public async Task An_entry_read_again_from_the_pending_list_gets_one_outcome()
    {
        await cluster.Sales.StartAsync(5, TimeSpan.FromMinutes(10), force: false);

        // A consumer "ghost" takes two orders atomically (no poller can get them first), answers the
        // first and dies before acknowledging either: both stay in its pending list.
        var answered = await TakeAsGhostAsync("twice-read", "ghost-customer-1");
        var unanswered = await TakeAsGhostAsync("never-read", "ghost-customer-2");
        var first = await new OrderCompleter(cluster.Redis).CompleteAsync(OrderEntryParser.Parse(answered));
        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), first);
        Assert.Equal(2, (await Db.StreamPendingAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup)).PendingMessageCount);

        await cluster.WaitUntilDrainedAsync(ClusterFixture.ClaimIdleTime + TimeSpan.FromSeconds(20));
        var outcomes = await Outcomes.WaitForAsync(cluster.Redis, ["twice-read", "never-read"], TimeSpan.FromSeconds(5));

        Assert.Equal("complete", outcomes["twice-read"]);
        Assert.Equal("complete", outcomes["never-read"]);
        Assert.Equal(2, await Db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(2, (long)await Db.HashGetAsync(RedisKeys.Counts, "completed"));
        Assert.Equal(3, (long)await Db.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, ["twice-read", "never-read"]);
    }

    [Fact]
    public async Task Orders_from_any_producer_that_follows_the_contract_are_processed()
    {
        await cluster.Sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        var ticket = (string)(await Db.ExecuteAsync("XADD", "queue:customers", "*", "id", "kiosk-7"))!;

        await Db.ExecuteAsync("XADD", "queue:orders", "*", "id", "kiosk-order-1", "customer", "kiosk-7", "ticket", ticket, "channel", "kiosk");
        var outcomes = await Outcomes.WaitForAsync(cluster.Redis, ["kiosk-order-1"], TimeSpan.FromSeconds(30));
        await cluster.WaitUntilDrainedAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("complete", outcomes["kiosk-order-1"]);
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Customers));
        Assert.Equal(9, (long)await Db.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis, ["kiosk-order-1"]);
    }

    private async Task<StreamEntry> TakeAsGhostAsync(string orderId, string customer)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.StreamAddAsync(RedisKeys.Orders, [new("id", orderId), new("customer", customer)]);
        var read = transaction.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "ghost", StreamPosition.NewMessages, 1);
        Assert.True(await transaction.ExecuteAsync());
        return Assert.Single(await read);
    }
}
