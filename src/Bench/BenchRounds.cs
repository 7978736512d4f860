namespace PopupStore.Bench;

/// <summary>
/// Several rounds of the same measures, run one after another, folded into one table. A shared machine
/// varies by a fifth or more between runs of the same build; a median row per measure, and the lowest and
/// highest ratio any one round gave, keep one lucky or unlucky run from deciding a comparison.
/// </summary>
public static class BenchRounds
{
    /// <summary>The table of per-measure medians, in the first round's order, keeping every round for the JSON.</summary>
    public static BenchReport Fold(BenchScenario scenario, string redisVersion, int cores, IReadOnlyList<IReadOnlyList<BenchRow>> rounds)
    {
        if (rounds.Count == 0)
        {
            throw new ArgumentException("at least one round is needed", nameof(rounds));
        }

        if (rounds.Count == 1)
        {
            return new BenchReport(scenario, redisVersion, cores, rounds[0]);
        }

        var rows = rounds[0]
            .Select(first => Median(rounds.SelectMany(round => round.Where(r => r.Name == first.Name)).ToList()))
            .ToList();
        return new BenchReport(scenario, redisVersion, cores, rows, rounds);
    }

    /// <summary>One row whose every figure is the median of that figure over the rounds that measured it.</summary>
    public static BenchRow Median(IReadOnlyList<BenchRow> rows)
    {
        // A round that could not measure (no Gears) says so for all of them.
        if (rows.FirstOrDefault(r => r.Note is not null) is { } unmeasured)
        {
            return unmeasured;
        }

        double? M(Func<BenchRow, double?> figure) => MedianOf(rows.Select(figure));
        long? L(Func<BenchRow, long?> figure) => MedianOf(rows.Select(r => (double?)figure(r))) is { } v ? (long)Math.Round(v) : null;
        var memory = rows.Where(r => r.PeakMemoryMiB is { Count: > 0 }).Select(r => r.PeakMemoryMiB!).ToList();
        var shares = rows.Where(r => r.PurchaseSiloCpuSharePercent is { Count: > 0 }).Select(r => r.PurchaseSiloCpuSharePercent!).ToList();
        return new BenchRow(
            rows[0].Name,
            M(r => r.OrdersPerSecond) ?? 0,
            L(r => r.P50),
            L(r => r.P99),
            L(r => r.Max),
            M(r => r.SellOutAfterArrivalSeconds),
            M(r => r.PurchaseOrdersPerSecond),
            M(r => r.SteadyOrdersPerSecond),
            L(r => r.SteadyP50),
            L(r => r.SteadyP99),
            L(r => r.SteadyMax),
            // The peak of any round, silo by silo: memory is a limit to stay under, not a typical value.
            memory.Count == 0 ? null : [.. Enumerable.Range(0, memory.Min(m => m.Count)).Select(i => memory.Max(m => m[i]))],
            M(r => r.MiBPer100kBuyers),
            M(r => r.SiloCpuMicrosecondsPerOrder),
            rows.All(r => r.Passed),
            M(r => r.RedisCpuMicrosecondsPerOrder),
            null,
            M(r => r.PurchaseRedisCpuMicrosecondsPerOrder),
            M(r => r.PurchaseClientCpuMicrosecondsPerOrder),
            M(r => r.PurchaseSiloCpuMicrosecondsPerOrder),
            // Busiest first in every round: the median of each rank (the busiest silo's share, the next one's...).
            shares.Count == 0 ? null : [.. Enumerable.Range(0, shares.Min(s => s.Count)).Select(i => MedianOf(shares.Select(s => (double?)s[i]))!.Value)],
            M(r => r.SteadyGcPauseLongestMs),
            M(r => r.SteadyGcPausedPercent))
        {
            ScriptMicrosecondsPerOrder = M(r => r.ScriptMicrosecondsPerOrder),
            PurchaseReplicaCpuMicrosecondsPerOrder = M(r => r.PurchaseReplicaCpuMicrosecondsPerOrder),
            FirstComePercent = rows.Select(r => r.FirstComePercent).Min(),
            LatestBuyerRank = rows.Select(r => r.LatestBuyerRank).Max(),
        };
    }

    /// <summary>For every ratio of the table, the lowest and the highest one round gave on its own.</summary>
    public static IReadOnlyDictionary<string, (double Low, double High)> RatioRanges(BenchReport report)
    {
        var ranges = new Dictionary<string, (double Low, double High)>();
        foreach (var round in report.Rounds ?? [])
        {
            foreach (var (name, ratio) in (report with { Rows = round, Rounds = null }).Ratios)
            {
                if (ratio is not { } value)
                {
                    continue;
                }

                ranges[name] = ranges.TryGetValue(name, out var range)
                    ? (Math.Min(range.Low, value), Math.Max(range.High, value))
                    : (value, value);
            }
        }

        return ranges;
    }

    private static double? MedianOf(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
