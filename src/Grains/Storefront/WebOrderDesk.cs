using PopupStore.Core.Orders;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// What a customer grain does with a storefront order: takes it once per order id (the same two stream
/// entries as any producer), then waits for whichever comes first, the poller handing the order to the
/// grain or the outcome showing up in Redis. Kept apart from the grain so the grain stays small.
/// </summary>
public sealed class WebOrderDesk(WebOrderStore store, IOrderCompletion completion, AnswerWatcher watcher)
{
    /// <param name="boughtIn">The sale generation in which the grain saw this customer buy, with <paramref name="boughtWith"/>.</param>
    public async ValueTask<WebOrderAnswer> PlaceAsync(
        string customerId, WebOrder order, long? boughtIn, string? boughtWith, WebOrderWaiters waiters)
    {
        if (boughtIn is { } generation && boughtWith is not null && boughtWith != order.OrderId
            && await AnswerKnownBuyerAsync(customerId, order.OrderId, generation, boughtWith) is { } duplicate)
        {
            return duplicate;
        }

        // Registered before the entry exists: the poller may hand it to this grain as soon as it does.
        var handed = waiters.For(order.OrderId);
        var taken = await store.SubmitAsync(order.OrderId, customerId);
        if (taken.Status == WebOrderStatus.Answered)
        {
            waiters.Forget(order.OrderId);
            return WebOrderAnswer.Decided(taken.Result!.Value);
        }

        var found = watcher.WaitAsync(customerId, order.OrderId, order.Wait);
        var first = await Task.WhenAny(handed, found);
        if (first == handed)
        {
            var handedResult = await handed;
            watcher.Settle(customerId, order.OrderId, handedResult);
            return WebOrderAnswer.Decided(handedResult);
        }

        if (await found is { } result)
        {
            waiters.Forget(order.OrderId);
            return WebOrderAnswer.Decided(result);
        }

        return WebOrderAnswer.Pending;
    }

    /// <summary>
    /// This grain saw the customer buy: the answer is <c>duplicate</c> without writing the order to the
    /// streams. The completion script still records it (exactly once, counted, in queue:rejected).
    /// Null when the order id was taken before (then it goes the ordinary way and replays its answer), or
    /// when the purchase belongs to an earlier sale (then the order goes the ordinary way in the new one).
    /// </summary>
    private async Task<WebOrderAnswer?> AnswerKnownBuyerAsync(string customerId, string orderId, long generation, string boughtWith)
    {
        var seen = await store.LookupAsync(customerId, orderId);
        if (seen.Known)
        {
            return null;
        }

        try
        {
            // No entry id: the script judges it as arriving now. The generation makes it refuse the
            // shortcut if the sale changed since the grain saw the purchase, and so does a purchase that
            // sale:buyers does not confirm.
            var outcome = await completion.CompleteAsync(new OrderRequest(
                orderId, customerId, Ticket: string.Empty, EntryId: string.Empty, Generation: generation, BoughtBefore: boughtWith));
            await store.IndexAsync(customerId, orderId);
            return WebOrderAnswer.Decided(outcome.Result);
        }
        catch (SaleChangedException)
        {
            return null;
        }
    }
}
