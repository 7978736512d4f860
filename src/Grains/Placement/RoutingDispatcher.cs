using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PopupStore.Core.Orders;
using PopupStore.Grains;
using PopupStore.Grains.Orders;

namespace PopupStore.Grains.Placement;

/// <summary>
/// Sends a batch's orders to the silos their customer grains live on (the silos their <see cref="CustomerRing"/>
/// names, as placement does): orders of this silo's customers go to the grains directly, the others as one message
/// per silo to its <see cref="OrderRouterService"/>, instead of one message per order. A membership view that is
/// briefly stale only costs a hop.
/// </summary>
public sealed class RoutingDispatcher(
    CustomerGrains customers,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    OrderRouterClient routers,
    IOptions<SiloMessagingOptions> messaging)
{
    // A routed call waits for every grain call it carries; past this it is given up (a transient failure,
    // retried) so that a silo that dies mid-call can never hold a poller's batch for good.
    private readonly TimeSpan _routeTimeout = messaging.Value.ResponseTimeout * 2;

    // Pollers dispatch concurrently: the view is replaced whole, never updated in place.
    private volatile RingView? _view;

    /// <summary>Hands orders to their customer grains: one task per order, in the same order.</summary>
    public Task<OrderOutcome>[] Dispatch(IReadOnlyList<OrderRequest> orders)
    {
        var answers = new Task<OrderOutcome>[orders.Count];
        var ring = CurrentRing();
        Dictionary<SiloAddress, List<int>>? remote = null;
        for (var i = 0; i < answers.Length; i++)
        {
            var customer = customers.IdOf(orders[i].CustomerId);
            var owner = ring.OwnerOf(customer);
            if (owner is null || owner.Equals(local.SiloAddress))
            {
                answers[i] = customers.PlaceAsync(customer, orders[i]);
                continue;
            }

            remote ??= [];
            if (!remote.TryGetValue(owner, out var indexes))
            {
                remote[owner] = indexes = [];
            }

            indexes.Add(i);
        }

        foreach (var (silo, indexes) in remote ?? [])
        {
            var batch = new OrderRequest[indexes.Count];
            for (var k = 0; k < batch.Length; k++)
            {
                batch[k] = orders[indexes[k]];
            }

            var routed = routers.PlaceOrdersAsync(silo, batch).WaitAsync(_routeTimeout);
            for (var k = 0; k < indexes.Count; k++)
            {
                answers[indexes[k]] = AnswerOfAsync(routed, k);
            }
        }

        return answers;
    }

    private static async Task<OrderOutcome> AnswerOfAsync(Task<RoutedAnswer[]> routed, int index)
    {
        var answer = (await routed)[index];
        return answer.Failed
            ? throw new RoutedOrderException(answer.FailureType!, answer.FailureMessage ?? string.Empty, answer.FailureOutsideTheEntry)
            : answer.Outcome;
    }

    private CustomerRing CurrentRing()
    {
        var snapshot = membership.CurrentSnapshot;
        if (_view is { } view && view.Version == snapshot.Version)
        {
            return view.Ring;
        }

        var ring = new CustomerRing(snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress));
        _view = new RingView(snapshot.Version, ring);
        return ring;
    }

    private sealed record RingView(MembershipVersion Version, CustomerRing Ring);
}
