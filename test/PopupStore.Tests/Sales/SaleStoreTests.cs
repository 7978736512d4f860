using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.Sales;

public sealed class SaleStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly SaleStore _sales = new(redis.Redis);

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Starting_twice_keeps_the_first_sale_and_its_progress()
    {
        var first = await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        await new OrderCompleter(redis.Redis).CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));

        var second = await _sales.StartAsync(500, TimeSpan.FromMinutes(1), force: false);

        Assert.True(first.Started);
        Assert.False(second.Started);
        Assert.Equal(10, second.Units);
        Assert.Equal(first.OpensAt, second.OpensAt);
        Assert.Equal(9, (long)await redis.Database.StringGetAsync(RedisKeys.Product));
        Assert.Equal(1, await redis.Database.StreamLengthAsync(RedisKeys.Complete));
    }

    [Fact]
    public async Task A_forced_start_replaces_the_sale_and_clears_its_outcomes()
    {
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        await new OrderCompleter(redis.Redis).CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));

        var forced = await _sales.StartAsync(20, TimeSpan.FromMinutes(5), force: true);

        Assert.True(forced.Started);
        Assert.Equal(20, (long)await redis.Database.StringGetAsync(RedisKeys.Product));
        Assert.Equal(0, await redis.Database.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await redis.Database.HashLengthAsync(RedisKeys.Buyers));
        Assert.Equal(TimeSpan.FromMinutes(5), forced.Duration);
    }

    [Fact]
    public async Task Status_reports_units_sold_rejections_and_time_left()
    {
        await _sales.StartAsync(2, TimeSpan.FromMinutes(10), force: false);
        var completer = new OrderCompleter(redis.Redis);
        await completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));
        await completer.CompleteAsync(new OrderRequest("o2", "c1", string.Empty, Arrivals.Now(2)));
        await completer.CompleteAsync(new OrderRequest("o3", "c3", string.Empty, Arrivals.Now(3), "missing customer id"));

        var status = await _sales.GetStatusAsync();

        Assert.True(status.Exists);
        Assert.Equal("open", status.State);
        Assert.Equal(2, status.Units);
        Assert.Equal(1, status.Available);
        Assert.Equal(1, status.Sold);
        Assert.Equal(1, status.Rejected["duplicate"]);
        Assert.Equal(1, status.Rejected["invalid"]);
        Assert.InRange(status.TimeLeft, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Without_a_sale_status_says_so()
    {
        var status = await _sales.GetStatusAsync();

        Assert.False(status.Exists);
        Assert.Equal("none", status.State);
        Assert.Equal(TimeSpan.Zero, status.TimeLeft);
    }

    [Fact]
    public async Task A_new_sale_starts_from_clean_counts_even_without_force()
    {
        var completer = new OrderCompleter(redis.Redis);
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        await _sales.ResetAsync();
        // Answered between the reset and the next start: no sale exists, so it is closed, and not the new sale's.
        await completer.CompleteAsync(new OrderRequest("between", "c1", string.Empty, Arrivals.Now(1)));
        Assert.Equal(1, await redis.Database.StreamLengthAsync(RedisKeys.Rejected));

        var started = await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        var status = await _sales.GetStatusAsync();

        Assert.True(started.Started);
        Assert.Equal(0, status.RejectedTotal);
        Assert.Equal(0, await redis.Database.StreamLengthAsync(RedisKeys.Rejected));
        Assert.False(await redis.Database.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "between")));
    }

    [Fact]
    public async Task Every_new_sale_has_a_new_generation_and_a_reset_never_reuses_one()
    {
        Assert.Equal(0, await CurrentGenerationAsync());
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        var first = await CurrentGenerationAsync();
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        Assert.Equal(first, await CurrentGenerationAsync());

        await _sales.ResetAsync();
        Assert.Equal(0, await CurrentGenerationAsync());
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        var afterReset = await CurrentGenerationAsync();
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: true);

        Assert.True(afterReset > first);
        Assert.True(await CurrentGenerationAsync() > afterReset);
    }

    [Fact]
    public async Task Starting_over_a_closed_or_expired_sale_keeps_it_and_says_it_is_over()
    {
        await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        await _sales.CloseAsync();
        var overClosed = await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);

        await _sales.StartAsync(10, TimeSpan.FromMilliseconds(20), force: true);
        await Task.Delay(50);
        var overExpired = await _sales.StartAsync(10, TimeSpan.FromMilliseconds(20), force: false);
        var open = await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: true);

        Assert.True(overClosed is { Started: false, IsOver: true, ExplicitlyClosed: true });
        Assert.NotNull(overClosed.ClosedAt);
        Assert.True(overExpired is { Started: false, IsOver: true, ExplicitlyClosed: false });
        Assert.False(open.IsOver);
        Assert.False((await _sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false)).IsOver);
    }

    /// <summary>The generation of the sale Redis holds now (0: none), as every read of the pollers sees it.</summary>
    private async Task<long> CurrentGenerationAsync() =>
        (long?)await redis.Database.HashGetAsync(RedisKeys.Sale, "generation") ?? 0;
}
