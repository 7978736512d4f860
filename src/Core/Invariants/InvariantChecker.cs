using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Core.Invariants;

/// <summary>
/// Checks the invariants of DESIGN.md from what Redis holds. Tests run it after every sale scenario,
/// and the LoadClient prints it in its report.
/// </summary>
public sealed class InvariantChecker(IConnectionMultiplexer redis)
{
    /// <param name="writtenOrderIds">Order ids a run wrote: each must have exactly one outcome.</param>
    /// <param name="expectDrained">After the load stopped: queue:orders empty and nothing pending.</param>
    public async Task<InvariantReport> CheckAsync(IReadOnlyCollection<string>? writtenOrderIds = null, bool expectDrained = true)
    {
        var db = redis.GetDatabase();
        var results = new List<InvariantResult>();

        var units = (long?)await db.HashGetAsync(RedisKeys.Sale, "units");
        var productValue = await db.StringGetAsync(RedisKeys.Product);
        var product = productValue.IsNull ? (long?)null : (long)productValue;
        var buyers = await db.HashLengthAsync(RedisKeys.Buyers);
        var answers = await new OutcomeReader(redis).ReadAllAsync();
        var completed = answers.Where(a => a.Result == OrderResult.Complete).ToList();

        results.Add(new("stock never below zero", product is null or >= 0, $"product = {Show(product)}"));
        var sold = units is { } u && product is { } p ? u - p : (long?)null;
        results.Add(new(
            "units - product = completed orders",
            sold == completed.Count && buyers == completed.Count,
            $"units {Show(units)} - product {Show(product)} = {Show(sold)}; queue:complete {completed.Count}; sale:buyers {buyers}"));

        var repeatedCustomers = completed.GroupBy(a => a.CustomerId).Count(g => g.Count() > 1);
        results.Add(new(
            "one unit per customer",
            repeatedCustomers == 0,
            $"{completed.Select(a => a.CustomerId).Distinct().Count()} distinct buyers; {repeatedCustomers} customers completed more than once"));

        var answeredTwice = answers.GroupBy(a => a.OrderId).Count(g => g.Count() > 1);
        var detail = $"{answers.Count} outcomes; {answeredTwice} orders answered more than once";
        var passed = answeredTwice == 0;
        if (writtenOrderIds is not null)
        {
            var answered = answers.Select(a => a.OrderId).ToHashSet(StringComparer.Ordinal);
            var unanswered = writtenOrderIds.Count(id => !answered.Contains(id));
            detail += $"; {writtenOrderIds.Count} written, {unanswered} without an outcome";
            passed &= unanswered == 0;
        }

        results.Add(new("exactly one outcome per order", passed, detail));

        if (expectDrained)
        {
            var waiting = await db.StreamLengthAsync(RedisKeys.Orders);
            var pending = await new OrderQueue(redis).PendingCountAsync();
            results.Add(new(
                "queue:orders drained, nothing pending",
                waiting == 0 && pending == 0,
                $"XLEN queue:orders = {waiting}; pending in group {RedisKeys.ConsumerGroup} = {pending}"));
        }

        return new InvariantReport(results);
    }

    private static string Show(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)";
}
