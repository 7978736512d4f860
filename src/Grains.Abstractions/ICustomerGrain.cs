using Orleans.Concurrency;
using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>
/// One buyer: every order of the customer passes through it, and it holds the customer's storefront requests until
/// their orders are answered.
/// </summary>
[Alias("PopupStore.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Lets an order of this customer through: completed here when a storefront request waits on this grain for it,
    /// otherwise handed back for the caller to complete (see <see cref="OrderAdmission"/>).
    /// </summary>
    [Alias("AdmitOrder")]
    ValueTask<OrderAdmission> AdmitOrder(OrderRequest order);

    /// <summary>
    /// Takes a storefront order and holds the call until its outcome (or the wait ends). Interleaves:
    /// the outcome comes through <see cref="AdmitOrder"/> on this same grain, which must run meanwhile.
    /// </summary>
    [Alias("PlaceWebOrder"), AlwaysInterleave]
    ValueTask<WebOrderAnswer> PlaceWebOrder(WebOrder order);
}
