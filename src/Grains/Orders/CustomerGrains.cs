using PopupStore.Core.Orders;

namespace PopupStore.Grains.Orders;

/// <summary>
/// Places orders through their customers' grains, and makes their references without Orleans' per-call type lookup:
/// <c>GetGrain&lt;ICustomerGrain&gt;(id)</c> resolves the interface's grain type through reflection on every call, a
/// visible share of a silo's CPU at one call per order. The two types are resolved once; a reference is then an id.
/// </summary>
public sealed class CustomerGrains(IGrainFactory grains, PurchaseLedger ledger)
{
    // Resolved on first use: a silo's grain factory is registered before its runtime can make references.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types = new(() =>
    {
        var probe = (GrainReference)(object)grains.GetGrain<ICustomerGrain>("type-probe");
        return (probe.GrainId.Type, probe.InterfaceType);
    });

    public ICustomerGrain For(string customerId) => For(IdOf(customerId));

    /// <summary>The grain id alone, for deciding where a customer lives without making a reference.</summary>
    public GrainId IdOf(string customerId) => GrainId.Create(_types.Value.Grain, customerId);

    public ICustomerGrain For(GrainId id) => (ICustomerGrain)grains.GetGrain(id, _types.Value.Interface);

    /// <summary>
    /// An order through its customer's grain to its answer: the completion's of what the grain let through, whose purchase
    /// goes to this silo's ledger for the grain (on this silo when orders are routed to their owners).
    /// </summary>
    public async Task<OrderOutcome> PlaceAsync(GrainId customer, OrderRequest order)
    {
        // Callers are a poller grain and the silo's order router, each one scheduler for many orders at once: the
        // steps after each await touch no grain's state, so they run where the call or completion finished instead
        // of queuing, order by order, behind that scheduler.
        var admitted = await For(customer).AdmitOrder(order).ConfigureAwait(false);
        return await ledger.CompleteAsync(admitted).ConfigureAwait(false);
    }

    public Task<OrderOutcome> PlaceAsync(OrderRequest order) => PlaceAsync(IdOf(order.CustomerId), order);
}
