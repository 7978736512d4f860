using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace PopupStore.Silo.Telemetry;

/// <summary>
/// Each garbage collection's pause of this silo, as a histogram by generation (<c>popupstore.gc.pause</c>). The
/// runtime's own meter only counts the total pause time; a flash sale's tail latency is made of single pauses: an
/// order waiting in a silo during one waits all of it, and a collection is as long as what it has to copy (customer
/// grains kept alive made it 12 to 55 ms; README, "Where the time goes").
/// </summary>
/// <remarks>
/// Listens to the runtime's GC events in-process: a few events per collection, delivered on the runtime's
/// dispatch thread one after another, so the fields need no lock.
/// </remarks>
public sealed class GcPauseMetrics : EventListener, IHostedService
{
    public const string MeterName = "PopupStore.Runtime";

    private const string RuntimeEventSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int GcStartEvent = 1;
    private const int RestartEngineEndEvent = 3;
    private const int SuspendEngineBeginEvent = 9;

    // A field initializer, not the constructor: the base constructor already reports the runtime's event source,
    // and its events may arrive before a constructor body would have run.
    private readonly Histogram<double> _pauses = new Meter(MeterName).CreateHistogram(
        "popupstore.gc.pause",
        "ms",
        "Each garbage collection's pause of this silo (all threads stopped), by generation",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 200, 500] });

    private DateTime? _suspendedAt;
    private string? _generation;

    /// <summary>The histogram this listener records to (several silos in one test process each have their own).</summary>
    internal Instrument Pauses => _pauses;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeEventSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventId)
        {
            case SuspendEngineBeginEvent:
                _suspendedAt = eventData.TimeStamp;
                _generation = null;
                break;
            case GcStartEvent when _suspendedAt is not null:
                _generation = DepthOf(eventData);
                break;
            case RestartEngineEndEvent when _suspendedAt is { } suspended:
                // A suspension without a collection in it (the runtime stops threads for other reasons too) is not a pause of the GC.
                if (_generation is { } generation)
                {
                    _pauses.Record((eventData.TimeStamp - suspended).TotalMilliseconds, new KeyValuePair<string, object?>("generation", generation));
                }

                _suspendedAt = null;
                break;
        }
    }

    private static string DepthOf(EventWrittenEventArgs gcStart)
    {
        var index = gcStart.PayloadNames?.IndexOf("Depth") ?? -1;
        return index >= 0 && gcStart.Payload?[index] is { } depth
            ? Convert.ToString(depth, CultureInfo.InvariantCulture) ?? "unknown"
            : "unknown";
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        base.Dispose();
        _pauses.Meter.Dispose();
    }
}
