using System.Diagnostics.Metrics;

namespace PopupStore.Silo.Telemetry;

/// <summary>
/// Each garbage collection's pause of this silo, as a histogram by generation (<c>popupstore.gc.pause</c>). The
/// runtime's own meter only counts the total pause time; a flash sale's tail latency is made of single pauses: an
/// order waiting in a silo during one waits all of it, and a collection is as long as what it has to copy.
/// </summary>
/// <remarks>The pauses come from the process' one <see cref="GcPauseListener"/>.</remarks>
public sealed class GcPauseMetrics : IHostedService, IDisposable
{
    public const string MeterName = "PopupStore.Runtime";

    private readonly Histogram<double> _pauses = new Meter(MeterName).CreateHistogram(
        "popupstore.gc.pause",
        "ms",
        "Each garbage collection's pause of this silo (all threads stopped), by generation",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 200, 500] });

    private readonly IDisposable _subscription;

    public GcPauseMetrics()
    {
        _subscription = GcPauseListener.Shared.Subscribe(
            (milliseconds, generation) => _pauses.Record(milliseconds, new KeyValuePair<string, object?>("generation", generation)));
    }

    /// <summary>The histogram this instance records to (several silos in one test process each have their own).</summary>
    internal Instrument Pauses => _pauses;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _subscription.Dispose();
        _pauses.Meter.Dispose();
    }
}
