using PopupStore.Core.Durability;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// Finds what Redis knows of storefront orders, by the order's identity, its customer and its order id
/// (<see cref="RedisKeys.AnswerField"/>): whether the storefront took it (<c>sale:web-orders</c>) and its outcome
/// (<c>sale:answered</c>). Orders are taken and answered only by the completion script. An outcome read here is handed
/// out only once <see cref="AnswerDurability"/> confirms it, like one the script returns.
/// </summary>
public sealed class WebOrderStore(IConnectionMultiplexer redis, AnswerDurability durability)
{
    private IDatabase Database => redis.GetDatabase();

    /// <summary>What Redis knows of this customer's order: whether the storefront took it, and its outcome.</summary>
    public async Task<WebOrderLookup> LookupAsync(string customerId, string orderId)
    {
        var field = RedisKeys.AnswerField(customerId, orderId);
        var taken = Database.HashExistsAsync(RedisKeys.WebOrders, field);
        var answer = await AnswersAsync([field]);
        return new WebOrderLookup(await taken, answer[0]);
    }

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
