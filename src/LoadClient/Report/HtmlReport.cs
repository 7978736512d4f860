using System.Globalization;
using System.Net;
using System.Text;

namespace PopupStore.LoadClient.Report;

/// <summary>
/// The report as one self-contained HTML page: the figures, the invariants and three inline SVG charts. No script,
/// no stylesheet, font or image from elsewhere: it opens offline, from a file or an attachment.
/// </summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        static string N(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

        var r = report;
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>Pop-up Store sale report, run {E(r.RunId)}</title>");
        html.AppendLine("""
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1040px; }
            h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin: 28px 0 6px; }
            table { border-collapse: collapse; } td, th { padding: 3px 14px 3px 0; text-align: left; vertical-align: top; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            .pass { color: #2e7d32; font-weight: bold; } .fail { color: #c62828; font-weight: bold; }
            figure { margin: 0; } figcaption { color: #555; font-size: 13px; margin-top: 2px; }
            </style>
            """);
        html.AppendLine("</head><body>");
        html.AppendLine($"<h1>Pop-up Store sale report</h1>");
        html.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"<p>Run <b>{E(r.RunId)}</b>, profile <b>{E(r.Profile)}</b>, first order at {E(Time(r.Timeline.StartMilliseconds))} (Redis clock). " +
            $"Result: <span class=\"{(r.Passed ? "pass\">PASS" : "fail\">FAIL")}</span></p>"));

        html.AppendLine("<table>");
        void Row(string name, string value, string note = "") =>
            html.AppendLine($"<tr><th>{E(name)}</th><td class=\"n\">{E(value)}</td><td>{E(note)}</td></tr>");
        Row("Buyers", N(r.Buyers));
        Row("Orders written", N(r.OrdersWritten), r.Resubmitted > 0 ? $"{N(r.Resubmitted)} resubmitted after no answer" : string.Empty);
        Row("Orders answered", N(r.Answered), $"{N(r.Unanswered)} unanswered, {N(r.DoubleAnswers)} answered twice");
        Row("Completed", N(r.Completed));
        Row("Rejected", N(r.Rejected.Values.Sum()), string.Join(", ", r.Rejected.Select(x => $"{x.Key} {N(x.Value)}")));
        Row("Units left (product)", N(r.ProductLeft));
        Row("Time to sell out", r.SellOutSeconds is { } s ? $"{N(s)} s" : "not sold out", "from the first order");
        Row("Throughput", $"{N(Math.Round(r.OrdersPerSecond, 1))} orders/s", $"over {N(r.DurationSeconds)} s, first arrival to last answer");
        Row("Latency p50 / p90 / p99 / max", $"{r.Latency.P50} / {r.Latency.P90} / {r.Latency.P99} / {r.Latency.Max} ms", $"{N(r.Latency.Count)} orders, arrival to answer");
        html.AppendLine("</table>");

        html.AppendLine("<h2>Orders answered per second</h2><figure>");
        html.AppendLine(AnswersChart.Render(r.Timeline));
        html.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"<figcaption>Answers stacked by outcome in buckets of {r.Timeline.BucketSeconds:0} s, by the time of the answer (the outcome's stream id); the dashed line is orders arriving (the order's stream id).</figcaption></figure>"));

        html.AppendLine("<h2>Units left</h2><figure>");
        html.AppendLine(UnitsLeftChart.Render(r.Timeline));
        html.AppendLine("<figcaption>The product counter over time: units left at the end of the run plus this run's later sales.</figcaption></figure>");

        html.AppendLine("<h2>Latency distribution</h2><figure>");
        html.AppendLine(LatencyChart.Render(r.Timeline, r.Latency));
        html.AppendLine("<figcaption>Orders per latency band, from the order's arrival in queue:orders to its outcome, both on Redis' clock.</figcaption></figure>");

        html.AppendLine("<h2>Invariants (checked in Redis)</h2><table>");
        foreach (var invariant in r.Invariants)
        {
            html.AppendLine($"<tr><td class=\"{(invariant.Passed ? "pass\">ok" : "fail\">FAIL")}</td><th>{E(invariant.Name)}</th><td>{E(invariant.Detail)}</td></tr>");
        }

        html.AppendLine("</table>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string Time(long epochMs) => epochMs <= 0
        ? "n/a"
        : DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
