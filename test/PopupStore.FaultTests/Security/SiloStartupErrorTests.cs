using System.Net;
using System.Net.Sockets;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Security;

/// <summary>A silo that cannot start says why in one line and exits non-zero.</summary>
public sealed class SiloStartupErrorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_whose_http_address_is_taken_exits_1_with_one_line_naming_it()
    {
        await using var redis = await RedisProcess.StartAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var silo = SiloProcess.Start(
            redis.ConnectionString,
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{taken}" });
        var code = await silo.App.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var errors = silo.App.StandardError.Where(l => l.Trim().Length > 0).ToList();
        output.WriteLine($"silo exit code {code}; stderr: {string.Join(" | ", errors)}");

        Assert.Equal(1, code);
        var line = Assert.Single(errors);
        Assert.Contains($"127.0.0.1:{taken}", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_silo_whose_claim_idle_time_is_not_longer_than_a_grain_call_exits_2_naming_both_settings()
    {
        await using var redis = await RedisProcess.StartAsync();

        await using var silo = SiloProcess.Start(
            redis.ConnectionString,
            new Dictionary<string, string>
            {
                ["Processing__ClaimIdleTime"] = "00:00:03",
                ["Orleans__Messaging__ResponseTimeout"] = "00:00:05",
            });
        var code = await silo.App.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var errors = silo.App.StandardError.Where(l => l.Trim().Length > 0).ToList();
        output.WriteLine($"silo exit code {code}; stderr: {string.Join(" | ", errors)}");

        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.Contains("Processing:ClaimIdleTime", line, StringComparison.Ordinal);
        Assert.Contains("ResponseTimeout", line, StringComparison.Ordinal);
    }
}
