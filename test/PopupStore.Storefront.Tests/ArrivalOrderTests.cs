using System.Net;
using PopupStore.Core.Invariants;
using PopupStore.Core.Redis;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary>
/// First come, first served: a crowd larger than the stock, through the storefront of two silos, writing the streams
/// read by three silos' pollers, and both at once.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class ArrivalOrderTests(StorefrontFixture fx)
{
    private const int Units = 150;
    private const int Buyers = 600;

    [Fact]
    public async Task A_storefront_crowd_through_two_silos_gets_the_units_in_arrival_order()
    {
        await fx.StartSaleAsync(Units);

        var requests = StorefrontCrowd(Crowd("w"), Released(out var start));
        start.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Equal(Units, answers.Count(answer => answer.Outcome == "complete"));
        await AssertArrivalOrderAsync();
    }

    [Fact]
    public async Task A_stream_crowd_read_by_three_silos_gets_the_units_in_arrival_order()
    {
        await fx.StartSaleAsync(Units);

        await WriteStreamCrowdAsync(Crowd("s"));

        await AssertArrivalOrderAsync();
    }

    [Fact]
    public async Task A_crowd_half_on_the_storefront_and_half_on_the_streams_gets_the_units_in_arrival_order()
    {
        await fx.StartSaleAsync(Units);
        var web = StorefrontCrowd(Crowd("w")[..(Buyers / 2)], Released(out var start));

        start.SetResult();
        await WriteStreamCrowdAsync(Crowd("s")[..(Buyers / 2)]);
        var answers = await Task.WhenAll(web);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        await AssertArrivalOrderAsync();
    }

    /// <summary>Every tenth buyer orders twice (the second order right after the first).</summary>
    private static string[] Crowd(string prefix) =>
    [
        .. Enumerable.Range(0, Buyers)
            .Select(i => (Customer: Api.NewId(prefix), Orders: i % 10 == 0 ? 2 : 1))
            .SelectMany(buyer => Enumerable.Range(0, buyer.Orders).Select(_ => buyer.Customer)),
    ];

    private static Task Released(out TaskCompletionSource start)
    {
        start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return start.Task;
    }

    /// <summary>The crowd's requests, each waiting for <paramref name="released"/>, alternating between two silos.</summary>
    private List<Task<ApiResponse>> StorefrontCrowd(string[] customers, Task released) =>
        [
            .. customers.Select(async (customer, i) =>
            {
                await released;
                var silo = i % 2 == 0 ? fx.A : fx.B;
                var answer = await silo.OrderAsync(customer, Api.NewId("o"));
                return answer.Status == HttpStatusCode.Accepted
                    ? await silo.FollowAsync(answer.Location!, TimeSpan.FromSeconds(20))
                    : answer;
            }),
        ];

    /// <summary>Writes the crowd's orders as producers do, all in one pipeline, in order.</summary>
    private async Task WriteStreamCrowdAsync(string[] customers)
    {
        var batch = fx.Database.CreateBatch();
        var writes = customers.Select(customer => batch.StreamAddAsync(
            RedisKeys.Orders, [new("id", Api.NewId("o")), new("customer", customer), new("ticket", "")])).ToList();
        batch.Execute();
        await Task.WhenAll(writes);
    }

    private async Task AssertArrivalOrderAsync()
    {
        var report = await fx.DrainAndCheckAsync();
        Assert.True(report.AllPassed, report.ToString());
        var arrival = await ArrivalOrder.MeasureAsync(fx.Redis);
        Assert.Equal(Units, arrival.UnitsSold);
        Assert.True(arrival.Keeps(ArrivalOrder.Promised), arrival.ToString());
    }
}
