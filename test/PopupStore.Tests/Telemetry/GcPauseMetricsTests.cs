using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PopupStore.Silo.Telemetry;

namespace PopupStore.Tests.Telemetry;

/// <summary>The silo's GC pause histogram records real collections of this process, by generation.</summary>
public sealed class GcPauseMetricsTests
{
    [Fact]
    public async Task Forced_collections_are_recorded_as_pauses_of_their_generation()
    {
        using var metrics = new GcPauseMetrics();
        var pauses = new ConcurrentQueue<(double Ms, string? Generation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, metrics.Pauses))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? generation = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "generation")
                {
                    generation = tag.Value as string;
                }
            }

            pauses.Enqueue((value, generation));
        });
        listener.Start();

        // The runtime delivers its events to in-process listeners a moment later, on its own thread.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && !(pauses.Any(p => p.Generation == "0") && pauses.Any(p => p.Generation == "2")))
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            await Task.Delay(200);
        }

        Assert.Contains(pauses, p => p.Generation == "0");
        Assert.Contains(pauses, p => p.Generation == "2");
        Assert.All(pauses, p => Assert.InRange(p.Ms, 0, 10_000));
        Assert.All(pauses, p => Assert.Contains(p.Generation, new[] { "0", "1", "2" }));
    }
}
