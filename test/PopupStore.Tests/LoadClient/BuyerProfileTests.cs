using PopupStore.LoadClient.Load;
using PopupStore.LoadClient.Load.Profiles;

namespace PopupStore.Tests.LoadClient;

/// <summary>Each profile's order pattern, from its plan: no Redis involved.</summary>
public sealed class BuyerProfileTests
{
    private static LoadSettings Settings(int buyers = 1000, double duplicates = 0.1, string think = "0", IBuyerProfile? profile = null)
    {
        var range = PopupStore.LoadClient.Cli.IntRange.Parse(think);
        return new LoadSettings(buyers, duplicates, null, range.Min, range.Max, TimeSpan.FromMinutes(1), Seed: 7, profile);
    }

    private static IReadOnlyList<BuyerPlan> Plan(IBuyerProfile profile, LoadSettings settings) =>
        profile.Plan(settings, new Random(settings.Seed!.Value));

    [Fact]
    public void Flash_brings_everyone_at_the_opening_second_some_ordering_two_or_three_times_at_once()
    {
        var plans = Plan(new FlashProfile(), Settings(buyers: 10_000, duplicates: 0.1));

        Assert.Equal(10_000, plans.Count);
        Assert.All(plans, p => Assert.Equal(TimeSpan.Zero, p.ArriveAt));
        Assert.All(plans, p => Assert.InRange(p.Orders.Count, 1, 3));
        Assert.All(plans, p => Assert.Single(p.Orders.Select(o => o.At).Distinct()));
        Assert.DoesNotContain(plans.SelectMany(p => p.Orders), o => o.OnlyIfUnanswered);
        Assert.InRange(plans.Count(p => p.Orders.Count > 1), 850, 1150);
        Assert.Equal(10_000, plans.Select(p => p.Key).Distinct().Count());
        Assert.DoesNotContain(plans, p => p.IsBot);
    }

    [Fact]
    public void Flash_without_duplicates_orders_once_each()
    {
        var plans = Plan(new FlashProfile(), Settings(duplicates: 0));

        Assert.All(plans, p => Assert.Single(p.Orders));
    }

    [Fact]
    public void Steady_spaces_arrivals_by_one_over_the_rate()
    {
        var plans = Plan(new SteadyProfile(200), Settings(buyers: 1000));

        Assert.Equal(1000, plans.Count);
        for (var i = 0; i < plans.Count; i++)
        {
            Assert.Equal(i / 200.0, plans[i].ArriveAt.TotalSeconds, 6);
        }

        Assert.Equal(4.995, plans[^1].ArriveAt.TotalSeconds, 6);
    }

    [Fact]
    public void Bots_hammer_many_orders_at_the_opening_alongside_the_crowd()
    {
        var plans = Plan(new BotsProfile(bots: 5, ordersPerBot: 50), Settings(buyers: 1000, duplicates: 0));

        Assert.Equal(1005, plans.Count);
        var bots = plans.Where(p => p.IsBot).ToArray();
        Assert.Equal(5, bots.Length);
        Assert.Equal(bots, plans.Take(5));
        Assert.All(bots, b =>
        {
            Assert.Equal(50, b.Orders.Count);
            Assert.All(b.Orders, o => Assert.Equal(new PlannedOrder(TimeSpan.Zero), o));
            Assert.StartsWith("b", b.Key, StringComparison.Ordinal);
        });
        Assert.All(plans.Where(p => !p.IsBot), p => Assert.Single(p.Orders));
        Assert.Equal(1005, plans.Select(p => p.Key).Distinct().Count());
        Assert.Equal(250 + 1000, plans.Sum(p => p.Orders.Count));
    }

    [Fact]
    public void Retry_resubmits_every_retry_after_only_while_unanswered_up_to_the_limit()
    {
        var plans = Plan(new RetryProfile(TimeSpan.FromSeconds(2), maxRetries: 3), Settings(buyers: 500, duplicates: 0.5, think: "0..100"));

        Assert.Equal(500, plans.Count);
        Assert.All(plans, p =>
        {
            Assert.Equal(TimeSpan.Zero, p.ArriveAt);
            Assert.Equal(4, p.Orders.Count);
            Assert.False(p.Orders[0].OnlyIfUnanswered);
            Assert.All(p.Orders.Skip(1), o => Assert.True(o.OnlyIfUnanswered));
            for (var k = 1; k < p.Orders.Count; k++)
            {
                Assert.Equal(TimeSpan.FromSeconds(2), p.Orders[k].At - p.Orders[k - 1].At);
            }

            Assert.InRange(p.Orders[0].At.TotalMilliseconds, 0, 100);
        });
    }

    [Fact]
    public void Retry_with_no_retries_is_one_order_each()
    {
        var plans = Plan(new RetryProfile(TimeSpan.FromSeconds(1), maxRetries: 0), Settings(buyers: 10));

        Assert.All(plans, p => Assert.Equal([new PlannedOrder(TimeSpan.Zero)], p.Orders));
    }

    [Fact]
    public void Think_time_stays_in_its_range()
    {
        var plans = Plan(new FlashProfile(), Settings(buyers: 2000, think: "100..300"));

        Assert.All(plans.SelectMany(p => p.Orders), o => Assert.InRange(o.At.TotalMilliseconds, 100, 300));
        Assert.True(plans.Select(p => p.Orders[0].At).Distinct().Count() > 100, "think times are spread over the range");
    }

    [Fact]
    public void A_plan_depends_only_on_the_random_it_is_given()
    {
        // No hidden Random.Shared in a profile: equal randoms give equal plans, another seed another plan.
        // That --seed reaches the profile through BuyerCrowd is BuyerCrowdTests' part.
        var settings = Settings(buyers: 500, duplicates: 0.3, think: "0..1000");
        static List<(int, TimeSpan)> Shape(IReadOnlyList<BuyerPlan> plans) => [.. plans.Select(p => (p.Orders.Count, p.Orders[0].At))];

        var first = Shape(new FlashProfile().Plan(settings, new Random(7)));
        var second = Shape(new FlashProfile().Plan(settings, new Random(7)));
        var other = Shape(new FlashProfile().Plan(settings, new Random(8)));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Without_a_profile_a_rate_means_steady_and_no_rate_means_flash()
    {
        Assert.IsType<FlashProfile>(Settings().EffectiveProfile);
        var steady = Assert.IsType<SteadyProfile>((Settings() with { ArrivalsPerSecond = 50 }).EffectiveProfile);
        Assert.Equal(50, steady.ArrivalsPerSecond);
        Assert.IsType<RetryProfile>(Settings(profile: new RetryProfile(TimeSpan.FromSeconds(1), 1)).EffectiveProfile);
    }
}
