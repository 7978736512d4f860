namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>An ordinary buyer: thinks for a while after arriving, then orders once, or two or three times at once.</summary>
public static class CrowdBuyer
{
    public static BuyerPlan Plan(int index, TimeSpan arriveAt, LoadSettings settings, Random random)
    {
        var orders = random.NextDouble() < settings.DuplicateRatio ? random.Next(2, 4) : 1;
        var think = Think(settings, random);
        return new BuyerPlan(
            index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IsBot: false,
            arriveAt,
            Enumerable.Repeat(new PlannedOrder(think), orders).ToArray());
    }

    public static TimeSpan Think(LoadSettings settings, Random random) =>
        TimeSpan.FromMilliseconds(random.Next(settings.ThinkMinMs, settings.ThinkMaxMs + 1));
}
