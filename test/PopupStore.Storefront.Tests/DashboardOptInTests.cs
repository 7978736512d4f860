using System.Net;
using PopupStore.Storefront.Tests.Infrastructure;
using PopupStore.Testing;

namespace PopupStore.Storefront.Tests;

/// <summary>The Orleans dashboard is off unless configured (it costs a silo CPU under load), and works when it is on.</summary>
public sealed class DashboardOptInTests
{
    [Theory]
    [InlineData(null, HttpStatusCode.NotFound)]
    [InlineData("true", HttpStatusCode.OK)]
    public async Task The_dashboard_is_served_only_when_enabled(string? enabled, HttpStatusCode expected)
    {
        await using var redis = await RedisProcess.StartAsync();
        var settings = enabled is null ? null : new Dictionary<string, string> { ["Dashboard:Enabled"] = enabled };
        await using var silo = await StorefrontSilo.StartAsync(redis.ConnectionString, $"dashboard-{Guid.NewGuid():N}", settings);

        using var response = await silo.Http.GetAsync("/dashboard/");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
