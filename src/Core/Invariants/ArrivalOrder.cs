using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Core.Invariants;

/// <summary>
/// How far a sale's units went by arrival (first come, first served), judged from the outcome streams after the sale.
/// A customer arrives with their first order that could have bought (answered complete, duplicate or sold-out: an
/// invalid or closed order could not), by its queue:orders entry id; customers are ranked by that arrival. With U
/// units sold, the share is the fraction of them sold to customers ranked U or better: 1.0 when the units went
/// strictly by arrival.
/// </summary>
public static class ArrivalOrder
{
    /// <summary>The share the page and docs promise, where they promise it.</summary>
    public const double Promised = 0.999;

    public static async Task<ArrivalOrderReport> MeasureAsync(IConnectionMultiplexer redis) =>
        Measure(await new OutcomeReader(redis).ReadAllAsync());

    public static ArrivalOrderReport Measure(IEnumerable<AnsweredOrder> answers)
    {
        var firstArrival = new Dictionary<string, (ulong Ms, ulong Seq)>(StringComparer.Ordinal);
        var buyers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var answer in answers)
        {
            if (answer.Result is OrderResult.Invalid or OrderResult.Closed
                || !StreamIds.TryParse(answer.OrderEntryId, out var ms, out var seq))
            {
                continue;
            }

            if (answer.Result == OrderResult.Complete)
            {
                buyers.Add(answer.CustomerId);
            }

            if (!firstArrival.TryGetValue(answer.CustomerId, out var known) || (ms, seq).CompareTo(known) < 0)
            {
                firstArrival[answer.CustomerId] = (ms, seq);
            }
        }

        var units = buyers.Count;
        var ranked = firstArrival.OrderBy(c => c.Value).Select(c => c.Key).ToList();
        var latestRank = 0;
        var inTime = 0;
        for (var rank = 1; rank <= ranked.Count; rank++)
        {
            if (!buyers.Contains(ranked[rank - 1]))
            {
                continue;
            }

            latestRank = rank;
            if (rank <= units)
            {
                inTime++;
            }
        }

        return new ArrivalOrderReport(units, ranked.Count, inTime, latestRank);
    }
}
