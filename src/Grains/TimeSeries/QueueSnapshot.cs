using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Grains.TimeSeries;

/// <summary>
/// One stream's counters at a window boundary, read atomically by stream_counters.lua.
/// </summary>
/// <param name="Stream">The stream key.</param>
/// <param name="Length">XLEN.</param>
/// <param name="EntriesAdded">XINFO STREAM <c>entries-added</c> (every entry ever added, deleted or not); null before Redis 7.</param>
/// <param name="AddedAfterEnd">Entries present whose id is at or after the window's end (added after it closed).</param>
/// <param name="PresentInWindow">Entries present whose id falls in the window; read only when <paramref name="EntriesAdded"/> is null.</param>
public sealed record StreamCounters(string Stream, long Length, long? EntriesAdded, long AddedAfterEnd, long? PresentInWindow);

/// <summary>The queue streams at the end of one window, on Redis' clock.</summary>
public sealed record QueueSnapshot(long NowMs, long WindowEndMs, IReadOnlyList<StreamCounters> Streams)
{
    /// <summary>
    /// Reads the streams in one script call. <paramref name="windowEndMs"/> null means the last window
    /// that has closed on Redis' clock, which is what every writer (and a duplicate) agrees on.
    /// </summary>
    public static async Task<QueueSnapshot> ReadAsync(IDatabaseAsync database, IReadOnlyList<string> streams, TimeSpan window, long? windowEndMs = null)
    {
        var keys = streams.Select(s => (RedisKey)s).ToArray();
        RedisValue[] args = [(long)window.TotalMilliseconds, windowEndMs.HasValue ? windowEndMs.Value : RedisValue.EmptyString];
        var reply = (RedisResult[])(await PopupScripts.StreamCounters.EvaluateAsync(database, keys, args))!;
        var counters = new StreamCounters[streams.Count];
        for (var i = 0; i < streams.Count; i++)
        {
            var values = (long[])reply[i + 2]!;
            counters[i] = new StreamCounters(
                streams[i],
                values[0],
                values[1] < 0 ? null : values[1],
                values[2],
                values[3] < 0 ? null : values[3]);
        }

        return new QueueSnapshot((long)reply[0], (long)reply[1], counters);
    }
}
