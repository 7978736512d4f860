using System.Globalization;

namespace PopupStore.LoadClient.Bench;

/// <summary>The benchmark's table and ratios, as printed and as JSON.</summary>
public sealed record BenchReport(BenchScenario Scenario, string RedisVersion, int Cores, IReadOnlyList<BenchRow> Rows)
{
    public double? Ratio(string numerator, string denominator)
    {
        var top = Rows.FirstOrDefault(r => r.Name == numerator)?.OrdersPerSecond;
        var bottom = Rows.FirstOrDefault(r => r.Name == denominator)?.OrdersPerSecond;
        return top is { } t && bottom is > 0 ? Math.Round(t / bottom.Value, 3) : null;
    }

    public IReadOnlyDictionary<string, double?> Ratios => new Dictionary<string, double?>
    {
        ["cluster-3/limit"] = Ratio("cluster-3", "limit"),
        ["cluster-3/direct"] = Ratio("cluster-3", "direct"),
        ["cluster-1/limit"] = Ratio("cluster-1", "limit"),
        ["cluster-1/direct"] = Ratio("cluster-1", "direct"),
        ["direct/limit"] = Ratio("direct", "limit"),
    };

    public void Print(TextWriter output)
    {
        static string N(double? value, string format = "0") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        output.WriteLine();
        output.WriteLine($"Pop-up Store benchmark: {Scenario.Buyers} buyers, {Scenario.Units} units, {Scenario.DuplicateRatio:P0} duplicates; Redis {RedisVersion}; {Cores} cores");
        output.WriteLine();
        output.WriteLine("| measure | orders/s | p50 ms | p99 ms | max ms | sell-out after arrival s | steady orders/s | steady p50 | steady p99 | steady max | peak MiB per silo | MiB per 100k grains | invariants |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var r in Rows)
        {
            output.WriteLine(
                $"| {r.Name} | {N(r.OrdersPerSecond)} | {N(r.P50)} | {N(r.P99)} | {N(r.Max)} | {N(r.SellOutAfterArrivalSeconds, "0.00")} | " +
                $"{N(r.SteadyOrdersPerSecond)} | {N(r.SteadyP50)} | {N(r.SteadyP99)} | {N(r.SteadyMax)} | " +
                $"{(r.PeakMemoryMiB is { Count: > 0 } m ? string.Join(" / ", m.Select(x => N(x))) : "-")} | {N(r.MiBPer100kCustomerGrains)} | {(r.Passed ? "ok" : "FAIL")} |");
        }

        output.WriteLine();
        output.WriteLine("Ratios (orders/s): " + string.Join(", ", Ratios.Select(r => $"{r.Key} = {N(r.Value, "0.00")}")));
    }
}
