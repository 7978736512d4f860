using PopupStore.Grains.Orders;
using PopupStore.Grains.TimeSeries;

namespace PopupStore.Tests.Settings;

/// <summary>Bad settings are refused at start with one line naming the setting, its bounds and the value given.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(new OrderProcessingOptions().Validate());
        Assert.Empty(new TimeSeriesOptions().Validate());
    }

    public static TheoryData<Action<OrderProcessingOptions>, string?> Processing => new()
    {
        { o => o.PollersPerSilo = 0, "Processing:PollersPerSilo must be between 1 and 64 (was 0)." },
        { o => o.PollersPerSilo = 1, null },
        { o => o.PollersPerSilo = 64, null },
        { o => o.PollersPerSilo = 65, "Processing:PollersPerSilo must be between 1 and 64 (was 65)." },
        { o => o.BatchSize = 0, "Processing:BatchSize must be between 1 and 10000 (was 0)." },
        { o => o.BatchSize = 1, null },
        { o => o.BatchSize = 10_000, null },
        { o => o.BatchSize = 10_001, "Processing:BatchSize must be between 1 and 10000 (was 10001)." },
        { o => o.PollInterval = TimeSpan.Zero, "Processing:PollInterval must be at least 1 ms (was 00:00:00)." },
        { o => o.PollInterval = TimeSpan.FromMilliseconds(1), null },
        { o => o.MaxPollInterval = TimeSpan.FromMilliseconds(4), "Processing:MaxPollInterval must be at least PollInterval (was 00:00:00.0040000)." },
        { o => o.MaxPollInterval = TimeSpan.FromMilliseconds(5), null },
        { o => { o.ClaimIdleTime = TimeSpan.FromMilliseconds(99); o.RetryDelay = TimeSpan.Zero; }, "Processing:ClaimIdleTime must be at least 100 ms (was 00:00:00.0990000)." },
        { o => { o.ClaimIdleTime = TimeSpan.FromMilliseconds(100); o.RetryDelay = TimeSpan.FromMilliseconds(50); }, null },
        { o => o.CompletionBatchSize = 0, "Processing:CompletionBatchSize must be between 1 and 2000 (was 0)." },
        { o => o.CompletionBatchSize = 1, null },
        { o => o.CompletionBatchSize = 2_000, null },
        { o => o.CompletionBatchSize = 2_001, "Processing:CompletionBatchSize must be between 1 and 2000 (was 2001)." },
        { o => o.CompletionCallsInFlight = 0, "Processing:CompletionCallsInFlight must be between 1 and 64 (was 0)." },
        { o => o.CompletionCallsInFlight = 1, null },
        { o => o.CompletionCallsInFlight = 64, null },
        { o => o.CompletionCallsInFlight = 65, "Processing:CompletionCallsInFlight must be between 1 and 64 (was 65)." },
        { o => o.RetryDelay = TimeSpan.FromMilliseconds(-1), "Processing:RetryDelay must be between 0 and ClaimIdleTime (was -00:00:00.0010000)." },
        { o => o.RetryDelay = TimeSpan.Zero, null },
        { o => o.RetryDelay = TimeSpan.FromSeconds(5), "Processing:RetryDelay must be between 0 and ClaimIdleTime (was 00:00:05)." },
        { o => o.RetryDelay = TimeSpan.FromMilliseconds(4_999), null },
        { o => o.MaxDeliveries = 0, "Processing:MaxDeliveries must be at least 1 (was 0)." },
        { o => o.MaxDeliveries = 1, null },
    };

    [Theory]
    [MemberData(nameof(Processing))]
    public void Processing_settings_outside_their_bounds_are_named(Action<OrderProcessingOptions> change, string? expected)
    {
        var options = new OrderProcessingOptions();
        change(options);

        AssertNamed(expected, options.Validate());
    }

    public static TheoryData<Action<TimeSeriesOptions>, string?> Series => new()
    {
        { o => o.Window = TimeSpan.FromMilliseconds(99), "TimeSeries:Window must be at least 100 ms (was 00:00:00.0990000)." },
        { o => o.Window = TimeSpan.FromMilliseconds(100), null },
        { o => o.Retention = TimeSpan.FromMilliseconds(-1), "TimeSeries:Retention must not be negative (was -00:00:00.0010000)." },
        { o => o.Retention = TimeSpan.Zero, null },
        { o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(99), "TimeSeries:KeepAliveInterval must be at least 100 ms (was 00:00:00.0990000)." },
        { o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100), null },
    };

    [Theory]
    [MemberData(nameof(Series))]
    public void Time_series_settings_outside_their_bounds_are_named(Action<TimeSeriesOptions> change, string? expected)
    {
        var options = new TimeSeriesOptions();
        change(options);

        AssertNamed(expected, options.Validate());
    }

    [Fact]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var options = new OrderProcessingOptions { PollersPerSilo = 0, BatchSize = 0, MaxDeliveries = 0 };

        Assert.Equal(3, options.Validate().Count());
    }

    [Fact]
    public void Each_series_carries_the_labels_the_Gears_script_gives_it()
    {
        var series = new SeriesDefinition("ts:len:queue:orders", "len", "queue:orders", SeriesDuplicatePolicy.Last);

        Assert.Equal(
            [new("app", "popupstore"), new("metric", "len"), new("stream", "queue:orders")],
            series.Labels);
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
