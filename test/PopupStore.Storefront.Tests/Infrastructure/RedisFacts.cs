using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Storefront.Tests.Infrastructure;

/// <summary>What tests read back from Redis to prove what the storefront wrote, or did not write.</summary>
public static class RedisFacts
{
    /// <summary>Entries ever added to queue:orders (XINFO STREAM entries-added, Redis 7): deletions do not hide a write.</summary>
    public static async Task<long> OrdersWrittenAsync(this IDatabase db)
    {
        if (!await db.KeyExistsAsync(RedisKeys.Orders))
        {
            return 0;
        }

        var info = (RedisResult[])(await db.ExecuteAsync("XINFO", "STREAM", RedisKeys.Orders.ToString()))!;
        for (var i = 0; i + 1 < info.Length; i += 2)
        {
            if ((string?)info[i] == "entries-added")
            {
                return (long)info[i + 1];
            }
        }

        throw new InvalidOperationException("XINFO STREAM has no entries-added: these tests need Redis 7.");
    }

    /// <summary>The outcome of a customer's order in sale:answered, where orders are kept by customer and order id.</summary>
    public static async Task<string?> AnsweredAsync(this IDatabase db, string customerId, string orderId) =>
        (string?)await db.HashGetAsync(RedisKeys.Answered, RedisKeys.AnswerField(customerId, orderId));

    public static async Task<string> WaitAnsweredAsync(this IDatabase db, string customerId, string orderId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await db.AnsweredAsync(customerId, orderId) is { } outcome)
            {
                return outcome;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"order {orderId} was not answered within {timeout}");
    }

    /// <summary>Writes an order the way any producer does: a ticket in queue:customers, then the order.</summary>
    public static async Task WriteStreamOrderAsync(this IDatabase db, string customerId, string orderId)
    {
        var ticket = await db.StreamAddAsync(RedisKeys.Customers, "id", customerId);
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", orderId), new("customer", customerId), new("ticket", ticket)]);
    }

    /// <summary>Moves group popup's read position past every entry to come: new orders wait, unread, until <see cref="ResumeReadingAsync"/>.</summary>
    public static Task HoldNewOrdersAsync(this IDatabase db) =>
        db.ExecuteAsync("XGROUP", "SETID", RedisKeys.Orders.ToString(), RedisKeys.ConsumerGroup, "99999999999999-0");

    public static Task ResumeReadingAsync(this IDatabase db) =>
        db.ExecuteAsync("XGROUP", "SETID", RedisKeys.Orders.ToString(), RedisKeys.ConsumerGroup, "0-0");

    /// <summary>Holds every client's writes (scripts included) until <see cref="ResumeWritesAsync"/> or <paramref name="longest"/>.</summary>
    public static Task PauseWritesAsync(this IDatabase db, TimeSpan longest) =>
        db.ExecuteAsync("CLIENT", "PAUSE", ((long)longest.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE");

    public static Task ResumeWritesAsync(this IDatabase db) => db.ExecuteAsync("CLIENT", "UNPAUSE");
}
