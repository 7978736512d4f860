using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Grains.TimeSeries;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.TimeSeries;

/// <summary>MODULE LIST replies to a decision, and the one log line a silo writes about it.</summary>
public sealed class ModuleDetectionTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static RedisResult Module(string name, long version) => RedisResult.Create(
    [
        RedisResult.Create((RedisValue)"name"), RedisResult.Create((RedisValue)name),
        RedisResult.Create((RedisValue)"ver"), RedisResult.Create((RedisValue)version),
        RedisResult.Create((RedisValue)"path"), RedisResult.Create((RedisValue)$"/opt/{name}.so"),
        RedisResult.Create((RedisValue)"args"), RedisResult.Create(Array.Empty<RedisResult>()),
    ]);

    [Fact]
    public void Reads_module_names_from_a_module_list_reply()
    {
        var reply = RedisResult.Create([Module("rg", 10205), Module("timeseries", 10405)]);

        var modules = RedisModules.FromModuleList(reply);

        Assert.True(modules.Known);
        Assert.True(modules.HasGears);
        Assert.True(modules.HasTimeSeries);
        Assert.Equal(SeriesSource.GearsScript, SeriesSources.Decide(modules, TimeSeriesWriterMode.Auto));
    }

    [Fact]
    public void An_empty_module_list_means_neither()
    {
        var modules = RedisModules.FromModuleList(RedisResult.Create(Array.Empty<RedisResult>()));

        Assert.True(modules.Known);
        Assert.Equal(SeriesSource.NoModules, SeriesSources.Decide(modules, TimeSeriesWriterMode.Auto));
    }

    [Theory]
    [InlineData(new[] { "rg", "timeseries" }, TimeSeriesWriterMode.Auto, SeriesSource.GearsScript)]
    [InlineData(new[] { "timeseries", "search", "ReJSON", "bf" }, TimeSeriesWriterMode.Auto, SeriesSource.ClusterWriter)]
    [InlineData(new[] { "rg" }, TimeSeriesWriterMode.Auto, SeriesSource.GearsWithoutTimeSeries)]
    [InlineData(new[] { "search" }, TimeSeriesWriterMode.Auto, SeriesSource.NoModules)]
    [InlineData(new string[0], TimeSeriesWriterMode.Auto, SeriesSource.NoModules)]
    [InlineData(new[] { "timeseries" }, TimeSeriesWriterMode.Off, SeriesSource.Disabled)]
    [InlineData(new[] { "rg", "timeseries" }, TimeSeriesWriterMode.Cluster, SeriesSource.ClusterWriter)]
    public void Decides_who_writes(string[] modules, TimeSeriesWriterMode mode, SeriesSource expected) =>
        Assert.Equal(expected, SeriesSources.Decide(RedisModules.Of(modules), mode));

    [Fact]
    public void A_refused_module_list_is_unknown_unless_the_writer_is_forced()
    {
        var modules = RedisModules.Unknown("NOPERM User popupstore has no permissions to run the 'module|list' command");

        Assert.Equal(SeriesSource.Unknown, SeriesSources.Decide(modules, TimeSeriesWriterMode.Auto));
        Assert.Equal(SeriesSource.ClusterWriter, SeriesSources.Decide(modules, TimeSeriesWriterMode.Cluster));
    }

    [Fact]
    public void Finds_the_popupstore_registration_in_rg_dumpregistrations()
    {
        static RedisResult Registration(string description) => RedisResult.Create(
        [
            RedisResult.Create((RedisValue)"id"), RedisResult.Create((RedisValue)"0000000000000000000000000000000000000000-1"),
            RedisResult.Create((RedisValue)"reader"), RedisResult.Create((RedisValue)"StreamReader"),
            RedisResult.Create((RedisValue)"desc"), RedisResult.Create((RedisValue)description),
            RedisResult.Create((RedisValue)"RegistrationData"), RedisResult.Create(
            [
                RedisResult.Create((RedisValue)"mode"), RedisResult.Create((RedisValue)"async"),
                RedisResult.Create((RedisValue)"args"), RedisResult.Create([RedisResult.Create((RedisValue)"prefix"), RedisResult.Create((RedisValue)"queue:*")]),
            ]),
        ]);

        Assert.True(GearsRegistrations.Contains(RedisResult.Create([Registration("other"), Registration("popupstore-timeseries")])));
        Assert.False(GearsRegistrations.Contains(RedisResult.Create([Registration("other")])));
        Assert.False(GearsRegistrations.Contains(RedisResult.Create(Array.Empty<RedisResult>())));
    }

    [Fact]
    public async Task A_plain_redis_server_has_neither_module()
    {
        var modules = await RedisModules.DetectAsync(redis.Database);

        Assert.True(modules.Known, modules.Error);
        Assert.False(modules.HasGears);
        Assert.False(modules.HasTimeSeries);
        Assert.Equal(SeriesSource.NoModules, SeriesSources.Decide(modules, TimeSeriesWriterMode.Auto));
    }

    [Fact]
    public async Task On_a_plain_redis_server_the_silo_warns_once_naming_the_empty_panels()
    {
        var log = new ListLogger<TimeSeriesSupervisor>();
        var supervisor = new TimeSeriesSupervisor(redis.Redis, null!, Options.Create(new TimeSeriesOptions()), log);

        var source = await supervisor.DetectAndReportAsync();

        Assert.Equal(SeriesSource.NoModules, source);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        foreach (var panel in QueueSeries.DashboardPanels)
        {
            Assert.Contains($"'{panel}'", entry.Message, StringComparison.Ordinal);
        }

        Assert.Contains("neither RedisGears nor RedisTimeSeries", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acl_that_refuses_module_list_reads_as_unknown_and_is_logged()
    {
        const string user = "limited";
        var password = Guid.NewGuid().ToString("N");
        await redis.Database.ExecuteAsync("ACL", "SETUSER", user, "on", $">{password}", "resetkeys", "~*", "-@all", "+ping", "+info", "+client|setname", "+echo", "+role", "+select");
        try
        {
            var options = ConfigurationOptions.Parse(redis.Server.ConnectionString);
            options.User = user;
            options.Password = password;
            await using var limited = await ConnectionMultiplexer.ConnectAsync(options);

            var modules = await RedisModules.DetectAsync(limited.GetDatabase());
            Assert.False(modules.Known);
            Assert.Contains("NOPERM", modules.Error, StringComparison.Ordinal);

            var log = new ListLogger<TimeSeriesSupervisor>();
            var source = await new TimeSeriesSupervisor(limited, null!, Options.Create(new TimeSeriesOptions()), log).DetectAndReportAsync();
            Assert.Equal(SeriesSource.Unknown, source);
            var entry = Assert.Single(log.Entries);
            Assert.Equal(LogLevel.Warning, entry.Level);
            Assert.Contains("NOPERM", entry.Message, StringComparison.Ordinal);
            Assert.Contains("TimeSeries:Writer=Cluster", entry.Message, StringComparison.Ordinal);
        }
        finally
        {
            await redis.Database.ExecuteAsync("ACL", "DELUSER", user);
        }
    }
}
