namespace PopupStore.LoadClient.Live;

/// <summary>Turns successive counter readings into rates over a sliding window (2 s by default).</summary>
public sealed class RateMeter(TimeSpan? window = null)
{
    private readonly TimeSpan _window = window ?? TimeSpan.FromSeconds(2);
    private readonly Queue<(TimeSpan At, long Completed, long Rejected)> _readings = new();

    public LiveRates Add(TimeSpan at, long completed, long rejected)
    {
        _readings.Enqueue((at, completed, rejected));
        while (_readings.Count > 2 && at - _readings.Peek().At > _window)
        {
            _readings.Dequeue();
        }

        var oldest = _readings.Peek();
        var seconds = (at - oldest.At).TotalSeconds;
        if (seconds <= 0)
        {
            return LiveRates.None;
        }

        // Counters only grow during a sale; a reset in between must not show negative rates.
        return new LiveRates(
            Math.Max(0, completed - oldest.Completed) / seconds,
            Math.Max(0, rejected - oldest.Rejected) / seconds);
    }
}
