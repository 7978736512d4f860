using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// The storefront's side of Redis: takes an order once per order id (<c>sale:web-orders</c>) and finds
/// answers by order id (<c>sale:answered</c>). Outcomes are still written only by the completion script.
/// </summary>
public sealed class WebOrderStore(IConnectionMultiplexer redis)
{
    private static readonly RedisKey[] SubmitKeys = [RedisKeys.WebOrders, RedisKeys.Answered, RedisKeys.Customers, RedisKeys.Orders];

    private IDatabase Database => redis.GetDatabase();

    public async Task<WebOrderSubmission> SubmitAsync(string orderId, string customerId)
    {
        var result = (RedisResult[])(await PopupScripts.SubmitWebOrder.EvaluateAsync(Database, SubmitKeys, [orderId, customerId]))!;
        return (string)result[0]! switch
        {
            "written" => new WebOrderSubmission(WebOrderStatus.Written, EntryId: (string)result[1]!),
            "pending" => new WebOrderSubmission(WebOrderStatus.Pending),
            "answered" => new WebOrderSubmission(
                WebOrderStatus.Answered, OrderResults.FromWire((string)result[1]!), NullIfEmpty((string?)result[2])),
            "conflict" => new WebOrderSubmission(WebOrderStatus.Conflict, Customer: (string)result[1]!),
            var other => throw new InvalidOperationException($"submit_web_order.lua returned '{other}'."),
        };
    }

    public async Task<WebOrderLookup> LookupAsync(string orderId)
    {
        var db = Database;
        var batch = db.CreateBatch();
        var customer = batch.HashGetAsync(RedisKeys.WebOrders, orderId);
        var answer = batch.HashGetAsync(RedisKeys.Answered, orderId);
        batch.Execute();
        await Task.WhenAll(customer, answer);
        return new WebOrderLookup((string?)customer.Result, answer.Result.IsNull ? null : OrderResults.FromWire((string)answer.Result!));
    }

    /// <summary>Records the customer of an order answered without being written to the streams (a known buyer's duplicate).</summary>
    public Task IndexAsync(string orderId, string customerId) =>
        Database.HashSetAsync(RedisKeys.WebOrders, orderId, customerId, When.NotExists);

    /// <summary>Outcomes of many order ids in one round trip; null where not answered yet.</summary>
    public async Task<OrderResult?[]> AnswersAsync(IReadOnlyList<string> orderIds)
    {
        var fields = new RedisValue[orderIds.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = orderIds[i];
        }

        var values = await Database.HashGetAsync(RedisKeys.Answered, fields);
        var results = new OrderResult?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            results[i] = values[i].IsNull ? null : OrderResults.FromWire((string)values[i]!);
        }

        return results;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
