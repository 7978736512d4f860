using PopupStore.Core.Invariants;
using PopupStore.Core.Outcomes;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>Every scenario ends with the full invariant check of docs/design.md, printed to the test output.</summary>
public static class Invariants
{
    /// <summary>
    /// Waits for the queue to drain, then checks; the check is repeated briefly because a poller
    /// acknowledges its batch just after storing the last outcome.
    /// </summary>
    public static async Task<InvariantReport> AssertAllAsync(
        IConnectionMultiplexer redis, IReadOnlyCollection<string>? written, ITestOutputHelper output, string? context = null)
    {
        await Drain.WaitAsync(redis, TimeSpan.FromSeconds(60));
        var checker = new InvariantChecker(redis);
        var report = await checker.CheckAsync(written);
        for (var attempt = 0; attempt < 20 && !report.AllPassed; attempt++)
        {
            await Task.Delay(250);
            report = await checker.CheckAsync(written);
        }

        output.WriteLine(report.ToString());
        Assert.True(report.AllPassed, $"Invariants failed:{Environment.NewLine}{report}{Environment.NewLine}{context}");
        return report;
    }

    /// <summary>Order id -> its outcomes (more than one would be a double answer).</summary>
    public static async Task<Dictionary<string, List<AnsweredOrder>>> OutcomesAsync(IConnectionMultiplexer redis) =>
        (await new OutcomeReader(redis).ReadAllAsync())
            .GroupBy(a => a.OrderId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
}
