using PopupStore.Core.Durability;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// The storefront's side of Redis: takes an order once (<c>sale:web-orders</c>) and finds answers
/// (<c>sale:answered</c>), both by the order's identity, its customer and its order id
/// (<see cref="RedisKeys.AnswerField"/>). Outcomes are still written only by the completion script. An outcome read
/// here is handed out only once <see cref="AnswerDurability"/> confirms it, like one the script returns.
/// </summary>
public sealed class WebOrderStore(IConnectionMultiplexer redis, AnswerDurability durability)
{
    private static readonly RedisKey[] SubmitKeys = [RedisKeys.WebOrders, RedisKeys.Answered, RedisKeys.Customers, RedisKeys.Orders];

    private IDatabase Database => redis.GetDatabase();

    public async Task<WebOrderSubmission> SubmitAsync(string orderId, string customerId)
    {
        var result = (RedisResult[])(await PopupScripts.SubmitWebOrder.EvaluateAsync(Database, SubmitKeys, [orderId, customerId]))!;
        var submission = (string)result[0]! switch
        {
            "written" => new WebOrderSubmission(WebOrderStatus.Written, EntryId: (string)result[1]!),
            "pending" => new WebOrderSubmission(WebOrderStatus.Pending),
            "answered" => new WebOrderSubmission(WebOrderStatus.Answered, OrderResults.FromWire((string)result[1]!)),
            var other => throw new InvalidOperationException($"submit_web_order.lua returned '{other}'."),
        };
        if (submission.Status == WebOrderStatus.Answered)
        {
            await durability.ConfirmAsync((string?)result[2]);
        }

        return submission;
    }

    /// <summary>What Redis knows of this customer's order: whether the storefront took it, and its outcome.</summary>
    public async Task<WebOrderLookup> LookupAsync(string customerId, string orderId)
    {
        var field = RedisKeys.AnswerField(customerId, orderId);
        var taken = Database.HashExistsAsync(RedisKeys.WebOrders, field);
        var answer = await AnswersAsync([field]);
        return new WebOrderLookup(await taken, answer[0]);
    }

    /// <summary>Records an order answered without being written to the streams (a known buyer's duplicate).</summary>
    public Task IndexAsync(string customerId, string orderId) =>
        Database.HashSetAsync(RedisKeys.WebOrders, RedisKeys.AnswerField(customerId, orderId), string.Empty, When.NotExists);

    /// <summary>Outcomes of many orders (fields of <see cref="RedisKeys.AnswerField"/>) in one round trip; null where not answered yet.</summary>
    public async Task<OrderResult?[]> AnswersAsync(IReadOnlyList<string> answerFields)
    {
        var fields = new RedisValue[answerFields.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = answerFields[i];
        }

        RedisValue[] values;
        if (durability.IsOn)
        {
            // Read with the id of the server holding them: only a confirmation on that server confirms them.
            var read = (RedisResult[])(await PopupScripts.ReadAnswers.EvaluateAsync(Database, [RedisKeys.Answered], fields))!;
            values = [.. read.Skip(1).Select(value => (RedisValue)value)];
            if (values.Any(value => !value.IsNull))
            {
                await durability.ConfirmAsync((string?)read[0]);
            }
        }
        else
        {
            values = await Database.HashGetAsync(RedisKeys.Answered, fields);
        }

        var results = new OrderResult?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            results[i] = values[i].IsNull ? null : OrderResults.FromWire((string)values[i]!);
        }

        return results;
    }
}
