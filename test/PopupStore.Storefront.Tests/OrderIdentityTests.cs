using System.Net;
using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary>
/// A web order is its buyer's: an order id that another customer used (through the stream or the web) is a
/// different order, answered on its own, and only its buyer can read its outcome.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class OrderIdentityTests(StorefrontFixture fx)
{
    [Fact]
    public async Task A_web_order_with_a_stream_orders_id_gets_its_own_answer_not_that_orders()
    {
        await fx.StartSaleAsync(1);
        var (streamCustomer, webCustomer, order) = (Api.NewId("s"), Api.NewId("w"), Api.NewId("o"));
        await fx.Database.WriteStreamOrderAsync(streamCustomer, order);
        await WaitOutcomeAsync(streamCustomer, order);

        var web = await fx.A.OrderAsync(webCustomer, order);

        // The one unit went to the stream order: the web buyer is told so, and is not a buyer.
        Assert.Equal(HttpStatusCode.OK, web.Status);
        Assert.Equal("sold-out", web.Outcome);
        Assert.False(await fx.Database.HashExistsAsync(RedisKeys.Buyers, webCustomer));
        var report = await fx.DrainAndCheckAsync([order]);
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task A_web_order_with_the_id_of_a_waiting_stream_order_is_decided_on_its_own()
    {
        await fx.StartSaleAsync(10);
        var (streamCustomer, webCustomer, order) = (Api.NewId("s"), Api.NewId("w"), Api.NewId("o"));
        await fx.Database.HoldNewOrdersAsync();
        try
        {
            await fx.Database.WriteStreamOrderAsync(streamCustomer, order);
            var pending = fx.A.OrderAsync(webCustomer, order);
            await Task.Delay(300);
            await fx.Database.ResumeReadingAsync();
            var web = await pending;
            if (web.Status == HttpStatusCode.Accepted)
            {
                web = await fx.A.FollowAsync(web.Location!, TimeSpan.FromSeconds(20));
            }

            // Two buyers, two orders, two units: "complete" for the web buyer means the web buyer bought.
            Assert.Equal(HttpStatusCode.OK, web.Status);
            Assert.Equal("complete", web.Outcome);
            Assert.True(await fx.Database.HashExistsAsync(RedisKeys.Buyers, webCustomer), "told complete but not a buyer");
        }
        finally
        {
            await fx.Database.ResumeReadingAsync();
        }

        var report = await fx.DrainAndCheckAsync([order]);
        Assert.True(report.AllPassed, report.ToString());
        Assert.True(await fx.Database.HashExistsAsync(RedisKeys.Buyers, streamCustomer));
    }

    [Fact]
    public async Task A_reused_order_id_does_not_make_its_customer_a_known_buyer_on_the_web()
    {
        await fx.StartSaleAsync(1);
        var (owner, reuser, order) = (Api.NewId("a"), Api.NewId("b"), Api.NewId("o"));
        await fx.Database.WriteStreamOrderAsync(owner, order);
        await WaitOutcomeAsync(owner, order);

        // The reuser's stream order with the owner's id, then the reuser's own order on the web: the unit is gone,
        // so both are sold-out, and the web order is no "duplicate" of a purchase the reuser never made.
        await fx.Database.WriteStreamOrderAsync(reuser, order);
        await fx.DrainAndCheckAsync();
        var web = await fx.A.OrderAsync(reuser, Api.NewId("w"));

        Assert.Equal(HttpStatusCode.OK, web.Status);
        Assert.Equal("sold-out", web.Outcome);
        var report = await fx.DrainAndCheckAsync();
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task Two_web_buyers_may_use_the_same_order_id_and_each_gets_their_own_answer()
    {
        await fx.StartSaleAsync(10);
        var (first, second, order) = (Api.NewId("c"), Api.NewId("c"), Api.NewId("o"));

        var one = await fx.A.OrderAsync(first, order);
        var other = await fx.B.OrderAsync(second, order);

        Assert.Equal(("complete", "complete"), (one.Outcome, other.Outcome));
        Assert.Equal(second, other.Field("customer"));
        Assert.Equal(8, (long)await fx.Database.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task An_orders_outcome_is_shown_only_with_its_customer()
    {
        await fx.StartSaleAsync(10);
        var (customer, order) = (Api.NewId("c"), Api.NewId("o"));
        Assert.Equal("complete", (await fx.A.OrderAsync(customer, order)).Outcome);

        var withoutCustomer = await fx.B.GetAsync($"/api/orders/{order}");
        var someoneElse = await fx.B.GetAsync($"/api/orders/{order}?customer={Api.NewId("x")}");
        var buyer = await fx.B.GetAsync($"/api/orders/{order}?customer={Uri.EscapeDataString(customer)}");

        Assert.Equal(HttpStatusCode.BadRequest, withoutCustomer.Status);
        Assert.Null(withoutCustomer.Outcome);
        Assert.Equal(HttpStatusCode.NotFound, someoneElse.Status);
        Assert.Null(someoneElse.Outcome);
        Assert.Equal(HttpStatusCode.OK, buyer.Status);
        Assert.Equal("complete", buyer.Outcome);
    }

    private async Task WaitOutcomeAsync(string customer, string order)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if ((await new OutcomeReader(fx.Redis).ReadAllAsync()).Any(a => a.CustomerId == customer && a.OrderId == order))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{order} of {customer} was not answered");
    }
}
