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

    [Fact]
    public async Task A_disposed_silo_stops_recording_and_the_others_go_on()
    {
        var stopped = new GcPauseMetrics();
        using var running = new GcPauseMetrics();
        var counts = new ConcurrentDictionary<Instrument, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, stopped.Pauses) || ReferenceEquals(instrument, running.Pauses))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => counts.AddOrUpdate(instrument, 1, (_, n) => n + 1));
        listener.Start();

        stopped.Dispose();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && counts.GetValueOrDefault(running.Pauses) < 2)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            await Task.Delay(100);
        }

        Assert.True(counts.GetValueOrDefault(running.Pauses) >= 2, "the silo still running recorded no pauses");
        Assert.Equal(0, counts.GetValueOrDefault(stopped.Pauses));
    }

    [Fact]
    public async Task Silos_made_and_disposed_at_the_same_time_do_not_hang()
    {
        // Test hosts start and stop silos in one process. When each silo had an event listener of its own, making one
        // while another was disposed could deadlock inside the runtime (each held the lock the other waited for).
        var churn = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                using var metrics = new GcPauseMetrics();
            }
        })));

        Assert.Same(churn, await Task.WhenAny(churn, Task.Delay(TimeSpan.FromSeconds(30))));
        await churn;
    }
}
