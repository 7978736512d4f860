using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Grains.Orders;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.Tests.Orders;

/// <summary>
/// What counts toward MaxDeliveries: the errors come from real Redis servers (7.0 from PATH, 6.2.6 from
/// $REDIS_MODULES_DIR), since the two word a failure inside a script differently.
/// </summary>
public sealed class FailureCauseTests
{
    [Theory]
    [MemberData(nameof(RedisVersions.Both), MemberType = typeof(RedisVersions))]
    public async Task Redis_refusing_writes_inside_the_completion_script_is_not_the_entrys_fault(string version)
    {
        await using var server = await RedisVersions.StartAsync(version);
        await using var redis = await server.ConnectAsync();
        await new SaleStore(redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await redis.GetServer(redis.GetEndPoints()[0]).ConfigSetAsync("maxmemory", "1");

        var error = await Assert.ThrowsAsync<RedisServerException>(() =>
            new OrderCompleter(redis).CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1))));

        Assert.Contains("OOM", error.Message, StringComparison.Ordinal);
        Assert.True(FailureCause.IsOutsideTheEntry(error), error.Message);
        Assert.False(ScriptErrors.IsRuntimeError(error));
        Assert.Equal(version == "6.2" ? "ERR" : "OOM", FailureCause.Name(error));
    }

    [Theory]
    [MemberData(nameof(RedisVersions.Both), MemberType = typeof(RedisVersions))]
    public async Task A_runtime_error_of_a_script_may_be_the_entrys_fault(string version)
    {
        await using var server = await RedisVersions.StartAsync(version);
        await using var redis = await server.ConnectAsync();

        await redis.GetDatabase().StringSetAsync("not-a-number", "abc");

        var error = await Assert.ThrowsAsync<RedisServerException>(() =>
            redis.GetDatabase().ScriptEvaluateAsync("return redis.call('INCR', KEYS[1])", ["not-a-number"]));

        Assert.True(ScriptErrors.IsRuntimeError(error), error.Message);
        Assert.False(FailureCause.IsOutsideTheEntry(error), error.Message);
    }

    [Fact]
    public void Cluster_failures_and_a_changed_sale_are_not_the_entrys_fault_but_a_bug_is()
    {
        Assert.True(FailureCause.IsOutsideTheEntry(new TimeoutException()));
        Assert.True(FailureCause.IsOutsideTheEntry(new SaleChangedException()));
        Assert.True(FailureCause.IsOutsideTheEntry(new SiloUnavailableException()));
        Assert.True(FailureCause.IsOutsideTheEntry(new OperationCanceledException()));
        Assert.True(FailureCause.IsOutsideTheEntry(new TaskCanceledException()));
        Assert.False(FailureCause.IsOutsideTheEntry(new InvalidOperationException("a bug one entry triggers")));
        Assert.False(FailureCause.IsOutsideTheEntry(new FormatException()));
    }

    [Fact]
    public void An_order_waiting_behind_earlier_arrivals_is_queued_however_it_comes_back()
    {
        Assert.True(FailureCause.IsQueued(new OrderQueuedException()));
        Assert.True(FailureCause.IsQueued(new AggregateException(new OrderQueuedException())));
        Assert.True(FailureCause.IsQueued(new RoutedOrderException(nameof(OrderQueuedException), "waits", outsideTheEntry: true)));
        Assert.False(FailureCause.IsQueued(new RoutedOrderException(nameof(TimeoutException), "slow", outsideTheEntry: true)));
        Assert.False(FailureCause.IsQueued(new SaleChangedException()));
        Assert.False(FailureCause.IsQueued(new TimeoutException()));
    }
}
