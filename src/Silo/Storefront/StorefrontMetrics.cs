using System.Diagnostics.Metrics;
using PopupStore.Core.Orders;
using PopupStore.Grains.Telemetry;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// The buyers' side of a sale, on the product's meter: what the storefront answered to each order request, and how
/// long the request took inside the silo. The pollers' instruments count orders once they are decided; these also
/// show the buyers told to wait (202), refused by a limit (429) or turned away (400, 503), none of which reaches
/// an outcome stream.
/// </summary>
public static class StorefrontMetrics
{
    public const string Pending = "pending";
    public const string Limited = "limited";
    public const string BadRequest = "bad-request";
    public const string Unavailable = "unavailable";

    private static readonly Meter Meter = new(PopupMetrics.MeterName);

    private static readonly Counter<long> Answers = Meter.CreateCounter<long>(
        "popupstore.storefront.orders", "{request}",
        "Order requests (POST /api/orders) the storefront answered, by answer: the order's outcome, or pending, limited, bad-request, unavailable");

    private static readonly Histogram<double> Latency = Meter.CreateHistogram(
        "popupstore.storefront.latency", "ms",
        "From an order request's arrival at the silo to its answer (an outcome or pending)",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] });

    private static int _seriesStarted;

    /// <summary>An answer the order path gave, with the time it took.</summary>
    public static void Answered(WebOrderAnswer answer, TimeSpan elapsed)
    {
        Counted(answer.State == WebOrderState.Decided ? answer.Result!.Value.ToWire() : Pending);
        Latency.Record(elapsed.TotalMilliseconds);
    }

    /// <summary>A request answered without an outcome or a wait: a limit, bad input, Redis unreachable.</summary>
    public static void Counted(string answer) => Answers.Add(1, new KeyValuePair<string, object?>("answer", answer));

    /// <summary>
    /// Makes every series Grafana reads exist before the first order request: each answer counted 0, and the latency
    /// histogram holding one observation of 0 ms. A series that first appears already holding a burst's counts
    /// shows no increase to <c>rate()</c>, so a burst shorter than one scrape would never reach a panel. An
    /// instrument cannot create a histogram point without a measurement; this one is recorded at start, before
    /// the first scrape, so no <c>rate()</c> ever sees it. Once per process: in-process test hosts share it.
    /// </summary>
    public static void StartSeries()
    {
        foreach (var answer in OrderResults.All.Select(r => r.ToWire()).Concat([Pending, Limited, BadRequest, Unavailable]))
        {
            Answers.Add(0, new KeyValuePair<string, object?>("answer", answer));
        }

        if (Interlocked.Exchange(ref _seriesStarted, 1) == 0)
        {
            Latency.Record(0);
        }
    }
}
