using PopupStore.Core.Outcomes;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// What a Redis restart took back, measured against what clients had been told before it: orders whose
/// XADD Redis acknowledged and that are now neither answered nor waiting, and outcomes someone had seen
/// that are now gone or different. The AOF tests and their control share it, so the control proves it
/// can see a loss.
/// </summary>
public sealed record AofLoss(
    IReadOnlyList<KeyValuePair<string, TimeSpan>> LostOrders,
    IReadOnlyList<KeyValuePair<string, AnsweredOrder>> ChangedOutcomes)
{
    public bool Any => LostOrders.Count > 0 || ChangedOutcomes.Count > 0;

    /// <param name="acknowledged">Order id -> when Redis acknowledged its XADD (<see cref="OrderFeed.Acknowledged"/>).</param>
    /// <param name="seenBefore">Order id -> the outcome that could be read before the crash.</param>
    /// <param name="outcomesNow">Order id -> its outcomes after the restart.</param>
    /// <param name="queuedNow">Order ids still in queue:orders after the restart (taken, not yet answered).</param>
    public static AofLoss Measure(
        IReadOnlyDictionary<string, TimeSpan> acknowledged,
        IReadOnlyDictionary<string, AnsweredOrder> seenBefore,
        IReadOnlyDictionary<string, List<AnsweredOrder>> outcomesNow,
        IReadOnlySet<string> queuedNow) =>
        new(
            [.. acknowledged.Where(o => !outcomesNow.ContainsKey(o.Key) && !queuedNow.Contains(o.Key))],
            [.. seenBefore.Where(s => !outcomesNow.TryGetValue(s.Key, out var now) || now[0].Result != s.Value.Result)]);

    public override string ToString() =>
        $"acknowledged orders lost {LostOrders.Count}, outcomes seen before the crash that were lost or changed {ChangedOutcomes.Count}";
}
