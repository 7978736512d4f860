using PopupStore.Core.Orders;

namespace PopupStore.Bench.Floor.Grains;

/// <summary>The customer grain's shape with none of its work: what Orleans alone charges for a call.</summary>
[Alias("PopupStore.Bench.Floor.IEmptyCustomerGrain")]
public interface IEmptyCustomerGrain : IGrainWithStringKey
{
    [Alias("PlaceOrder")]
    ValueTask<OrderOutcome> PlaceOrder(OrderRequest order);

    /// <summary>Waits for a batched answer inside its turn, as the real customer grain waits for the script's.</summary>
    [Alias("PlaceOrderAndWait")]
    ValueTask<OrderOutcome> PlaceOrderAndWait(OrderRequest order);

    [Alias("Activations")]
    ValueTask<long> Activations();
}
