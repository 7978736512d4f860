using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Core.Outcomes;

/// <summary>Reads the outcome streams in pages, from a position on, without blocking Redis on one huge XRANGE.</summary>
public sealed class OutcomeReader(IConnectionMultiplexer redis, int pageSize = 5000)
{
    /// <summary>
    /// Reads queue:complete and queue:rejected entries after the given ids ("0-0" for all). With
    /// <paramref name="confirmedOnly"/>, only the entries a buyer may be told: while answers are durable (the silos
    /// keep <c>sale:confirmed</c>), those dated before it; the rest are read by a later call.
    /// </summary>
    public async Task<(List<AnsweredOrder> Answers, string LastComplete, string LastRejected)> ReadAfterAsync(
        string afterComplete, string afterRejected, bool confirmedOnly = false)
    {
        var end = "+";
        if (confirmedOnly && await redis.GetDatabase().StringGetAsync(RedisKeys.Confirmed) is { IsNull: false } confirmed)
        {
            // "(" makes the end exclusive: an entry dated in the probe's own millisecond may have come after it.
            end = "(" + (string)confirmed! + "-0";
        }

        var answers = new List<AnsweredOrder>();
        var lastComplete = await ReadStreamAsync(RedisKeys.Complete, afterComplete, end, answers, complete: true);
        var lastRejected = await ReadStreamAsync(RedisKeys.Rejected, afterRejected, end, answers, complete: false);
        return (answers, lastComplete, lastRejected);
    }

    public async Task<List<AnsweredOrder>> ReadAllAsync() => (await ReadAfterAsync("0-0", "0-0")).Answers;

    /// <summary>The newest entry id of a stream, so a run can read only what came after it started.</summary>
    public async Task<string> LastIdAsync(RedisKey stream)
    {
        var last = await redis.GetDatabase().StreamRangeAsync(stream, "-", "+", count: 1, messageOrder: Order.Descending);
        return last.Length == 0 ? "0-0" : last[0].Id.ToString();
    }

    private async Task<string> ReadStreamAsync(RedisKey stream, string after, string end, List<AnsweredOrder> into, bool complete)
    {
        var db = redis.GetDatabase();
        var last = after;
        while (true)
        {
            // "(" makes the start exclusive (Redis 6.2+).
            var page = await db.StreamRangeAsync(stream, "(" + last, end, count: pageSize);
            foreach (var entry in page)
            {
                into.Add(ToAnswer(entry, complete));
            }

            if (page.Length == 0)
            {
                return last;
            }

            last = page[^1].Id.ToString();
            if (page.Length < pageSize)
            {
                return last;
            }
        }
    }

    private static AnsweredOrder ToAnswer(StreamEntry entry, bool complete)
    {
        string Field(string name) => (string?)entry[name] ?? string.Empty;
        var result = complete
            ? OrderResult.Complete
            : OrderResults.FromWire(Field("reason") is { Length: > 0 } reason ? reason : "invalid");
        return new AnsweredOrder(Field("order"), Field("customer"), result, Field("entry"), entry.Id.ToString(), Field("detail"));
    }
}
