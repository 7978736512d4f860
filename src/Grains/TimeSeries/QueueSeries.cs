using PopupStore.Core.Redis;

namespace PopupStore.Grains.TimeSeries;

/// <summary>What a series keeps when two samples share a timestamp.</summary>
public enum SeriesDuplicatePolicy
{
    Last,
    Sum,
}

/// <summary>One contract series: its key, what it measures and of which stream.</summary>
public sealed record SeriesDefinition(string Key, string Kind, string Stream, SeriesDuplicatePolicy DuplicatePolicy)
{
    /// <summary>The labels gears/register.sh and gears/timeseries.py give the same series.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } =
    [
        new("app", "popupstore"),
        new("metric", Kind),
        new("stream", Stream),
    ];
}

/// <summary>One sample to add: the timestamp is the end of its window (ms since epoch, Redis clock).</summary>
public sealed record SeriesSample(string Key, long Timestamp, long Value);

/// <summary>
/// The <c>ts:*</c> part of the Redis contract, named exactly as gears/timeseries.py names it:
/// <c>ts:len:&lt;stream&gt;</c> (stream length when the window closes) and
/// <c>ts:enqueue:&lt;stream&gt;</c> (entries added to the stream during the window).
/// </summary>
public static class QueueSeries
{
    public const string LengthKind = "len";
    public const string EnqueueKind = "enqueue";

    /// <summary>How long samples are kept (the Gears registrar's RETENTION).</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(1);

    /// <summary>The seed demo's sampling window; dashboard panels aggregate per 5000 ms.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(5);

    /// <summary>The streams that have series (the four queues of the contract).</summary>
    public static IReadOnlyList<string> Streams { get; } =
        [RedisKeys.Customers.ToString(), RedisKeys.Orders.ToString(), RedisKeys.Complete.ToString(), RedisKeys.Rejected.ToString()];

    public static string LengthKey(string stream) => $"ts:{LengthKind}:{stream}";

    public static string EnqueueKey(string stream) => $"ts:{EnqueueKind}:{stream}";

    /// <summary>Every series, with the duplicate policy the Gears registrar creates it with.</summary>
    public static IReadOnlyList<SeriesDefinition> Definitions { get; } = Streams
        .SelectMany(stream => new[]
        {
            new SeriesDefinition(LengthKey(stream), LengthKind, stream, SeriesDuplicatePolicy.Last),
            new SeriesDefinition(EnqueueKey(stream), EnqueueKind, stream, SeriesDuplicatePolicy.Sum),
        })
        .ToArray();

    /// <summary>
    /// Dashboard panels that read <c>ts:*</c> keys, so stay empty when nothing writes them.
    /// A test checks this list against grafana/dashboards/popup-store.json.
    /// </summary>
    public static IReadOnlyList<string> DashboardPanels { get; } =
        ["Customers Ordering per 5 s", "Orders In Queue", "Completed Flow"];
}
