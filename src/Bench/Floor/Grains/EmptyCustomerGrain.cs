using Orleans.Placement;
using PopupStore.Core.Orders;

namespace PopupStore.Bench.Floor.Grains;

/// <summary>Answers every order at once, or after a stand-in batcher. Counts its activations, so a run can prove each call met a new grain.</summary>
[PreferLocalPlacement]
public sealed class EmptyCustomerGrain : Grain, IEmptyCustomerGrain
{
    private static long s_activations;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref s_activations);
        return Task.CompletedTask;
    }

    public ValueTask<OrderOutcome> PlaceOrder(OrderRequest order) => ValueTask.FromResult(new OrderOutcome(OrderResult.Complete, Fresh: true));

    public async ValueTask<OrderOutcome> PlaceOrderAndWait(OrderRequest order) => await StandInCompletion.CompleteAsync();

    public ValueTask<long> Activations() => ValueTask.FromResult(Interlocked.Read(ref s_activations));
}
