using System.Net;
using PopupStore.Core.Redis;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

[Collection(StorefrontCollection.Name)]
public sealed class RateLimitTests(StorefrontFixture fx)
{
    [Fact]
    public async Task A_customer_past_its_burst_is_429_with_Retry_After_and_nothing_written()
    {
        await fx.StartSaleAsync(5);
        var customer = Api.NewId("c");
        var allowed = new List<ApiResponse>();
        for (var i = 0; i < 4; i++)
        {
            allowed.Add(await fx.A.OrderAsync(customer, Api.NewId("o")));
        }

        var refusedOrder = Api.NewId("o");
        var refused = await fx.A.OrderAsync(customer, refusedOrder);

        Assert.All(allowed, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.True(int.Parse(refused.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Null(await fx.Database.AnsweredAsync(customer, refusedOrder));
        Assert.False(await fx.Database.HashExistsAsync(RedisKeys.WebOrders, RedisKeys.AnswerField(customer, refusedOrder)));

        // Another customer is not held back by this one.
        Assert.Equal(HttpStatusCode.OK, (await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"))).Status);
    }

    [Fact]
    public async Task A_client_past_its_burst_is_429_with_Retry_After_and_other_clients_are_not()
    {
        await fx.StartSaleAsync(5);
        const string Client = "203.0.113.7";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < StorefrontFixture.ClientBurst; i++)
        {
            statuses.Add((await fx.C.GetAsync("/api/sale", forwardedFor: Client)).Status);
        }

        var refused = await fx.C.GetAsync("/api/sale", forwardedFor: Client);
        var order = await fx.C.OrderAsync(Api.NewId("c"), Api.NewId("o"), forwardedFor: Client);
        var other = await fx.C.GetAsync("/api/sale", forwardedFor: "203.0.113.8");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, order.Status);
        Assert.Equal(0, await fx.Database.OrdersWrittenAsync());
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }
}
