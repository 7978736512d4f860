using System.Globalization;
using System.Text.RegularExpressions;
using PopupStore.Core.Orders;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// A silo process that has taken no order already exports every order and storefront series the dashboard reads,
/// counters at 0: Prometheus' <c>rate()</c> sees no increase in a series that first appears holding a burst's
/// counts, so the first burst of a sale, shorter than one scrape, would show in no panel.
/// </summary>
public sealed partial class MetricSeriesAtStartTests(ITestOutputHelper output)
{
    private static readonly string[] StorefrontAnswers =
        [.. OrderResults.All.Select(r => r.ToWire()), "pending", "limited", "bad-request", "unavailable"];

    [Fact]
    public async Task A_fresh_silo_exports_every_dashboard_series_before_any_order()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString);
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(2));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"));
        output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.StartsWith("popupstore_", StringComparison.Ordinal))));

        foreach (var outcome in OrderResults.All.Select(r => r.ToWire()))
        {
            Assert.Equal(0, Value(text, "popupstore_orders_total", "outcome", outcome));
        }

        foreach (var answer in StorefrontAnswers)
        {
            Assert.Equal(0, Value(text, "popupstore_storefront_orders_total", "answer", answer));
        }

        // The histograms exist with every bucket, holding only the observation made at start.
        foreach (var histogram in new[] { "popupstore_completion_latency_milliseconds", "popupstore_storefront_latency_milliseconds" })
        {
            Assert.Equal(1, Value(text, histogram + "_count", null, null));
            Assert.Equal(1, Value(text, histogram + "_bucket", "le", "+Inf"));
            Assert.Equal(0, Value(text, histogram + "_sum", null, null));
        }
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose label has the value given (any labels when null).</summary>
    private static double Value(string text, string name, string? label, string? value)
    {
        var samples = text.Split('\n')
            .Select(line => SampleLine().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => label is null || m.Groups["labels"].Value.Contains($"{label}=\"{value}\"", StringComparison.Ordinal))
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(samples.Count == 1, $"{name} {label}={value}: {samples.Count} samples, expected 1");
        return samples[0];
    }

    [GeneratedRegex("""^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|\+Inf|NaN)( \d+)?\r?$""")]
    private static partial Regex SampleLine();
}
