using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Sales;

/// <summary>Starts, reads and resets the sale kept in Redis (<c>sale</c>, <c>product</c>, <c>sale:counts</c>).</summary>
public sealed class SaleStore(IConnectionMultiplexer redis)
{
    private IDatabase Database => redis.GetDatabase();

    public async Task<SaleStartResult> StartAsync(long units, TimeSpan duration, bool force)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A sale lasts longer than zero.");
        }

        RedisKey[] keys = [RedisKeys.Sale, RedisKeys.Product, RedisKeys.Generation, .. RedisKeys.Outcomes, .. RedisKeys.Queues];
        var result = (RedisResult[])(await PopupScripts.StartSale.EvaluateAsync(
            Database, keys, [units, (long)duration.TotalMilliseconds, force ? "1" : "0", RedisKeys.Outcomes.Length]))!;

        // The group goes with queue:orders on a forced start; pollers also recreate it on NOGROUP.
        await new OrderQueue(redis).EnsureGroupAsync();
        var closedAt = (string?)result[5];
        return new SaleStartResult((string)result[0]! == "started", (long)result[1], (long)result[2], (long)result[3])
        {
            ExplicitlyClosed = (string?)result[4] == "closed",
            ClosedAt = long.TryParse(closedAt, out var at) ? at : null,
            Now = (long)result[6],
        };
    }

    /// <summary>Deletes the sale and everything it produced. Only an explicit operator action calls this.</summary>
    public async Task ResetAsync()
    {
        await Database.KeyDeleteAsync([RedisKeys.Sale, RedisKeys.Product, .. RedisKeys.SaleData]);
        await new OrderQueue(redis).EnsureGroupAsync();
    }

    /// <summary>
    /// Ends the sale now: orders that arrive from this instant on are answered <c>closed</c>, orders that
    /// arrived before it are still decided on stock. Returns when it closed (the first close, if it was
    /// closed before), or null when there is no sale.
    /// </summary>
    public async Task<long?> CloseAsync()
    {
        var result = (RedisResult[])(await PopupScripts.CloseSale.EvaluateAsync(
            Database, [RedisKeys.Sale, RedisKeys.Orders], ["now", RedisKeys.ConsumerGroup]))!;
        return long.TryParse((string?)result[1], out var at) ? at : null;
    }

    /// <summary>
    /// Once the window is over, fences queue:orders at its end (see close_sale.lua); a no-op before that
    /// and after the first time. True when the sale's window is over and fenced.
    /// </summary>
    public async Task<bool> FenceIfOverAsync()
    {
        var result = (RedisResult[])(await PopupScripts.CloseSale.EvaluateAsync(
            Database, [RedisKeys.Sale, RedisKeys.Orders], ["expired", RedisKeys.ConsumerGroup]))!;
        return (string?)result[0] == "fenced";
    }

    public async Task<SaleStatus> GetStatusAsync()
    {
        var db = Database;
        var batch = db.CreateBatch();
        var sale = batch.HashGetAllAsync(RedisKeys.Sale);
        var product = batch.StringGetAsync(RedisKeys.Product);
        var counts = batch.HashGetAllAsync(RedisKeys.Counts);
        var orders = batch.StreamLengthAsync(RedisKeys.Orders);
        var customers = batch.StreamLengthAsync(RedisKeys.Customers);
        var time = batch.ExecuteAsync("TIME");
        batch.Execute();
        await Task.WhenAll(sale, product, counts, orders, customers, time);
        var pending = await new OrderQueue(redis).PendingCountAsync();

        var fields = sale.Result.ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        var now = RedisClock.Milliseconds(time.Result);
        var counters = counts.Result.ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        var rejected = OrderResults.RejectionReasons.ToDictionary(
            reason => reason, reason => counters.GetValueOrDefault("rejected:" + reason));

        return new SaleStatus(
            Exists: fields.ContainsKey("units"),
            Units: ParseLong(fields.GetValueOrDefault("units")),
            Available: product.Result.IsNull ? 0 : (long)product.Result,
            Sold: counters.GetValueOrDefault("completed"),
            Rejected: rejected,
            OpensAt: ParseLong(fields.GetValueOrDefault("opens")),
            ClosesAt: ParseLong(fields.GetValueOrDefault("closes")),
            Now: now,
            OrdersWaiting: orders.Result,
            CustomersWaiting: customers.Result,
            Pending: pending)
        {
            ExplicitlyClosed = fields.GetValueOrDefault("state") == "closed",
        };
    }

    private static long ParseLong(string? value) => long.TryParse(value, out var parsed) ? parsed : 0;
}
