using System.Globalization;
using Microsoft.AspNetCore.Builder;
using PopupStore.Silo.Hosting;
using PopupStore.Testing;

namespace PopupStore.Storefront.Tests.Infrastructure;

/// <summary>
/// A whole silo host in the test process, built by the product's own <see cref="SiloApp"/> (Kestrel on a
/// free loopback port, Orleans with Redis membership, the storefront), configured like a real one.
/// </summary>
public sealed class StorefrontSilo : IAsyncDisposable
{
    private StorefrontSilo(WebApplication app, Uri address, HttpClient http)
    {
        App = app;
        Address = address;
        Http = http;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public static async Task<StorefrontSilo> StartAsync(string redis, string clusterId, IReadOnlyDictionary<string, string>? settings = null)
    {
        var httpPort = Ports.Free();
        var values = new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = "popupstore-storefront-tests",
            ["Orleans:Endpoints:SiloPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Processing:ClaimIdleTime"] = "00:00:03",
            ["Orleans:Messaging:ResponseTimeout"] = "00:00:02",
            ["Processing:ClaimInterval"] = "00:00:00.500",
            ["Processing:KeepAliveInterval"] = "00:00:01",
            ["Storefront:AnswerTimeout"] = "00:00:02",
            ["Storefront:ClientRequestsPerSecond"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        var app = await SiloApp.BuildAsync([.. values.Select(v => $"--{v.Key}={v.Value}")]);
        await app.StartAsync();
        var address = new Uri($"http://127.0.0.1:{httpPort}");
        return new StorefrontSilo(app, address, new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await App.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
