using System.Net;
using PopupStore.Core.Redis;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary>A web order is an ordinary producer's order: the one-unit rule spans both ways in.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class MixedProducerTests(StorefrontFixture fx)
{
    [Fact]
    public async Task A_customer_who_bought_through_the_stream_is_answered_duplicate_on_the_web()
    {
        await fx.StartSaleAsync(10);
        var customer = Api.NewId("c");
        var streamOrder = Api.NewId("s");
        await fx.Database.WriteStreamOrderAsync(customer, streamOrder);
        Assert.Equal("complete", await fx.Database.WaitAnsweredAsync(customer, streamOrder, TimeSpan.FromSeconds(10)));

        var web = await fx.B.OrderAsync(customer, Api.NewId("w"));
        Assert.Equal(HttpStatusCode.OK, web.Status);
        Assert.Equal("duplicate", web.Outcome);

        var report = await fx.DrainAndCheckAsync([streamOrder, web.Field("order")!]);
        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal(1, await fx.Database.HashLengthAsync(RedisKeys.Buyers));
    }

    [Fact]
    public async Task A_customer_who_bought_on_the_web_is_answered_duplicate_through_the_stream()
    {
        await fx.StartSaleAsync(10);
        var customer = Api.NewId("c");
        var web = await fx.A.OrderAsync(customer, Api.NewId("w"));
        Assert.Equal("complete", web.Outcome);

        var streamOrder = Api.NewId("s");
        await fx.Database.WriteStreamOrderAsync(customer, streamOrder);
        Assert.Equal("duplicate", await fx.Database.WaitAnsweredAsync(customer, streamOrder, TimeSpan.FromSeconds(10)));

        var report = await fx.DrainAndCheckAsync([streamOrder, web.Field("order")!]);
        Assert.True(report.AllPassed, report.ToString());
    }

    [Fact]
    public async Task A_web_order_and_a_stream_order_of_one_customer_at_once_sell_one_unit()
    {
        await fx.StartSaleAsync(100);
        var pairs = Enumerable.Range(0, 10).Select(_ => (Customer: Api.NewId("c"), Web: Api.NewId("w"), Stream: Api.NewId("s"))).ToList();

        var webAnswers = pairs.Select(p => fx.A.OrderAsync(p.Customer, p.Web)).ToList();
        await Task.WhenAll(pairs.Select(p => fx.Database.WriteStreamOrderAsync(p.Customer, p.Stream)));
        var answers = await Task.WhenAll(webAnswers);

        var report = await fx.DrainAndCheckAsync([.. pairs.Select(p => p.Web), .. pairs.Select(p => p.Stream)]);
        Assert.True(report.AllPassed, report.ToString());
        for (var i = 0; i < pairs.Count; i++)
        {
            var web = answers[i].Status == HttpStatusCode.Accepted
                ? await fx.A.FollowAsync(answers[i].Location!, TimeSpan.FromSeconds(10))
                : answers[i];
            var stream = await fx.Database.AnsweredAsync(pairs[i].Customer, pairs[i].Stream);
            Assert.Equal(web.Outcome, await fx.Database.AnsweredAsync(pairs[i].Customer, pairs[i].Web));
            Assert.Equal(1, new[] { web.Outcome, stream }.Count(o => o == "complete"));
            Assert.Equal(1, new[] { web.Outcome, stream }.Count(o => o == "duplicate"));
        }

        Assert.Equal(90, (long)await fx.Database.StringGetAsync(RedisKeys.Product));
    }
}
