using Microsoft.Extensions.Options;
using PopupStore.Grains.Storefront;
using PopupStore.Silo.Storefront;

namespace PopupStore.Tests.Storefront;

/// <summary>The storefront's token buckets on their own, on a clock the test moves.</summary>
public sealed class TokenBucketsTests
{
    // The default per-customer limit: 12 orders a minute, so one every 5 s, and 4 at once.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private const int Burst = 4;

    [Fact]
    public void A_customer_gets_its_burst_then_waits_for_the_next_order_to_refill()
    {
        var clock = new ManualClock();
        var limiter = new TokenBuckets(Interval, Burst, clock);

        var burst = Enumerable.Range(0, 4).Select(_ => limiter.TryTake("c1")).ToList();
        var refused = limiter.TryTake("c1");
        clock.Advance(TimeSpan.FromSeconds(2));
        var stillRefused = limiter.TryTake("c1");
        clock.Advance(TimeSpan.FromSeconds(3));
        var refilled = limiter.TryTake("c1");
        var afterRefill = limiter.TryTake("c1");

        Assert.All(burst, a => Assert.True(a.IsAllowed));
        Assert.False(refused.IsAllowed);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.RetryAfter);
        Assert.False(stillRefused.IsAllowed);
        Assert.Equal(TimeSpan.FromSeconds(3), stillRefused.RetryAfter);
        Assert.True(refilled.IsAllowed);
        Assert.False(afterRefill.IsAllowed);
    }

    [Fact]
    public void A_refused_order_takes_nothing_and_an_idle_customer_gets_its_whole_burst_back()
    {
        var clock = new ManualClock();
        var limiter = new TokenBuckets(Interval, Burst, clock);
        for (var i = 0; i < 4; i++)
        {
            limiter.TryTake("c1");
        }

        // Hammering while refused does not push the refill back.
        for (var i = 0; i < 50; i++)
        {
            Assert.False(limiter.TryTake("c1").IsAllowed);
        }

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(limiter.TryTake("c1").IsAllowed);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limiter.TryTake("c1").IsAllowed));
    }

    [Fact]
    public void Customers_do_not_share_a_bucket()
    {
        var limiter = new TokenBuckets(Interval, Burst, new ManualClock());
        for (var i = 0; i < 4; i++)
        {
            limiter.TryTake("c1");
        }

        Assert.False(limiter.TryTake("c1").IsAllowed);
        var others = Enumerable.Range(0, 10_000).Select(i => $"customer-{i:D8}").ToList();
        Assert.All(others, c => Assert.True(limiter.TryTake(c).IsAllowed));
        Assert.False(limiter.TryTake("c1").IsAllowed);
    }

    [Fact]
    public void A_zero_interval_lets_everything_through()
    {
        var limiter = new TokenBuckets(TimeSpan.Zero, Burst, new ManualClock(), 8);

        Assert.All(Enumerable.Range(0, 1_000), _ => Assert.True(limiter.TryTake("c1").IsAllowed));
    }

    [Fact]
    public void A_full_table_lets_new_customers_through_unrecorded_and_still_holds_the_known_ones()
    {
        // Eight slots: one neighbourhood, so the ninth customer finds every slot taken.
        var clock = new ManualClock();
        var limiter = new TokenBuckets(Interval, Burst, clock, 8);
        var known = Enumerable.Range(0, 8).Select(i => $"known-{i}").ToList();
        known.ForEach(c => limiter.TryTake(c));

        var crowded = Enumerable.Range(0, 10).Count(_ => limiter.TryTake("newcomer").IsAllowed);
        var knownAgain = Enumerable.Range(0, 10).Count(_ => limiter.TryTake(known[0]).IsAllowed);

        Assert.Equal(10, crowded);
        Assert.Equal(3, knownAgain);

        // Once the known customers' buckets are full again their slots are free for others.
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limiter.TryTake("newcomer").IsAllowed));
    }

    [Fact]
    public async Task Requests_at_once_from_many_threads_take_exactly_the_burst()
    {
        var limiter = new TokenBuckets(Interval, Burst, new ManualClock());
        var allowed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                limiter.TryTake($"crowd-{t}-{i}");
                if (limiter.TryTake("shared").IsAllowed)
                {
                    Interlocked.Increment(ref allowed);
                }
            }
        })));

        Assert.Equal(Burst, allowed);
    }

    [Fact]
    public void A_burst_beyond_what_the_clock_can_count_lets_everything_through()
    {
        var clock = new ManualClock(frequency: 1_000_000_000);
        var limiter = new TokenBuckets(TimeSpan.FromMinutes(1), int.MaxValue, clock);

        Assert.All(Enumerable.Range(0, 10_000), _ => Assert.True(limiter.TryTake("c1").IsAllowed));
        clock.Advance(TimeSpan.FromDays(365));
        Assert.True(limiter.TryTake("c1").IsAllowed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(12)]
    public void The_table_must_be_a_power_of_two_of_at_least_one_neighbourhood(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBuckets(Interval, Burst, new ManualClock(), capacity));
    }

    [Theory]
    [InlineData(20, 40, 50)]
    [InlineData(1, 1, 1000)]
    public void The_client_limit_refills_its_rate_per_second_after_its_burst(int perSecond, int burst, int refillMs)
    {
        var clock = new ManualClock();
        var limits = new StorefrontLimits(
            Options.Create(new StorefrontOptions { ClientRequestsPerSecond = perSecond, ClientBurst = burst }), clock);

        var allowed = Enumerable.Range(0, burst * 2).Count(_ => limits.Clients.TryTake("203.0.113.7").IsAllowed);
        var refused = limits.Clients.TryTake("203.0.113.7");
        clock.Advance(TimeSpan.FromMilliseconds(refillMs));

        Assert.Equal(burst, allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(refillMs), refused.RetryAfter);
        Assert.True(limits.Clients.TryTake("203.0.113.7").IsAllowed);
        Assert.False(limits.Clients.TryTake("203.0.113.7").IsAllowed);
    }

    [Fact]
    public void Limits_at_zero_are_off_and_the_customer_limit_follows_its_settings()
    {
        var clock = new ManualClock();
        var off = new StorefrontLimits(
            Options.Create(new StorefrontOptions { ClientRequestsPerSecond = 0, CustomerOrdersPerMinute = 0 }), clock);
        var shipped = new StorefrontLimits(Options.Create(new StorefrontOptions()), clock);

        Assert.All(Enumerable.Range(0, 500), _ => Assert.True(off.Clients.TryTake("a").IsAllowed && off.Customers.TryTake("c").IsAllowed));
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => shipped.Customers.TryTake("c").IsAllowed));
        Assert.Equal(TimeSpan.FromSeconds(5), shipped.Customers.TryTake("c").RetryAfter);
    }

    /// <param name="frequency">Timestamp ticks per second: milliseconds unless a test needs the system clock's nanoseconds.</param>
    private sealed class ManualClock(long frequency = 1_000) : TimeProvider
    {
        private long _now = 1_000 * frequency;

        public override long TimestampFrequency => frequency;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * frequency);
    }
}
