using System.Globalization;

namespace PopupStore.LoadClient.Report;

public static class ReportPrinter
{
    public static void Print(RunReport r, TextWriter output)
    {
        string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
        output.WriteLine();
        output.WriteLine($"=== Pop-up Store sale report (run {r.RunId}) ===");
        output.WriteLine($"Buyers                 {r.Buyers}");
        output.WriteLine($"Profile                {r.Profile}");
        output.WriteLine($"Orders written         {r.OrdersWritten}{(r.Resubmitted > 0 ? $" ({r.Resubmitted} resubmitted after no answer)" : string.Empty)}");
        output.WriteLine($"Orders answered        {r.Answered} ({r.Unanswered} unanswered, {r.DoubleAnswers} answered twice)");
        output.WriteLine($"Completed              {r.Completed}");
        output.WriteLine($"Rejected               {r.Rejected.Values.Sum()} ({string.Join(", ", r.Rejected.Select(x => $"{x.Key} {x.Value}"))})");
        output.WriteLine($"Units left (product)   {r.ProductLeft}");
        output.WriteLine($"Time to sell out       {(r.SellOutSeconds is { } s ? $"{N(s)} s from the first order ({N(r.SellOutAfterArrivalSeconds ?? 0)} s after the last arrival)" : "not sold out")}");
        output.WriteLine($"Throughput             {N(r.OrdersPerSecond)} orders/s over {N(r.DurationSeconds)} s (first arrival to last answer)");
        if (r.Storefront is { } web)
        {
            output.WriteLine($"Storefront responses   {web}");
        }

        var basis = r.Via == Load.Vias.Http ? "request→response" : "arrival→answer";
        output.WriteLine($"Latency {basis} p50 {r.Latency.P50} ms, p90 {r.Latency.P90} ms, p99 {r.Latency.P99} ms, max {r.Latency.Max} ms (n={r.Latency.Count})");
        output.WriteLine("Invariants (checked in Redis):");
        foreach (var invariant in r.Invariants)
        {
            output.WriteLine($"  {(invariant.Passed ? "ok  " : "FAIL")} {invariant.Name}: {invariant.Detail}");
        }

        output.WriteLine(r.Passed ? "RESULT: PASS" : "RESULT: FAIL");
    }
}
