using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary>
/// The storefront's own instruments on a silo's /metrics (the Grafana panels "Storefront Answers" and "Storefront
/// Latency" read them): every order request counted once by its answer, the answered ones timed.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed partial class StorefrontMetricsTests(StorefrontFixture fx)
{
    private const string Timed = "(timed)";

    [Fact]
    public async Task Every_order_request_is_counted_by_its_answer_and_the_answered_ones_are_timed()
    {
        await fx.StartSaleAsync(2);
        var before = await ReadAsync(fx.A);

        var taken = Api.NewId("o");
        var first = await fx.A.OrderAsync(Api.NewId("c"), taken);
        var second = await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"));
        var third = await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"));
        // Another customer's order with the same id is an order of its own (there is no conflict).
        var sameIdOtherCustomer = await fx.A.OrderAsync(Api.NewId("c"), taken);
        var malformed = await fx.A.PostRawAsync("{\"customer\": 5}");

        // Silo C lets a client 3 requests at once: the fourth, a read, is refused but is no order request; the
        // fifth, an order, is refused and counted.
        const string Client = "198.51.100.23";
        for (var i = 0; i < StorefrontFixture.ClientBurst; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fx.C.GetAsync("/api/sale", forwardedFor: Client)).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await fx.C.GetAsync("/api/sale", forwardedFor: Client)).Status);
        var limited = await fx.C.OrderAsync(Api.NewId("c"), Api.NewId("o"), forwardedFor: Client);

        Assert.Equal(new[] { "complete", "complete", "sold-out" }, new[] { first.Outcome, second.Outcome, third.Outcome });
        Assert.Equal("sold-out", sameIdOtherCustomer.Outcome);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);

        var expected = new Dictionary<string, double>
        {
            ["complete"] = 2,
            ["sold-out"] = 2,
            ["bad-request"] = 1,
            ["limited"] = 1,
            [Timed] = 4,
        };
        var deltas = await WaitForAsync(fx.A, before, expected);
        Assert.Equal(expected.OrderBy(e => e.Key), deltas.Where(d => d.Value != 0).OrderBy(d => d.Key));

        var report = await fx.DrainAndCheckAsync([taken]);
        Assert.True(report.AllPassed, report.ToString());
    }

    /// <summary>The exporter caches a scrape for a moment: read until the counts move as far as expected, or 10 s.</summary>
    private static async Task<Dictionary<string, double>> WaitForAsync(
        StorefrontSilo silo, IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var deltas = Since(before, await ReadAsync(silo));
            if (expected.All(e => deltas.GetValueOrDefault(e.Key) >= e.Value) || DateTime.UtcNow > deadline)
            {
                // A moment more, so that a count going past what was expected shows too.
                await Task.Delay(500);
                return Since(before, await ReadAsync(silo));
            }

            await Task.Delay(100);
        }
    }

    private static Dictionary<string, double> Since(IReadOnlyDictionary<string, double> before, Dictionary<string, double> now) =>
        now.Keys.Union(before.Keys).ToDictionary(k => k, k => now.GetValueOrDefault(k) - before.GetValueOrDefault(k));

    /// <summary>The storefront's counts by answer, and the latency histogram's count under <see cref="Timed"/>.</summary>
    private static async Task<Dictionary<string, double>> ReadAsync(StorefrontSilo silo)
    {
        var text = await silo.Http.GetStringAsync("/metrics");
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (AnswerLine().Match(line) is { Success: true } answer)
            {
                counts[answer.Groups["answer"].Value] = double.Parse(answer.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
            else if (LatencyCountLine().Match(line) is { Success: true } timed)
            {
                counts[Timed] = double.Parse(timed.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    [GeneratedRegex("""^popupstore_storefront_orders_total\{[^}]*answer="(?<answer>[^"]+)"[^}]*\} (?<value>[0-9.e+]+)""")]
    private static partial Regex AnswerLine();

    [GeneratedRegex("""^popupstore_storefront_latency_milliseconds_count(\{[^}]*\})? (?<value>[0-9.e+]+)""")]
    private static partial Regex LatencyCountLine();
}
