using System.Net;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Storefront.Tests.Infrastructure;
using PopupStore.Testing;

namespace PopupStore.Storefront.Tests;

/// <summary>A storefront request whose grain call is cancelled is never a 500: the buyer gets the answer or a retry.</summary>
/// <remarks>
/// In the storefront collection, though it starts a silo of its own: the storefront's counters are per process, and
/// its orders must not land in the middle of <see cref="StorefrontMetricsTests"/>' exact deltas.
/// </remarks>
[Collection(StorefrontCollection.Name)]
public sealed class CancelledRequestTests
{
    [Fact]
    public async Task A_cancelled_grain_call_is_never_a_500_and_the_order_is_answered_once()
    {
        await using var server = await RedisProcess.StartAsync();
        await using var redis = await server.ConnectAsync();
        await using var silo = await StorefrontSilo.StartAsync(server.ConnectionString, "cancel-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
        {
            ["hostingStartupAssemblies"] = typeof(CancelledWebOrderCalls).Assembly.GetName().Name!,
        });
        await new SaleStore(redis).StartAsync(10, TimeSpan.FromMinutes(10), force: true);
        var customer = CancelledWebOrderCalls.CustomerPrefix + Guid.NewGuid().ToString("N")[..8];

        var response = await silo.OrderAsync(customer, "cancelled-o");

        Assert.True(CancelledWebOrderCalls.Cancelled >= 1, "the grain call was not cancelled: the test proves nothing");
        Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, response.ToString());
        if (response.Status == HttpStatusCode.ServiceUnavailable)
        {
            // The buyer sends the same order again, as told.
            response = await silo.OrderAsync(customer, "cancelled-o");
        }

        if (response.Status == HttpStatusCode.Accepted)
        {
            response = await silo.FollowAsync(response.Location!, TimeSpan.FromSeconds(20));
        }

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("complete", response.Outcome);
        Assert.Equal("cancelled-o", (string?)await redis.GetDatabase().HashGetAsync(RedisKeys.Buyers, customer));
        Assert.Equal(9, (long)await redis.GetDatabase().StringGetAsync(RedisKeys.Product));
    }
}
