using System.Net;
using PopupStore.Core.Redis;
using PopupStore.Storefront.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Storefront.Tests;

[Collection(StorefrontCollection.Name)]
public sealed class OrderApiTests(StorefrontFixture fx)
{
    private IDatabase Db => fx.Database;

    [Fact]
    public async Task An_order_is_answered_200_with_its_outcome_and_then_duplicate_through_the_other_silo()
    {
        await fx.StartSaleAsync(10);
        var customer = Api.NewId("c");
        var first = Api.NewId("o");
        var second = Api.NewId("o");

        var bought = await fx.A.OrderAsync(customer, first);
        Assert.Equal(HttpStatusCode.OK, bought.Status);
        Assert.Equal("application/json", bought.ContentType);
        Assert.Equal("complete", bought.Outcome);
        Assert.Equal(first, bought.Field("order"));
        Assert.Equal(customer, bought.Field("customer"));
        Assert.False(string.IsNullOrEmpty(bought.Field("detail")));
        Assert.True(bought.Body.GetProperty("latencyMs").GetInt64() >= 0);

        var again = await fx.B.OrderAsync(customer, second);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("duplicate", again.Outcome);

        // The known buyer's second order is written and recorded like any rejection.
        Assert.Equal("duplicate", await Db.AnsweredAsync(customer, second));
        Assert.Equal(2, await Db.OrdersWrittenAsync());
        var rejected = await Db.StreamRangeAsync(RedisKeys.Rejected);
        Assert.Contains(rejected, e => (string?)e["order"] == second && (string?)e["reason"] == "duplicate");

        var lookedUp = await fx.A.GetAsync($"/api/orders/{second}?customer={customer}");
        Assert.Equal(HttpStatusCode.OK, lookedUp.Status);
        Assert.Equal("duplicate", lookedUp.Outcome);
        Assert.Equal(customer, lookedUp.Field("customer"));

        var report = await fx.DrainAndCheckAsync([first, second]);
        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal(9, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task The_same_order_posted_again_through_either_silo_gets_the_same_answer_and_is_written_once()
    {
        await fx.StartSaleAsync(100);
        var orders = Enumerable.Range(0, 20).Select(_ => (Customer: Api.NewId("c"), Order: Api.NewId("o"))).ToList();

        // Each order six times at once, three through each silo: retries, double clicks, two tabs.
        var posts = orders.SelectMany(o => Enumerable.Range(0, 6).Select(async i =>
        {
            var silo = i % 2 == 0 ? fx.A : fx.B;
            var response = await silo.OrderAsync(o.Customer, o.Order);
            if (response.Status == HttpStatusCode.Accepted)
            {
                response = await silo.FollowAsync(response.Location!, TimeSpan.FromSeconds(20));
            }

            return (o.Order, Response: response);
        })).ToList();
        var answers = await Task.WhenAll(posts);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.Status));
        foreach (var group in answers.GroupBy(a => a.Order))
        {
            Assert.All(group, a => Assert.Equal("complete", a.Response.Outcome));
        }

        Assert.Equal(orders.Count, await Db.OrdersWrittenAsync());
        var report = await fx.DrainAndCheckAsync(orders.ConvertAll(o => o.Order));
        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal(80, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task Sold_out_and_closed_are_answered_200_in_words()
    {
        await fx.StartSaleAsync(1);
        var winner = await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"));
        var late = await fx.B.OrderAsync(Api.NewId("c"), Api.NewId("o"));
        Assert.Equal("complete", winner.Outcome);
        Assert.Equal(HttpStatusCode.OK, late.Status);
        Assert.Equal("sold-out", late.Outcome);

        await fx.Sales.CloseAsync();
        var closed = await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"));
        Assert.Equal(HttpStatusCode.OK, closed.Status);
        Assert.Equal("closed", closed.Outcome);

        var report = await fx.DrainAndCheckAsync();
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task An_order_not_decided_in_time_is_202_with_a_Location_that_answers_once_decided()
    {
        await fx.StartSaleAsync(5);
        var customer = Api.NewId("c");
        var order = Api.NewId("o");

        // Redis holds every write for longer than AnswerTimeout (2 s here): the order's script call waits on its way.
        await Db.PauseWritesAsync(TimeSpan.FromSeconds(20));
        try
        {
            var posted = await fx.A.OrderAsync(customer, order);
            Assert.Equal(HttpStatusCode.Accepted, posted.Status);
            Assert.Equal($"/api/orders/{order}?customer={customer}", posted.Location);
            Assert.Equal("pending", posted.Outcome);

            // Sent again through the other silo while the first waits: both calls reach Redis, one writes.
            var repeated = await fx.B.OrderAsync(customer, order);
            Assert.Equal(HttpStatusCode.Accepted, repeated.Status);
        }
        finally
        {
            await Db.ResumeWritesAsync();
        }

        Assert.Equal("complete", await Db.WaitAnsweredAsync(customer, order, TimeSpan.FromSeconds(15)));
        var decided = await fx.B.FollowAsync($"/api/orders/{order}?customer={customer}", TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, decided.Status);
        Assert.Equal("complete", decided.Outcome);
        Assert.Equal(customer, decided.Field("customer"));
        Assert.Equal(1, await Db.OrdersWrittenAsync());

        var report = await fx.DrainAndCheckAsync([order]);
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task An_unknown_order_is_404()
    {
        await fx.StartSaleAsync(5);
        var unknown = await fx.A.GetAsync($"/api/orders/{Api.NewId("nobody")}?customer={Api.NewId("c")}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("application/problem+json", unknown.ContentType);
    }

    [Fact]
    public async Task A_grain_that_saw_a_purchase_in_an_earlier_sale_does_not_answer_duplicate_in_a_new_one()
    {
        await fx.StartSaleAsync(5);
        var customer = Api.NewId("c");
        Assert.Equal("complete", (await fx.A.OrderAsync(customer, Api.NewId("o"))).Outcome);
        Assert.Equal("duplicate", (await fx.A.OrderAsync(customer, Api.NewId("o"))).Outcome);

        // Same customer, same grain activation, a new sale: the remembered purchase is of another generation.
        await fx.StartSaleAsync(5);
        var order = Api.NewId("o");
        var again = await fx.A.OrderAsync(customer, order);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("complete", again.Outcome);
        var report = await fx.DrainAndCheckAsync([order]);
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task An_order_without_an_id_gets_one()
    {
        await fx.StartSaleAsync(5);
        var response = await fx.A.OrderAsync(Api.NewId("c"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var order = response.Field("order");
        Assert.False(string.IsNullOrEmpty(order));
        Assert.Equal("complete", await Db.AnsweredAsync(response.Field("customer")!, order!));
    }
}
