using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PopupStore.Grains.Orders;
using PopupStore.Grains.Storefront;
using PopupStore.Grains.TimeSeries;

namespace PopupStore.Tests.Settings;

/// <summary>Bad settings are refused at start with one line naming the setting, its bounds and the value given.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(ProblemsOf(new OrderProcessingOptions()));
        Assert.Empty(ProblemsOf(new TimeSeriesOptions()));
        Assert.Empty(ProblemsOf(new StorefrontOptions()));
    }

    public static TheoryData<Action<OrderProcessingOptions>, string?> Processing => new()
    {
        { o => o.PollersPerSilo = 0, "Processing:PollersPerSilo must be between 1 and 64." },
        { o => o.PollersPerSilo = 1, null },
        { o => o.PollersPerSilo = 64, null },
        { o => o.PollersPerSilo = 65, "Processing:PollersPerSilo must be between 1 and 64." },
        { o => o.BatchSize = 0, "Processing:BatchSize must be between 1 and 10000." },
        { o => o.BatchSize = 1, null },
        { o => o.BatchSize = 10_000, null },
        { o => o.BatchSize = 10_001, "Processing:BatchSize must be between 1 and 10000." },
        { o => o.PollInterval = TimeSpan.Zero, "Processing:PollInterval must be at least 1 ms." },
        { o => o.PollInterval = TimeSpan.FromMilliseconds(1), null },
        { o => o.MaxPollInterval = TimeSpan.FromMilliseconds(4), "Processing:MaxPollInterval must be at least PollInterval." },
        { o => o.MaxPollInterval = TimeSpan.FromMilliseconds(5), null },
        { o => { o.ClaimIdleTime = TimeSpan.FromMilliseconds(99); o.RetryDelay = TimeSpan.Zero; }, "Processing:ClaimIdleTime must be at least 100 ms." },
        { o => { o.ClaimIdleTime = TimeSpan.FromMilliseconds(100); o.RetryDelay = TimeSpan.FromMilliseconds(50); }, null },
        { o => o.CompletionBatchSize = 0, "Processing:CompletionBatchSize must be between 1 and 2000." },
        { o => o.CompletionBatchSize = 1, null },
        { o => o.CompletionBatchSize = 2_000, null },
        { o => o.CompletionBatchSize = 2_001, "Processing:CompletionBatchSize must be between 1 and 2000." },
        { o => o.CompletionCallsInFlight = 0, "Processing:CompletionCallsInFlight must be between 1 and 64." },
        { o => o.CompletionCallsInFlight = 1, null },
        { o => o.CompletionCallsInFlight = 64, null },
        { o => o.CompletionCallsInFlight = 65, "Processing:CompletionCallsInFlight must be between 1 and 64." },
        { o => o.RetryDelay = TimeSpan.FromMilliseconds(-1), "Processing:RetryDelay must not be negative." },
        { o => o.RetryDelay = TimeSpan.Zero, null },
        { o => o.RetryDelay = TimeSpan.FromSeconds(5), "Processing:RetryDelay must be shorter than ClaimIdleTime." },
        { o => o.RetryDelay = TimeSpan.FromMilliseconds(4_999), null },
        { o => o.MaxDeliveries = 0, "Processing:MaxDeliveries must be at least 1." },
        { o => o.MaxDeliveries = 1, null },
    };

    [Theory]
    [MemberData(nameof(Processing))]
    public void Processing_settings_outside_their_bounds_are_named(Action<OrderProcessingOptions> change, string? expected)
    {
        var options = new OrderProcessingOptions();
        change(options);

        AssertNamed(expected, ProblemsOf(options));
    }

    public static TheoryData<Action<TimeSeriesOptions>, string?> Series => new()
    {
        { o => o.Window = TimeSpan.FromMilliseconds(99), "TimeSeries:Window must be at least 100 ms." },
        { o => o.Window = TimeSpan.FromMilliseconds(100), null },
        { o => o.Retention = TimeSpan.FromMilliseconds(-1), "TimeSeries:Retention must not be negative." },
        { o => o.Retention = TimeSpan.Zero, null },
        { o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(99), "TimeSeries:KeepAliveInterval must be at least 100 ms." },
        { o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100), null },
    };

    [Theory]
    [MemberData(nameof(Series))]
    public void Time_series_settings_outside_their_bounds_are_named(Action<TimeSeriesOptions> change, string? expected)
    {
        var options = new TimeSeriesOptions();
        change(options);

        AssertNamed(expected, ProblemsOf(options));
    }

    [Fact]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var options = new OrderProcessingOptions { PollersPerSilo = 0, BatchSize = 0, MaxDeliveries = 0 };

        Assert.Equal(3, ProblemsOf(options).Count);
    }

    [Fact]
    public void Each_series_carries_the_labels_the_Gears_script_gives_it()
    {
        var series = new SeriesDefinition("ts:len:queue:orders", "len", "queue:orders", SeriesDuplicatePolicy.Last);

        Assert.Equal(
            [new("app", "popupstore"), new("metric", "len"), new("stream", "queue:orders")],
            series.Labels);
    }

    public static TheoryData<string, string, string> RegisteredSections => new()
    {
        { "Processing:BatchSize", "0", "Processing:BatchSize must be between 1 and 10000." },
        { "Processing:ConsumerCleanupIdleTime", "00:00:01", "Processing:ConsumerCleanupIdleTime must be at least ClaimIdleTime." },
        { "Storefront:CustomerBurst", "0", "Storefront:CustomerBurst must be at least 1." },
        { "TimeSeries:Window", "00:00:00.050", "TimeSeries:Window must be at least 100 ms." },
    };

    [Theory]
    [MemberData(nameof(RegisteredSections))]
    public void The_silo_s_registration_refuses_a_bad_setting_from_configuration(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        var services = new ServiceCollection().AddOrderProcessing(configuration).AddStorefrontOrders(configuration).AddQueueTimeSeries(configuration);
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<OrderProcessingOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<StorefrontOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<TimeSeriesOptions>>().Value;
        });
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>What the options framework's data-annotation validation reports for these options.</summary>
    private static List<string> ProblemsOf(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage!)];
    }

    /// <summary>No problem when none is expected, else exactly the expected one.</summary>
    private static void AssertNamed(string? expected, IEnumerable<string> validation)
    {
        var problems = validation.ToList();
        if (expected is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Equal([expected], problems);
        }
    }
}
