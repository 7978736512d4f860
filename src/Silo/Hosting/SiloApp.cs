using Orleans.Configuration;
using Orleans.Dashboard;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using PopupStore.Grains;
using PopupStore.Grains.Telemetry;
using PopupStore.Silo.Health;
using PopupStore.Silo.Storefront;
using PopupStore.Silo.Telemetry;
using PopupStore.Grains.TimeSeries;
using OpenTelemetry.Metrics;
using StackExchange.Redis;

namespace PopupStore.Silo.Hosting;

/// <summary>
/// The silo process: an ASP.NET Core host (health, metrics, dashboard) around an Orleans silo that
/// finds its peers through Redis. Every replica is the same; only configuration differs.
/// </summary>
public static class SiloApp
{
    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString("Redis") ?? RedisConnector.DefaultConnectionString;
        var redis = await RedisConnector.ConnectAsync(connectionString, TimeSpan.FromSeconds(15));
        await PopupScripts.LoadAllAsync(redis);

        var dashboard = DashboardSwitch.From(builder.Configuration);
        builder.Services.AddSingleton<SiloHealth>();
        builder.Services.AddStorefront();
        builder.Services.AddOpenApi();

        builder.UseOrleans(silo =>
        {
            silo.AddPopupStore(redis, connectionString, builder.Configuration);
            if (dashboard.Enabled)
            {
                // The dashboard samples every Orleans gauge on each tick, and counting activations costs
                // more the more customer grains a sale has: sample every 10 s unless told otherwise.
                silo.AddDashboard(options =>
                {
                    options.CounterUpdateIntervalMs = 10_000;
                    builder.Configuration.GetSection(DashboardSwitch.SectionName).Bind(options);
                });
            }
        });

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans", PopupMetrics.MeterName, ClusterMetrics.MeterName, GcPauseMetrics.MeterName)
            .AddPrometheusExporter());
        builder.Services.AddHostedService<ClusterMetrics>();
        builder.Services.AddHostedService<GcPauseMetrics>();
        builder.Services.AddHostedService<MetricSeriesStart>();

        var app = builder.Build();
        app.MapGet("/health", async (SiloHealth health, CancellationToken cancellation) =>
        {
            var report = await health.CheckAsync(cancellation);
            return Results.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapStorefront();
        app.MapOpenApi();
        if (dashboard.Enabled)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard");
        }
        return app;
    }
}
