using System.Globalization;

namespace PopupStore.Bench;

/// <summary>
/// The benchmark's table and ratios, as printed and as JSON. With several rounds, <see cref="Rows"/> holds each
/// measure's medians and <see cref="Rounds"/> every round as measured.
/// </summary>
public sealed record BenchReport(
    BenchScenario Scenario, string RedisVersion, int Cores, IReadOnlyList<BenchRow> Rows,
    IReadOnlyList<IReadOnlyList<BenchRow>>? Rounds = null)
{
    public double? Ratio(string numerator, string denominator)
    {
        var top = Rows.FirstOrDefault(r => r.Name == numerator)?.OrdersPerSecond;
        var bottom = Rows.FirstOrDefault(r => r.Name == denominator)?.OrdersPerSecond;
        return top is { } t && bottom is > 0 ? Math.Round(t / bottom.Value, 3) : null;
    }

    private const string SeedGears = "seed-gears";

    public double? PurchaseRatio(string numerator, string denominator)
    {
        var top = Rows.FirstOrDefault(r => r.Name == numerator)?.PurchaseOrdersPerSecond;
        var bottom = Rows.FirstOrDefault(r => r.Name == denominator)?.PurchaseOrdersPerSecond;
        return top is { } t && bottom is > 0 ? Math.Round(t / bottom.Value, 3) : null;
    }

    /// <summary>The best limit measured (per-order or batched calls): ratios are taken against the stricter one.</summary>
    public string? BestLimit => Rows.Where(r => r.Name.StartsWith("limit", StringComparison.Ordinal))
        .OrderByDescending(r => r.OrdersPerSecond).FirstOrDefault()?.Name;

    public IReadOnlyDictionary<string, double?> Ratios
    {
        get
        {
            var ratios = new Dictionary<string, double?>();
            foreach (var row in Rows.Where(r => r.Name.StartsWith("cluster", StringComparison.Ordinal) || r.Name == "direct"))
            {
                if (BestLimit is { } limit)
                {
                    ratios[$"{row.Name}/{limit}"] = Ratio(row.Name, limit);
                }

                if (row.Name != "direct" && Rows.Any(r => r.Name == "direct"))
                {
                    ratios[$"{row.Name}/direct"] = Ratio(row.Name, "direct");
                }

                // The seed's own design (Gears answering inside Redis) on both crowds: flash and purchases.
                if (Rows.Any(r => r.Name == SeedGears && r.OrdersPerSecond > 0))
                {
                    ratios[$"{row.Name}/{SeedGears}"] = Ratio(row.Name, SeedGears);
                    ratios[$"{row.Name}/{SeedGears} purchases"] = PurchaseRatio(row.Name, SeedGears);
                }

                // What failover safety costs, split: the replicas alone, then the durable-answer gate on top of them.
                foreach (var baseline in ReplicaBaselines(row.Name))
                {
                    if (Rows.Any(r => r.Name == baseline))
                    {
                        ratios[$"{row.Name}/{baseline} purchases"] = PurchaseRatio(row.Name, baseline);
                    }
                }
            }

            return ratios;
        }
    }

    private const string ReplicasSuffix = "-replicas";
    private const string DurableSuffix = "-durable";

    /// <summary>The rows a replicated variant of a cluster is compared with: the lone cluster, and for durable also the replicas row.</summary>
    private static IEnumerable<string> ReplicaBaselines(string name)
    {
        if (name.EndsWith(ReplicasSuffix, StringComparison.Ordinal))
        {
            yield return name[..^ReplicasSuffix.Length];
        }
        else if (name.EndsWith(DurableSuffix, StringComparison.Ordinal))
        {
            var cluster = name[..^DurableSuffix.Length];
            yield return cluster;
            yield return cluster + ReplicasSuffix;
        }
    }

    private const string OrleansFloor = "orleans-floor";
    private const string OrleansFloorWait = "orleans-floor-wait";

    /// <summary>
    /// Each cluster's silo CPU per order over what Orleans alone spends on a call that activates a new grain: how
    /// far the order path is above the floor that one customer grain per first-time buyer puts under it. The
    /// purchase crowd's own figure where there is one (a new grain per buyer, silos warm, as the floor is measured);
    /// otherwise the whole measure's.
    /// </summary>
    public IReadOnlyDictionary<string, double?> SiloCpuOverFloor => SiloCpuOver(OrleansFloor);

    /// <summary>The same over a new grain that also waits for a batched answer in its turn, as the real one does.</summary>
    public IReadOnlyDictionary<string, double?> SiloCpuOverWaitingFloor => SiloCpuOver(OrleansFloorWait);

    private Dictionary<string, double?> SiloCpuOver(string floorRow)
    {
        var floor = Rows.FirstOrDefault(r => r.Name == floorRow)?.SiloCpuMicrosecondsPerOrder;
        return Rows
            .Where(r => r.Name.StartsWith("cluster", StringComparison.Ordinal) && OverFloor(r) is not null && floor is > 0)
            .ToDictionary(r => r.Name, r => (double?)Math.Round(OverFloor(r)!.Value / floor!.Value, 2));

        static double? OverFloor(BenchRow row) => row.PurchaseSiloCpuMicrosecondsPerOrder ?? row.SiloCpuMicrosecondsPerOrder;
    }

    public void Print(TextWriter output)
    {
        static string N(double? value, string format = "0") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        output.WriteLine();
        var rounds = Rounds is { Count: > 1 } all ? $"; median of {all.Count} rounds" : string.Empty;
        output.WriteLine($"Pop-up Store benchmark: {Scenario.Buyers} buyers, {Scenario.Units} units, {Scenario.DuplicateRatio:P0} duplicates; Redis {RedisVersion}; {Cores} cores{rounds}");
        output.WriteLine();
        output.WriteLine("| measure | orders/s | p50 ms | p99 ms | max ms | sell-out after arrival s | purchases orders/s | steady orders/s | steady p50 | steady p99 | steady max | steady GC pause longest ms | steady GC paused % | peak MiB per silo | MiB per 100k buyers | silo CPU us/order | silo CPU us/order purchases | silo CPU share % purchases | Redis us/order | Redis us/order purchases | client CPU us/order purchases | FCFS % flash | latest buyer rank flash | invariants |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in Rows)
        {
            if (r.Note is { } note)
            {
                output.WriteLine($"| {r.Name} | not measured: {note} | | | | | | | | | | | | | | | | | | | | | | |");
                continue;
            }

            output.WriteLine(
                $"| {r.Name} | {N(r.OrdersPerSecond)} | {N(r.P50)} | {N(r.P99)} | {N(r.Max)} | {N(r.SellOutAfterArrivalSeconds, "0.00")} | " +
                $"{N(r.PurchaseOrdersPerSecond)} | {N(r.SteadyOrdersPerSecond)} | {N(r.SteadyP50)} | {N(r.SteadyP99)} | {N(r.SteadyMax)} | {(r.SteadyGcPauseLongestMs is { } gc ? $"≤{N(gc)}" : "-")} | {N(r.SteadyGcPausedPercent, "0.0")} | " +
                $"{(r.PeakMemoryMiB is { Count: > 0 } m ? string.Join(" / ", m.Select(x => N(x))) : "-")} | {N(r.MiBPer100kBuyers)} | {N(r.SiloCpuMicrosecondsPerOrder)} | {N(r.PurchaseSiloCpuMicrosecondsPerOrder)} | {(r.PurchaseSiloCpuSharePercent is { Count: > 0 } sh ? string.Join(" / ", sh.Select(x => N(x))) : "-")} | {N(r.RedisCpuMicrosecondsPerOrder, "0.0")} | {N(r.PurchaseRedisCpuMicrosecondsPerOrder, "0.0")} | {N(r.PurchaseClientCpuMicrosecondsPerOrder)} | {N(r.FirstComePercent, "0.00")} | {N(r.LatestBuyerRank)} | {(r.Passed ? "ok" : "FAIL")} |");
        }

        output.WriteLine();
        var ranges = BenchRounds.RatioRanges(this);
        string Range(string name) => ranges.TryGetValue(name, out var range) ? $" ({N(range.Low, "0.00")}-{N(range.High, "0.00")} over the rounds)" : string.Empty;
        output.WriteLine("Ratios (orders/s): " + string.Join(", ", Ratios.Select(r => $"{r.Key} = {N(r.Value, "0.00")}{Range(r.Key)}")));
        var crowd = Rows.Any(r => r.PurchaseSiloCpuMicrosecondsPerOrder is not null) ? " (purchase crowd)" : string.Empty;
        var replicated = Rows.Where(r => r.PurchaseReplicaCpuMicrosecondsPerOrder is not null).ToList();
        if (replicated.Count > 0)
        {
            output.WriteLine("Replicas' CPU us/order purchases (all replicas together): " + string.Join(", ", replicated.Select(r => $"{r.Name} = {N(r.PurchaseReplicaCpuMicrosecondsPerOrder)}")));
        }

        foreach (var (row, over) in new[] { (OrleansFloor, SiloCpuOverFloor), (OrleansFloorWait, SiloCpuOverWaitingFloor) })
        {
            if (over.Count > 0)
            {
                output.WriteLine($"Silo CPU per order{crowd} over {row}: " + string.Join(", ", over.Select(r => $"{r.Key} = {N(r.Value, "0.00")}")));
            }
        }
    }
}
