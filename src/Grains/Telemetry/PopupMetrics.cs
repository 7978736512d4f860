using System.Diagnostics.Metrics;
using PopupStore.Core.Orders;

namespace PopupStore.Grains.Telemetry;

/// <summary>The product's own instruments, on the meter <c>PopupStore</c> (exported at /metrics).</summary>
public static class PopupMetrics
{
    public const string MeterName = "PopupStore";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Orders = Meter.CreateCounter<long>(
        "popupstore.orders", "{order}", "Orders answered by this silo, by outcome");

    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>(
        "popupstore.completion.latency", "ms", "From the order's stream id (arrival) to its answer");

    private static readonly Histogram<long> BatchSize = Meter.CreateHistogram<long>(
        "popupstore.poller.batch_size", "{entry}", "Entries per batch read from queue:orders");

    private static readonly Counter<long> Claims = Meter.CreateCounter<long>(
        "popupstore.poller.claims", "{entry}", "Entries claimed from consumers presumed dead");

    private static readonly Counter<long> Redeliveries = Meter.CreateCounter<long>(
        "popupstore.poller.replays", "{entry}", "Entries that had been answered before (redelivered)");

    private static readonly Counter<long> Delayed = Meter.CreateCounter<long>(
        "popupstore.orders.delayed", "{order}",
        "Orders whose answer was put off by a Redis or cluster failure (Redis refusing writes, a silo lost); retried, never answered invalid for it");

    private static readonly Counter<long> Waiting = Meter.CreateCounter<long>(
        "popupstore.orders.waiting", "{order}",
        "Orders handed back to their poller after waiting 500 ms behind earlier arrivals still undecided (first come, first served); read again after RetryDelay");

    private static long _pending;

    private static int _seriesStarted;

    static PopupMetrics()
    {
        Meter.CreateObservableGauge(
            "popupstore.poller.pending", () => Interlocked.Read(ref _pending), "{entry}",
            "Entries delivered to consumers of group popup and not yet acknowledged (whole cluster)");
    }

    public static void RecordOutcome(OrderOutcome outcome, long? latencyMs)
    {
        if (!outcome.Fresh)
        {
            Redeliveries.Add(1);
            return;
        }

        Orders.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Result.ToWire()));
        if (latencyMs is { } ms)
        {
            Latency.Record(ms);
        }
    }

    public static void RecordDelayed(int count, string cause) =>
        Delayed.Add(count, new KeyValuePair<string, object?>("cause", cause));

    public static void RecordWaiting(int count) => Waiting.Add(count);

    public static void RecordBatch(int size) => BatchSize.Record(size);

    public static void RecordClaims(int count) => Claims.Add(count);

    public static void SetPending(long pending) => Interlocked.Exchange(ref _pending, pending);

    /// <summary>
    /// Makes the series Grafana reads exist before the first order: each outcome counted 0, and the completion
    /// latency histogram holding one observation of 0 ms (recorded at start, before the first scrape, so no
    /// <c>rate()</c> sees it; an instrument cannot create a histogram point without a measurement). A series that
    /// first appears holding a burst's counts shows no increase to <c>rate()</c>. Once per process for the
    /// histogram: in-process test hosts share it.
    /// </summary>
    public static void StartSeries()
    {
        foreach (var result in OrderResults.All)
        {
            Orders.Add(0, new KeyValuePair<string, object?>("outcome", result.ToWire()));
        }

        if (Interlocked.Exchange(ref _seriesStarted, 1) == 0)
        {
            Latency.Record(0);
        }
    }
}
