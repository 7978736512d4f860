using HdrHistogram;
using PopupStore.Core.Invariants;
using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;

namespace PopupStore.LoadClient.Report;

/// <summary>A run's figures, computed from the outcomes Redis stored (never from client-side guesses).</summary>
public sealed record RunReport(
    string RunId,
    int Buyers,
    int OrdersWritten,
    int Answered,
    int Unanswered,
    int DoubleAnswers,
    int Completed,
    IReadOnlyDictionary<string, int> Rejected,
    double? SellOutSeconds,
    double? SellOutAfterArrivalSeconds,
    double DurationSeconds,
    double OrdersPerSecond,
    LatencySummary Latency,
    long ProductLeft,
    IReadOnlyList<InvariantResult> Invariants)
{
    /// <summary>The buyer profile the run used (<c>run --profile</c>).</summary>
    public string Profile { get; init; } = Load.Profiles.BuyerProfiles.Flash;

    /// <summary>Orders written because an earlier order of the same customer had no answer yet (profile retry).</summary>
    public long Resubmitted { get; init; }

    /// <summary>Per-second answers by outcome, units left over time and the latency distribution.</summary>
    public RunTimeline Timeline { get; init; } = RunTimeline.Empty;

    /// <summary><c>stream</c>, or <c>http</c> when buyers went through the storefront (latency is then request to response).</summary>
    public string Via { get; init; } = Load.Vias.Stream;

    /// <summary>The storefront's responses in an http run.</summary>
    public Load.StorefrontSummary? Storefront { get; init; }

    public bool Passed => Unanswered == 0 && DoubleAnswers == 0 && (Storefront?.Failed ?? 0) == 0 && Invariants.All(i => i.Passed);

    public static RunReport Build(
        string runId,
        int buyers,
        IReadOnlyCollection<string> written,
        IReadOnlyDictionary<string, AnsweredOrder> answers,
        int doubleAnswers,
        long productLeft,
        InvariantReport invariants)
    {
        var histogram = new LongHistogram(TimeSpan.FromHours(1).Ticks / TimeSpan.TicksPerMillisecond, 3);
        long firstArrival = long.MaxValue, lastArrival = 0, lastAnswer = 0, lastSale = 0;
        foreach (var answer in answers.Values)
        {
            if (Core.Redis.StreamIds.Milliseconds(answer.OrderEntryId) is { } arrived)
            {
                firstArrival = Math.Min(firstArrival, arrived);
                lastArrival = Math.Max(lastArrival, arrived);
            }

            lastAnswer = Math.Max(lastAnswer, answer.AnsweredAtMilliseconds);
            if (answer.Result == OrderResult.Complete)
            {
                lastSale = Math.Max(lastSale, answer.AnsweredAtMilliseconds);
            }

            if (answer.LatencyMilliseconds is { } latency)
            {
                histogram.RecordValue(Math.Min(latency, histogram.HighestTrackableValue));
            }
        }

        var soldOut = productLeft == 0 && lastSale > 0 && firstArrival != long.MaxValue;
        var duration = firstArrival == long.MaxValue ? 0 : (lastAnswer - firstArrival) / 1000.0;
        var rejected = OrderResults.RejectionReasons.ToDictionary(
            reason => reason,
            reason => answers.Values.Count(a => a.Result != OrderResult.Complete && a.Result.ToWire() == reason));

        return new RunReport(
            runId,
            buyers,
            written.Count,
            answers.Count,
            written.Count(id => !answers.ContainsKey(id)),
            doubleAnswers,
            answers.Values.Count(a => a.Result == OrderResult.Complete),
            rejected,
            soldOut ? (lastSale - firstArrival) / 1000.0 : null,
            soldOut ? Math.Max(0, lastSale - lastArrival) / 1000.0 : null,
            duration,
            duration > 0 ? answers.Count / duration : 0,
            LatencySummary.From(histogram),
            productLeft,
            invariants.Results)
        {
            Timeline = RunTimeline.Build(answers.Values, productLeft),
        };
    }
}
