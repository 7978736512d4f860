using PopupStore.Core.Invariants;
using StackExchange.Redis;

namespace PopupStore.Tests.Infrastructure;

/// <summary>Every sale scenario ends here: the invariants of docs/design.md, checked in Redis.</summary>
public static class SaleAssertions
{
    public static async Task AssertInvariantsAsync(IConnectionMultiplexer redis, IReadOnlyCollection<string>? writtenOrderIds = null, bool expectDrained = true)
    {
        var report = await new InvariantChecker(redis).CheckAsync(writtenOrderIds, expectDrained);
        Assert.True(report.AllPassed, "Invariants failed:" + Environment.NewLine + report);
    }
}
