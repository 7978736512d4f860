namespace PopupStore.Grains.TimeSeries;

/// <summary>
/// Turns one snapshot per window into the samples of the <c>ts:*</c> series. No I/O: the writer grain
/// feeds it snapshots and hands the result to an <see cref="ISeriesSink"/>.
/// </summary>
/// <remarks>
/// <para><c>ts:len:&lt;stream&gt;</c> = XLEN at the window's end.</para>
/// <para><c>ts:enqueue:&lt;stream&gt;</c> = entries added during the window. queue:orders and
/// queue:customers entries are deleted once answered, so neither XLEN nor an XRANGE over the window
/// sees them. Redis 7 counts every XADD in XINFO STREAM <c>entries-added</c>; the sampler turns it into a
/// count "added before the window's end" by subtracting the entries present with an id at or after the
/// end (the snapshot is taken shortly after the window closed), and reports the difference from the
/// previous window. That count is exact for the streams that are never trimmed (queue:complete,
/// queue:rejected); for the others an entry added after the end and already deleted when the snapshot
/// runs is counted one window early, never lost or counted twice. A stream that was deleted and
/// written again (sale reset) starts from zero.</para>
/// <para>The first window a sampler sees has no previous count, so it writes only the lengths.
/// Without <c>entries-added</c> (Redis 6.2) the count is the entries present with an id inside the
/// window: exact for queue:complete and queue:rejected, an undercount for the deleted queues.</para>
/// </remarks>
public sealed class QueueWindowSampler
{
    private readonly Dictionary<string, (long WindowEnd, long AddedBefore)> _previous = new(StringComparer.Ordinal);

    /// <summary>End of the last window sampled, or null before the first.</summary>
    public long? LastWindowEnd { get; private set; }

    public IReadOnlyList<SeriesSample> Sample(QueueSnapshot snapshot)
    {
        if (LastWindowEnd is { } last && snapshot.WindowEndMs <= last)
        {
            return [];   // this window (or an older one) is already written
        }

        var end = snapshot.WindowEndMs;
        var samples = new List<SeriesSample>(snapshot.Streams.Count * 2);
        foreach (var stream in snapshot.Streams)
        {
            samples.Add(new SeriesSample(QueueSeries.LengthKey(stream.Stream), end, stream.Length));
            var added = AddedInWindow(stream, end);
            if (added is { } value)
            {
                samples.Add(new SeriesSample(QueueSeries.EnqueueKey(stream.Stream), end, value));
            }
        }

        LastWindowEnd = end;
        return samples;
    }

    private long? AddedInWindow(StreamCounters stream, long end)
    {
        if (stream.EntriesAdded is not { } total)
        {
            _previous.Remove(stream.Stream);
            return stream.PresentInWindow ?? 0;
        }

        var addedBefore = Math.Max(0, total - stream.AddedAfterEnd);
        var hadPrevious = _previous.TryGetValue(stream.Stream, out var previous);
        _previous[stream.Stream] = (end, addedBefore);
        if (!hadPrevious)
        {
            return null;   // no count at an earlier window's end: nothing to subtract from
        }

        // A smaller count than last time means the stream was deleted and created again.
        return addedBefore >= previous.AddedBefore ? addedBefore - previous.AddedBefore : addedBefore;
    }
}
