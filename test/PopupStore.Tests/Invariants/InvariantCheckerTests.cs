using PopupStore.Testing;
using PopupStore.Core.Invariants;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Invariants;

/// <summary>
/// The checker that decides every scenario test, shown to fail: a sale answered by the real completion
/// script passes, then each violation is set up in Redis the way a bug would leave it, and exactly the
/// invariants it breaks must fail.
/// </summary>
public sealed class InvariantCheckerTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string Stock = InvariantChecker.StockNeverBelowZero;
    private const string Units = InvariantChecker.UnitsMatchCompleted;
    private const string Customers = InvariantChecker.OneUnitPerCustomer;
    private const string Duplicates = InvariantChecker.DuplicatesNameBuyers;
    private const string Outcomes = InvariantChecker.ExactlyOneOutcome;
    private const string Bookkeeping = InvariantChecker.BookkeepingAgrees;
    private const string Drained = InvariantChecker.Drained;

    private IDatabase Db => redis.Database;

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// 3 units; c1..c5 order once (3 complete, 2 sold-out), c1 orders again (duplicate). Every order goes
    /// through queue:orders and the group, like a poller would take it, and is acknowledged after its outcome.
    /// </summary>
    private async Task<List<string>> HonestSaleAsync()
    {
        await new SaleStore(redis.Redis).StartAsync(3, TimeSpan.FromMinutes(5), force: false);
        List<(string Order, string Customer)> orders = [("o1", "c1"), ("o2", "c2"), ("o3", "c3"), ("o4", "c4"), ("o5", "c5"), ("o6", "c1")];
        foreach (var (order, customer) in orders)
        {
            await Db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", customer)]);
        }

        var queue = new OrderQueue(redis.Redis);
        var batch = await queue.ReadNewAsync("checker-test", 100);
        var requests = batch.Entries.Select(e => OrderEntryParser.Parse(e, batch.Generation)).ToList();
        var outcomes = await new OrderCompleter(redis.Redis).CompleteManyAsync(requests);
        Assert.Equal(
            [OrderResult.Complete, OrderResult.Complete, OrderResult.Complete, OrderResult.SoldOut, OrderResult.SoldOut, OrderResult.Duplicate],
            outcomes.Select(o => o!.Value.Result));
        await queue.AcknowledgeAsync([.. batch.Entries.Select(e => e.Id)]);
        return [.. orders.Select(o => o.Order)];
    }

    private async Task<InvariantReport> CheckAsync(IReadOnlyCollection<string>? written = null, bool expectDrained = true) =>
        await new InvariantChecker(redis.Redis).CheckAsync(written, expectDrained);

    private static void AssertFailsExactly(InvariantReport report, params string[] failing)
    {
        Assert.False(report.AllPassed, report.ToString());
        Assert.Equal(failing.Order(StringComparer.Ordinal), report.Failures.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Contains("FAIL", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_honest_sale_passes_every_invariant()
    {
        var written = await HonestSaleAsync();

        var report = await CheckAsync(written);

        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal([Stock, Units, Customers, Duplicates, Outcomes, Bookkeeping, Drained], report.Results.Select(r => r.Name));
        Assert.Equal("product = 0; lowest from queue:complete = units 3 - 3 sales = 0", report.Results[0].Detail);
        Assert.Equal("units 3 - product 0 = 3; queue:complete 3; sale:buyers 3", report.Results[1].Detail);
        Assert.Equal(
            "3 distinct buyers; 0 customers completed more than once; sale:buyers: 0 buyers missing or naming another order, 0 customers without a sale",
            report.Results[2].Detail);
        Assert.Equal("1 duplicates; 0 of customers not in sale:buyers", report.Results[3].Detail);
        Assert.Equal("6 outcomes; 0 orders answered more than once; 6 written, 0 without an outcome", report.Results[4].Detail);
        Assert.Equal("sale:answered 6: 0 orders missing or with another outcome, 0 without an outcome entry; sale:counts agree", report.Results[5].Detail);
        Assert.Equal("XLEN queue:orders = 0; pending in group popup = 0", report.Results[6].Detail);
        Assert.StartsWith("ok   stock never below zero: product = 0;", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(7, report.ToString().Split(Environment.NewLine).Count(l => l.StartsWith("ok   ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_drain_expected_the_queue_is_not_judged()
    {
        await HonestSaleAsync();
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o7"), new("customer", "c7")]);

        var report = await CheckAsync(expectDrained: false);

        Assert.True(report.AllPassed, report.ToString());
        Assert.DoesNotContain(report.Results, r => r.Name == Drained);
    }

    [Fact]
    public async Task An_oversell_hidden_by_putting_the_stock_back_fails_from_the_history()
    {
        // The seed demo's bug: product is set again when it runs low, so the final value reads fine.
        await HonestSaleAsync();
        await Db.StringSetAsync(RedisKeys.Product, 1);
        Assert.Equal(OrderResult.Complete, (await new OrderCompleter(redis.Redis).CompleteAsync(new("o7", "c7", string.Empty, Arrivals.Now(7)))).Result);
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));

        var report = await CheckAsync();

        AssertFailsExactly(report, Stock, Units);
        var stock = report.Failures.First();
        Assert.StartsWith("product = 0; lowest from queue:complete = units 3 - 4 sales = -1 (below zero from entry ", stock.Detail, StringComparison.Ordinal);
        Assert.EndsWith(", order o7)", stock.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_of_a_customer_who_never_bought_fails()
    {
        // What a reused order id did before orders were keyed by customer: the grain's ledger took another
        // customer's replayed purchase for c9's, and c9's own order was answered duplicate.
        await HonestSaleAsync();
        await Db.StreamAddAsync(RedisKeys.Rejected,
        [
            new("order", "o9"), new("customer", "c9"), new("reason", "duplicate"),
            new("detail", "customer already bought with order o1"), new("entry", Arrivals.Now(9)),
        ]);
        await Db.HashSetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c9", "o9"), "duplicate");
        await Db.HashIncrementAsync(RedisKeys.Counts, "rejected:duplicate");

        var report = await CheckAsync();

        AssertFailsExactly(report, Duplicates);
        Assert.Equal("2 duplicates; 1 of customers not in sale:buyers", report.Failures.Single().Detail);
    }

    [Fact]
    public async Task A_negative_stock_fails()
    {
        await HonestSaleAsync();
        await Db.StringDecrementAsync(RedisKeys.Product);

        AssertFailsExactly(await CheckAsync(), Stock, Units);
    }

    [Fact]
    public async Task A_missing_product_fails()
    {
        await HonestSaleAsync();
        await Db.KeyDeleteAsync(RedisKeys.Product);

        var report = await CheckAsync();

        AssertFailsExactly(report, Stock, Units);
        Assert.Equal("product = (missing); units 3: the stock key is gone", report.Results[0].Detail);
    }

    [Fact]
    public async Task A_product_that_is_not_a_number_fails()
    {
        await HonestSaleAsync();
        await Db.StringSetAsync(RedisKeys.Product, "zero");

        AssertFailsExactly(await CheckAsync(), Stock, Units);
    }

    [Fact]
    public async Task Outcomes_without_a_sale_fail()
    {
        await HonestSaleAsync();
        await Db.HashDeleteAsync(RedisKeys.Sale, "units");

        var report = await CheckAsync();

        AssertFailsExactly(report, Stock, Units);
        Assert.Contains("no sale (sale.units missing)", report.Results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_Redis_fails_the_stock_invariants()
    {
        // Nothing to judge is not a pass: a scenario that lost its sale must not look green.
        AssertFailsExactly(await CheckAsync(), Stock, Units);
    }

    [Fact]
    public async Task A_customer_who_bought_twice_fails()
    {
        await HonestSaleAsync();

        // c1 gets a second unit: the stock and the guard are kept consistent so only the rule itself breaks.
        await Db.HashSetAsync(RedisKeys.Sale, "units", 4);
        await Db.StreamAddAsync(RedisKeys.Complete, [new("order", "o6b"), new("customer", "c1"), new("entry", "1-8")]);
        await Db.HashSetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "o6b"), "complete");
        await Db.HashIncrementAsync(RedisKeys.Counts, "completed");

        var report = await CheckAsync();

        // sale:buyers holds one entry per customer, so it now counts one less than queue:complete too.
        AssertFailsExactly(report, Customers, Units);
        Assert.Equal(
            "3 distinct buyers; 1 customers completed more than once; sale:buyers: 0 buyers missing or naming another order, 0 customers without a sale",
            report.Failures.Single(f => f.Name == Customers).Detail);
    }

    [Fact]
    public async Task A_buyer_guard_naming_another_order_fails()
    {
        await HonestSaleAsync();
        await Db.HashSetAsync(RedisKeys.Buyers, "c2", "o1");

        AssertFailsExactly(await CheckAsync(), Customers);
    }

    [Fact]
    public async Task A_buyer_guard_for_a_customer_who_never_bought_fails()
    {
        await HonestSaleAsync();
        await Db.HashDeleteAsync(RedisKeys.Buyers, "c3");
        await Db.HashSetAsync(RedisKeys.Buyers, "c4", "o4");

        var report = await CheckAsync();

        AssertFailsExactly(report, Customers);
        Assert.EndsWith("1 buyers missing or naming another order, 1 customers without a sale", report.Failures.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_answered_twice_fails()
    {
        await HonestSaleAsync();

        // o4 was sold-out; a second answer for it lands in queue:rejected, counted like any outcome.
        await Db.StreamAddAsync(RedisKeys.Rejected, [new("order", "o4"), new("customer", "c4"), new("reason", "sold-out")]);
        await Db.HashIncrementAsync(RedisKeys.Counts, "rejected:sold-out");

        var report = await CheckAsync();

        AssertFailsExactly(report, Outcomes);
        Assert.StartsWith("7 outcomes; 1 orders answered more than once", report.Failures.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_answered_complete_and_rejected_fails()
    {
        await HonestSaleAsync();
        await Db.StreamAddAsync(RedisKeys.Rejected, [new("order", "o1"), new("customer", "c1"), new("reason", "duplicate")]);
        await Db.HashIncrementAsync(RedisKeys.Counts, "rejected:duplicate");

        AssertFailsExactly(await CheckAsync(), Outcomes);
    }

    [Fact]
    public async Task A_written_order_never_answered_fails()
    {
        var written = await HonestSaleAsync();

        var report = await CheckAsync([.. written, "o-lost"]);

        AssertFailsExactly(report, Outcomes);
        Assert.EndsWith("7 written, 1 without an outcome", report.Failures.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_left_in_the_queue_fails_the_drain()
    {
        await HonestSaleAsync();
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o7"), new("customer", "c7")]);

        var report = await CheckAsync();

        AssertFailsExactly(report, Drained);
        Assert.Equal("XLEN queue:orders = 1; pending in group popup = 0", report.Failures.Single().Detail);
    }

    [Fact]
    public async Task A_pending_entry_fails_the_drain_even_when_the_stream_is_empty()
    {
        // XDEL without XACK: the entry is gone from the stream but still pending in the group.
        await HonestSaleAsync();
        var id = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o7"), new("customer", "c7")]);
        await new OrderQueue(redis.Redis).ReadNewAsync("checker-test", 10);
        await Db.StreamDeleteAsync(RedisKeys.Orders, [id]);

        var report = await CheckAsync();

        AssertFailsExactly(report, Drained);
        Assert.Equal("XLEN queue:orders = 0; pending in group popup = 1", report.Failures.Single().Detail);
    }

    [Fact]
    public async Task A_guard_entry_that_disagrees_with_the_stored_outcome_fails()
    {
        await HonestSaleAsync();
        await Db.HashSetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c4", "o4"), "complete");

        AssertFailsExactly(await CheckAsync(), Bookkeeping);
    }

    [Fact]
    public async Task A_guard_entry_without_an_outcome_entry_fails()
    {
        // The order would be replayed as answered, yet nobody can read its answer.
        await HonestSaleAsync();
        await Db.HashSetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c-ghost", "o-ghost"), "sold-out");

        var report = await CheckAsync();

        AssertFailsExactly(report, Bookkeeping);
        Assert.StartsWith("sale:answered 7: 0 orders missing or with another outcome, 1 without an outcome entry", report.Failures.Single().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outcome_missing_from_the_guard_fails()
    {
        await HonestSaleAsync();
        await Db.HashDeleteAsync(RedisKeys.Answered, RedisKeys.AnswerField("c5", "o5"));

        AssertFailsExactly(await CheckAsync(), Bookkeeping);
    }

    [Fact]
    public async Task Every_wrong_counter_is_named()
    {
        await HonestSaleAsync();
        await Db.HashIncrementAsync(RedisKeys.Counts, "completed");
        await Db.HashDecrementAsync(RedisKeys.Counts, "rejected:duplicate");

        var report = await CheckAsync();

        AssertFailsExactly(report, Bookkeeping);
        Assert.EndsWith("sale:counts completed 4 != 3, rejected:duplicate 0 != 1", report.Failures.Single().Detail, StringComparison.Ordinal);
        Assert.Contains("FAIL sale:answered and sale:counts match the outcomes: ", report.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("completed", "completed 4 != 3")]
    [InlineData("rejected:sold-out", "rejected:sold-out 3 != 2")]
    [InlineData("rejected:duplicate", "rejected:duplicate 2 != 1")]
    [InlineData("rejected:closed", "rejected:closed 1 != 0")]
    [InlineData("rejected:invalid", "rejected:invalid 1 != 0")]
    public async Task A_counter_that_disagrees_with_the_streams_fails(string field, string expected)
    {
        await HonestSaleAsync();
        await Db.HashIncrementAsync(RedisKeys.Counts, field);

        var report = await CheckAsync();

        AssertFailsExactly(report, Bookkeeping);
        Assert.EndsWith("sale:counts " + expected, report.Failures.Single().Detail, StringComparison.Ordinal);
    }
}
