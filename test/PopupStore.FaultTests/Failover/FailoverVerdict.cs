using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// What buyers were told against what the primary now holds: a buyer told <c>complete</c> whose unit is not in
/// <c>sale:buyers</c> lost it, and a told outcome that <c>sale:answered</c> does not hold would be answered
/// differently when the order is sent again.
/// </summary>
public sealed record FailoverVerdict(IReadOnlyList<Told> CompleteWithoutUnit, IReadOnlyList<(Told Told, string? Now)> AnsweredDifferently, int Told)
{
    public bool AnyLoss => CompleteWithoutUnit.Count > 0 || AnsweredDifferently.Count > 0;

    public static async Task<FailoverVerdict> MeasureAsync(IConnectionMultiplexer primary, IEnumerable<Told> told)
    {
        var db = primary.GetDatabase();
        var buyers = (await db.HashGetAllAsync(RedisKeys.Buyers)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
        var answered = (await db.HashGetAllAsync(RedisKeys.Answered)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
        var all = told.ToList();
        return new FailoverVerdict(
            [.. all.Where(t => t.Outcome == "complete" && buyers.GetValueOrDefault(t.Customer) != t.Order)],
            [.. all.Select(t => (t, answered.GetValueOrDefault(RedisKeys.AnswerField(t.Customer, t.Order))))
                .Where(p => p.Item2 != p.t.Outcome)],
            all.Count);
    }

    public override string ToString() =>
        $"{Told} outcomes told; told complete without their unit on the primary: {CompleteWithoutUnit.Count}; " +
        $"told an outcome the primary does not hold: {AnsweredDifferently.Count}" +
        (AnsweredDifferently.Count > 0 ? $" (e.g. {string.Join(", ", AnsweredDifferently.Take(5).Select(p => $"{p.Told.Order}: told {p.Told.Outcome}, now {p.Now ?? "none"}"))})" : string.Empty);
}
