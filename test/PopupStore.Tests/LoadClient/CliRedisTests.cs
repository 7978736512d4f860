using PopupStore.LoadClient.Cli;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.LoadClient;

/// <summary>The sale verbs against a real redis-server, invoked in-process.</summary>
public sealed class CliRedisTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Start_then_status_then_reset()
    {
        var at = redis.Server.ConnectionString;

        var start = await CliTests.InvokeAsync("sale", "start", "--units", "500", "--duration", "90s", "--redis", at);
        Assert.Equal((ExitCodes.Ok, string.Empty), (start.Code, start.Err));
        Assert.StartsWith("Sale started: 500 units, 1:30", start.Out, StringComparison.Ordinal);

        var status = await CliTests.InvokeAsync("sale", "status", "--redis", at);
        Assert.Equal(ExitCodes.Ok, status.Code);
        Assert.Contains("Sale        open", status.Out, StringComparison.Ordinal);
        Assert.Contains("Available   500", status.Out, StringComparison.Ordinal);

        var different = await CliTests.InvokeAsync("sale", "start", "--units", "600", "--redis", at);
        Assert.Equal(ExitCodes.Failed, different.Code);
        Assert.Contains("--force", different.Err, StringComparison.Ordinal);

        var reset = await CliTests.InvokeAsync("sale", "reset", "--yes", "--redis", at);
        Assert.Equal(ExitCodes.Ok, reset.Code);
        Assert.Contains("No sale has started", (await CliTests.InvokeAsync("sale", "status", "--redis", at)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_over_a_closed_or_expired_sale_says_it_is_over_and_names_force()
    {
        var at = redis.Server.ConnectionString;
        await CliTests.InvokeAsync("sale", "start", "--units", "500", "--duration", "10m", "--redis", at);
        var close = await CliTests.InvokeAsync("sale", "close", "--redis", at);
        Assert.Equal(ExitCodes.Ok, close.Code);
        Assert.StartsWith("Sale closed at ", close.Out, StringComparison.Ordinal);

        var overClosed = await CliTests.InvokeAsync("sale", "start", "--units", "500", "--duration", "10m", "--redis", at);
        Assert.Equal(ExitCodes.Failed, overClosed.Code);
        Assert.Contains("is over: it was closed at", overClosed.Out, StringComparison.Ordinal);
        Assert.Contains("--force", overClosed.Err, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Ok, (await CliTests.InvokeAsync("sale", "start", "--units", "5", "--duration", "1s", "--force", "--redis", at)).Code);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var overExpired = await CliTests.InvokeAsync("sale", "start", "--units", "5", "--duration", "1s", "--redis", at);
        Assert.Equal(ExitCodes.Failed, overExpired.Code);
        Assert.Contains("is over: its window ended at", overExpired.Out, StringComparison.Ordinal);
        Assert.Contains("--force", overExpired.Err, StringComparison.Ordinal);

        await CliTests.InvokeAsync("sale", "reset", "--yes", "--redis", at);
        var noSale = await CliTests.InvokeAsync("sale", "close", "--redis", at);
        Assert.Equal(ExitCodes.Failed, noSale.Code);
        Assert.Contains("no sale", noSale.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_watch_off_a_terminal_prints_plain_lines_until_stopped()
    {
        var at = redis.Server.ConnectionString;
        await CliTests.InvokeAsync("sale", "start", "--units", "300", "--duration", "10m", "--redis", at);
        using var stop = new CancellationTokenSource();
        var output = new LineWriter();
        var error = new StringWriter();

        // Stopped once the first refresh is out, however long connecting took on a busy machine.
        var watching = PopupStoreCli.InvokeAsync(PopupStoreCli.CreateRoot(), ["sale", "status", "--watch", "--redis", at], output, error, stop.Token);
        await output.WaitForLinesAsync(1, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        var code = await watching.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((ExitCodes.Ok, string.Empty), (code, error.ToString()));
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the first refresh, and the last one when stopped
        Assert.All(lines, line => Assert.Matches(
            @"^\[ +\d+\.\ds\] open \d+:\d\d left \| available 300/300 \| sold 0 \(0\.0/s\) \| rejected 0 \(0\.0/s\): duplicate 0, sold-out 0, closed 0, invalid 0 \| customers ordering 0 \| orders in queue 0 \(0 pending\)$",
            line));
    }
}
