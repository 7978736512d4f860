using PopupStore.Core.Orders;
using PopupStore.Grains.Storefront;

namespace PopupStore.Tests.Storefront;

/// <summary>A grain's storefront waiters: answered once, by order id; stream orders with nobody waiting pass through.</summary>
public sealed class WebOrderWaitersTests
{
    [Fact]
    public void An_answer_nobody_waits_for_is_dropped_and_does_not_answer_a_later_wait()
    {
        var waiters = new WebOrderWaiters();

        waiters.Answer("o-1", OrderResult.Complete);

        Assert.False(waiters.For("o-1").IsCompleted);
    }

    [Fact]
    public async Task Waiting_twice_for_one_order_gets_one_answer_and_other_orders_stay_waiting()
    {
        var waiters = new WebOrderWaiters();
        var first = waiters.For("o-1");
        var again = waiters.For("o-1");
        var other = waiters.For("o-2");

        waiters.Answer("o-1", OrderResult.SoldOut);

        Assert.Same(first, again);
        Assert.Equal(OrderResult.SoldOut, await first);
        Assert.False(other.IsCompleted);
    }

    [Fact]
    public void A_forgotten_wait_is_not_answered()
    {
        var waiters = new WebOrderWaiters();
        var forgotten = waiters.For("o-1");

        waiters.Forget("o-1");
        waiters.Answer("o-1", OrderResult.Complete);

        Assert.False(forgotten.IsCompleted);
    }
}
