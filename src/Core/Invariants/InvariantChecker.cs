using System.Globalization;
using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Core.Invariants;

/// <summary>
/// Checks the invariants of docs/design.md from what Redis holds. Tests run it after every sale scenario,
/// and the LoadClient prints it in its report.
/// </summary>
/// <remarks>
/// A final value alone can hide a violation (an oversold sale whose <c>product</c> was put back reads 0
/// at the end), so the stock is also judged from the history: <c>queue:complete</c> keeps every sale in
/// order, and the k-th sale left <c>units - k</c> units. The guard hashes and counters the completion
/// script keeps next to the streams must tell the same story as the streams.
/// </remarks>
public sealed class InvariantChecker(IConnectionMultiplexer redis)
{
    public const string StockNeverBelowZero = "stock never below zero";
    public const string UnitsMatchCompleted = "units - product = completed orders";
    public const string OneUnitPerCustomer = "one unit per customer";
    public const string DuplicatesNameBuyers = "every duplicate names a customer who bought";
    public const string ExactlyOneOutcome = "exactly one outcome per order";
    public const string BookkeepingAgrees = "sale:answered and sale:counts match the outcomes";
    public const string Drained = "queue:orders drained, nothing pending";

    /// <param name="writtenOrderIds">Order ids a run wrote: each must have exactly one outcome.</param>
    /// <param name="expectDrained">After the load stopped: queue:orders empty and nothing pending.</param>
    public async Task<InvariantReport> CheckAsync(IReadOnlyCollection<string>? writtenOrderIds = null, bool expectDrained = true)
    {
        var db = redis.GetDatabase();
        var units = ParseLong(await db.HashGetAsync(RedisKeys.Sale, "units"));
        var product = ParseLong(await db.StringGetAsync(RedisKeys.Product));
        var buyers = await ReadHashAsync(db, RedisKeys.Buyers);
        var answered = await ReadHashAsync(db, RedisKeys.Answered);
        var counts = await ReadHashAsync(db, RedisKeys.Counts);
        var answers = await new OutcomeReader(redis).ReadAllAsync();
        var completed = answers.Where(a => a.Result == OrderResult.Complete).ToList();

        List<InvariantResult> results =
        [
            CheckStock(units, product, completed),
            CheckUnits(units, product, completed.Count, buyers.Count),
            CheckCustomers(completed, buyers),
            CheckDuplicates(answers, buyers),
            CheckOutcomes(answers, writtenOrderIds),
            CheckBookkeeping(answers, answered, counts),
        ];

        if (expectDrained)
        {
            var waiting = await db.StreamLengthAsync(RedisKeys.Orders);
            var pending = await new OrderQueue(redis).PendingCountAsync();
            results.Add(new(
                Drained,
                waiting == 0 && pending == 0,
                $"XLEN queue:orders = {waiting}; pending in group {RedisKeys.ConsumerGroup} = {pending}"));
        }

        return new InvariantReport(results);
    }

    private static InvariantResult CheckStock(long? units, long? product, List<AnsweredOrder> completed)
    {
        var detail = $"product = {Show(product)}";
        if (units is not { } total)
        {
            return new(StockNeverBelowZero, false, detail + "; no sale (sale.units missing), so no stock to judge");
        }

        if (product is null)
        {
            return new(StockNeverBelowZero, false, detail + $"; units {total}: the stock key is gone");
        }

        // The (units + 1)-th sale is the moment the stock went below zero, whatever product reads now.
        var lowest = total - completed.Count;
        detail += $"; lowest from queue:complete = units {total} - {completed.Count} sales = {lowest}";
        if (lowest < 0)
        {
            var first = completed[(int)Math.Clamp(total, 0, completed.Count - 1)];
            detail += $" (below zero from entry {first.OutcomeEntryId}, order {first.OrderId})";
        }

        return new(StockNeverBelowZero, product >= 0 && lowest >= 0, detail);
    }

    private static InvariantResult CheckUnits(long? units, long? product, int completed, int buyers)
    {
        var sold = units is { } u && product is { } p ? u - p : (long?)null;
        return new(
            UnitsMatchCompleted,
            sold == completed && buyers == completed,
            $"units {Show(units)} - product {Show(product)} = {Show(sold)}; queue:complete {completed}; sale:buyers {buyers}");
    }

    private static InvariantResult CheckCustomers(List<AnsweredOrder> completed, Dictionary<string, string> buyers)
    {
        var byCustomer = completed.GroupBy(a => a.CustomerId, StringComparer.Ordinal).ToList();
        var repeated = byCustomer.Count(g => g.Count() > 1);

        // sale:buyers is the durable guard: it must name, for each buyer, the order that bought.
        var guardMissing = byCustomer.Count(g => !buyers.TryGetValue(g.Key, out var order) || g.All(a => a.OrderId != order));
        var customers = byCustomer.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var guardExtra = buyers.Keys.Count(customer => !customers.Contains(customer));
        return new(
            OneUnitPerCustomer,
            repeated == 0 && guardMissing == 0 && guardExtra == 0,
            $"{byCustomer.Count} distinct buyers; {repeated} customers completed more than once; " +
            $"sale:buyers: {guardMissing} buyers missing or naming another order, {guardExtra} customers without a sale");
    }

    /// <summary>
    /// A duplicate says its customer already has a unit: one given to a customer who never bought took a unit from
    /// nobody but refused one (an order id of another customer's taken for theirs, a misled purchase record).
    /// </summary>
    private static InvariantResult CheckDuplicates(List<AnsweredOrder> answers, Dictionary<string, string> buyers)
    {
        var duplicates = answers.Where(a => a.Result == OrderResult.Duplicate).ToList();
        var ofNonBuyers = duplicates.Count(a => !buyers.ContainsKey(a.CustomerId));
        return new(
            DuplicatesNameBuyers,
            ofNonBuyers == 0,
            $"{duplicates.Count} duplicates; {ofNonBuyers} of customers not in sale:buyers");
    }

    private static InvariantResult CheckOutcomes(List<AnsweredOrder> answers, IReadOnlyCollection<string>? writtenOrderIds)
    {
        // An order is its customer's: the same order id of two customers is two orders.
        var answeredTwice = answers.GroupBy(a => RedisKeys.AnswerField(a.CustomerId, a.OrderId), StringComparer.Ordinal).Count(g => g.Count() > 1);
        var detail = $"{answers.Count} outcomes; {answeredTwice} orders answered more than once";
        var passed = answeredTwice == 0;
        if (writtenOrderIds is not null)
        {
            var answered = answers.Select(a => a.OrderId).ToHashSet(StringComparer.Ordinal);
            var unanswered = writtenOrderIds.Count(id => !answered.Contains(id));
            detail += $"; {writtenOrderIds.Count} written, {unanswered} without an outcome";
            passed &= unanswered == 0;
        }

        return new(ExactlyOneOutcome, passed, detail);
    }

    private static InvariantResult CheckBookkeeping(
        List<AnsweredOrder> answers, Dictionary<string, string> answered, Dictionary<string, string> counts)
    {
        // Each order's first outcome is the one its caller got; sale:answered must hold exactly that, under the
        // order's customer and id.
        var firstOutcome = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var answer in answers)
        {
            firstOutcome.TryAdd(RedisKeys.AnswerField(answer.CustomerId, answer.OrderId), answer.Result.ToWire());
        }

        var disagreeing = firstOutcome.Count(o => !answered.TryGetValue(o.Key, out var stored) || stored != o.Value);
        var withoutOutcome = answered.Keys.Count(order => !firstOutcome.ContainsKey(order));

        // Counters are bumped once per outcome written, so they count stream entries, not orders.
        var wrongCounters = new List<string>();
        foreach (var result in OrderResults.All)
        {
            var field = result == OrderResult.Complete ? "completed" : "rejected:" + result.ToWire();
            var inStreams = answers.Count(a => a.Result == result);
            var counted = ParseLong(counts.GetValueOrDefault(field)) ?? 0;
            if (counted != inStreams)
            {
                wrongCounters.Add($"{field} {counted} != {inStreams}");
            }
        }

        return new(
            BookkeepingAgrees,
            disagreeing == 0 && withoutOutcome == 0 && wrongCounters.Count == 0,
            $"sale:answered {answered.Count}: {disagreeing} orders missing or with another outcome, {withoutOutcome} without an outcome entry; " +
            $"sale:counts {(wrongCounters.Count == 0 ? "agree" : string.Join(", ", wrongCounters))}");
    }

    private static async Task<Dictionary<string, string>> ReadHashAsync(IDatabase db, RedisKey key)
    {
        // HSCAN in pages: a sale's guard hashes hold an entry per buyer or order, too many for one HGETALL.
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in db.HashScanAsync(key, pageSize: 5000))
        {
            entries[entry.Name!] = entry.Value!;
        }

        return entries;
    }

    /// <summary>An integer value, or null when the key is missing or holds something else.</summary>
    private static long? ParseLong(string? value) =>
        value is null ? null : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(missing)";
}
