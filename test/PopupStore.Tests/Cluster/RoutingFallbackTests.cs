using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using PopupStore.Core.Orders;
using PopupStore.Grains;
using PopupStore.Grains.Customers;
using PopupStore.Silo.Routing;
using PopupStore.Testing;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.Cluster;

/// <summary>
/// A batch whose router cannot take it: a silo of an older version does not know the packed call and answers
/// <see cref="TypeLoadException"/>, and the orders then go to their grains by ordinary calls.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RoutingFallbackTests(ClusterFixture cluster) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Orders_a_router_does_not_know_how_to_take_are_answered_by_their_grains()
    {
        await cluster.Sales.StartAsync(100, TimeSpan.FromMinutes(10), force: false);
        var routers = new RefusingRouters(new TypeLoadException("Unable to resolve type alias \"PlacePackedOrders\""));
        var orders = Orders("fallback", 30);

        var outcomes = await Task.WhenAll(DispatcherOnFirstSilo(routers).Dispatch(orders));

        Assert.True(routers.Batches > 0, "no order of 30 belonged to another silo");
        Assert.All(outcomes, outcome => Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome));
        await SaleAssertions.AssertInvariantsAsync(cluster.Redis);
    }

    [Fact]
    public async Task Any_other_failure_of_a_routed_batch_stays_the_failure_of_its_orders()
    {
        await cluster.Sales.StartAsync(100, TimeSpan.FromMinutes(10), force: false);
        var routers = new RefusingRouters(new InvalidOperationException("a router that fails"));
        var orders = Orders("no-fallback", 30);

        var answers = DispatcherOnFirstSilo(routers).Dispatch(orders);
        await Task.WhenAll(answers.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.True(routers.Batches > 0, "no order of 30 belonged to another silo");
        Assert.Contains(answers, a => a.IsFaulted);
        Assert.All(answers.Where(a => a.IsFaulted), a => Assert.IsType<InvalidOperationException>(a.Exception!.InnerException));
        Assert.All(answers.Where(a => !a.IsFaulted), a => Assert.Equal(OrderResult.Complete, a.Result.Result));
    }

    private static OrderRequest[] Orders(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new OrderRequest($"{prefix}-o{i}", $"{prefix}-c{i}", string.Empty, Arrivals.Now(i)))];

    private RoutingDispatcher DispatcherOnFirstSilo(IOrderRouters routers)
    {
        var services = cluster.Cluster.Silos.OfType<InProcessSiloHandle>().First().SiloHost.Services;
        return new RoutingDispatcher(
            services.GetRequiredService<CustomerGrains>(),
            services.GetRequiredService<IClusterMembershipService>(),
            services.GetRequiredService<ILocalSiloDetails>(),
            routers,
            services.GetRequiredService<IOptions<SiloMessagingOptions>>());
    }

    private sealed class RefusingRouters(Exception failure) : IOrderRouters
    {
        private int _batches;

        public int Batches => _batches;

        public Task<RoutedAnswer[]> PlaceOrdersAsync(SiloAddress silo, IReadOnlyList<OrderRequest> orders)
        {
            Interlocked.Increment(ref _batches);
            return Task.FromException<RoutedAnswer[]>(failure);
        }
    }
}
