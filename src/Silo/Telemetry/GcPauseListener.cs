using System.Diagnostics.Tracing;
using System.Globalization;

namespace PopupStore.Silo.Telemetry;

/// <summary>
/// The runtime's GC events, turned into one pause per collection (its generation and how long every thread was
/// stopped), for whoever subscribes. One per process, made once and never disposed: the runtime takes its listener
/// lock and its event-pipe lock in opposite orders when one listener is made while another is disposed, and two
/// silo hosts starting and stopping in one process (the tests) hung on exactly that.
/// </summary>
/// <remarks>
/// Events arrive on the runtime's dispatch thread one after another, so the pause's fields need no lock; the
/// subscribers are an array replaced as a whole under a lock, and read without one.
/// </remarks>
internal sealed class GcPauseListener : EventListener
{
    private const string RuntimeEventSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int GcStartEvent = 1;
    private const int RestartEngineEndEvent = 3;
    private const int SuspendEngineBeginEvent = 9;

    private static readonly Lazy<GcPauseListener> Instance = new(() => new GcPauseListener());

    private readonly Lock _gate = new();
    private Action<double, string>[] _subscribers = [];
    private DateTime? _suspendedAt;
    private string? _generation;

    private GcPauseListener()
    {
    }

    public static GcPauseListener Shared => Instance.Value;

    /// <summary>Calls <paramref name="pause"/> with each pause's milliseconds and generation until the result is disposed.</summary>
    public IDisposable Subscribe(Action<double, string> pause)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, pause];
        }

        return new Subscription(this, pause);
    }

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
                    var milliseconds = (eventData.TimeStamp - suspended).TotalMilliseconds;
                    foreach (var subscriber in Volatile.Read(ref _subscribers))
                    {
                        subscriber(milliseconds, generation);
                    }
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

    private void Unsubscribe(Action<double, string> pause)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, pause))];
        }
    }

    private sealed class Subscription(GcPauseListener listener, Action<double, string> pause) : IDisposable
    {
        public void Dispose() => listener.Unsubscribe(pause);
    }
}
