using System.Net;
using PopupStore.Core.Invariants;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary>First come, first served on the storefront: a crowd larger than the stock, through two silos at once.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class ArrivalOrderTests(StorefrontFixture fx)
{
    private const int Units = 150;
    private const int Buyers = 600;

    [Fact]
    public async Task A_storefront_crowd_through_two_silos_gets_the_units_in_arrival_order()
    {
        await fx.StartSaleAsync(Units);

        // Every tenth buyer orders twice; all requests are released together.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, Buyers)
            .Select(i => (Customer: Api.NewId("c"), Orders: i % 10 == 0 ? 2 : 1))
            .SelectMany(buyer => Enumerable.Range(0, buyer.Orders).Select(_ => buyer.Customer))
            .Select(async (customer, i) =>
            {
                await start.Task;
                var silo = i % 2 == 0 ? fx.A : fx.B;
                var answer = await silo.OrderAsync(customer, Api.NewId("o"));
                return answer.Status == HttpStatusCode.Accepted
                    ? await silo.FollowAsync(answer.Location!, TimeSpan.FromSeconds(20))
                    : answer;
            })
            .ToList();
        start.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Equal(Units, answers.Count(answer => answer.Outcome == "complete"));
        var report = await fx.DrainAndCheckAsync();
        Assert.True(report.AllPassed, report.ToString());

        var arrival = await ArrivalOrder.MeasureAsync(fx.Redis);
        Assert.Equal(Units, arrival.UnitsSold);
        Assert.True(arrival.Keeps(ArrivalOrder.Promised), arrival.ToString());
    }
}
