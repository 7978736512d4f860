using PopupStore.Bench;
using PopupStore.Testing;
using System.Globalization;
using System.Net;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// A real silo process (<c>dotnet PopupStore.Silo.dll</c>) on loopback ports of its own, started by the product's
/// launcher (<see cref="SiloLaunch"/>) and configured only through environment variables, as the scripts and compose do.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    private AppProcess _app;

    private SiloProcess(AppProcess app, int siloPort, int gatewayPort, int httpPort, Dictionary<string, string> environment)
    {
        _app = app;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        Environment = environment;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public AppProcess App => _app;

    /// <summary>Consumer names of this silo's pollers start with this ("&lt;endpoint&gt;/&lt;n&gt;").</summary>
    public string ConsumerPrefix => $"127.0.0.1:{SiloPort}/";

    public Uri Health => new($"http://127.0.0.1:{HttpPort}/health");

    public static SiloProcess Start(string redis, IReadOnlyDictionary<string, string>? settings = null, string? name = null)
    {
        var (siloPort, gatewayPort, httpPort) = (Ports.Free(), Ports.Free(), Ports.Free());
        var environment = SiloLaunch.Loopback(redis, siloPort, gatewayPort, httpPort);
        environment["Processing__ClaimIdleTime"] = "00:00:03";
        environment["Orleans__Messaging__ResponseTimeout"] = "00:00:02";
        environment["Processing__ClaimInterval"] = "00:00:00.500";
        environment["Processing__KeepAliveInterval"] = "00:00:01";
        environment["Logging__LogLevel__PopupStore"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var app = AppProcess.Start("PopupStore.Silo.dll", environment, name: name ?? $"silo:{siloPort}");
        return new SiloProcess(app, siloPort, gatewayPort, httpPort, environment);
    }

    /// <summary>Starts the same silo again on the same ports (same endpoint, so the same consumer names).</summary>
    public async Task RestartAsync()
    {
        await _app.DisposeAsync();
        _app = AppProcess.Start("PopupStore.Silo.dll", Environment, name: _app.Name);
    }

    /// <summary>GET /health: the status code, or null when nothing answers.</summary>
    public async Task<HttpStatusCode?> HealthAsync()
    {
        try
        {
            using var response = await Http.GetAsync(Health);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_app.HasExited)
            {
                throw new InvalidOperationException($"{_app.Name} exited with code {_app.ExitCode}:{System.Environment.NewLine}{_app.Tail()}");
            }

            if (await HealthAsync() == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{_app.Name} was not healthy within {timeout}:{System.Environment.NewLine}{_app.Tail()}");
    }

    public void Kill() => _app.Kill();

    public Task<bool> StopAsync() => _app.StopAsync(TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
