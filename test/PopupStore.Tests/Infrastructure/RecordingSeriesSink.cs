using System.Collections.Concurrent;
using PopupStore.Grains.TimeSeries;

namespace PopupStore.Tests.Infrastructure;

/// <summary>
/// Stands in for RedisTimeSeries (no module on the test machine): every silo of the test cluster gets
/// one, and all of them record into one process-wide list, tagged with the silo that wrote.
/// </summary>
public sealed class RecordingSeriesSink(ILocalSiloDetails silo) : ISeriesSink
{
    public sealed record Write(string Silo, IReadOnlyList<SeriesSample> Samples);

    private static readonly ConcurrentQueue<Write> Writes = new();

    public static IReadOnlyList<Write> Recorded => Writes.ToArray();

    public static void Clear() => Writes.Clear();

    public Task EnsureSeriesAsync(IReadOnlyList<SeriesDefinition> series, TimeSpan retention) => Task.CompletedTask;

    public Task AddAsync(IReadOnlyList<SeriesSample> samples)
    {
        Writes.Enqueue(new Write(silo.SiloAddress.ToString(), samples.ToArray()));
        return Task.CompletedTask;
    }
}
