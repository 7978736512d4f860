using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>One buyer: every order of the customer read from queue:orders passes through it.</summary>
[Alias("PopupStore.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>Lets an order of this customer through, marked as bought when the grain saw the customer buy in its sale.</summary>
    [Alias("AdmitOrder")]
    ValueTask<OrderRequest> AdmitOrder(OrderRequest order);
}
