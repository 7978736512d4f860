namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>
/// <c>bots</c>: a few customers (<c>--bots</c>) each hammer many orders at the opening second (<c>--orders-per-bot</c>,
/// all written at once), alongside the ordinary flash crowd of <c>--buyers</c>. Each bot can buy one unit at most.
/// </summary>
public sealed class BotsProfile(int bots, int ordersPerBot) : IBuyerProfile
{
    public const int DefaultBots = 10;
    public const int DefaultOrdersPerBot = 100;

    public int Bots { get; } = bots > 0 ? bots : throw new ArgumentOutOfRangeException(nameof(bots));

    public int OrdersPerBot { get; } = ordersPerBot > 0 ? ordersPerBot : throw new ArgumentOutOfRangeException(nameof(ordersPerBot));

    public string Name => "bots";

    public string Describe(LoadSettings settings) =>
        $"bots: {Bots} bots x {OrdersPerBot} orders at the opening, plus {settings.Buyers} buyers at once " +
        $"({settings.DuplicateRatio * 100:0.#}% ordering two or three times, think {settings.ThinkMinMs}..{settings.ThinkMaxMs} ms)";

    public IReadOnlyList<BuyerPlan> Plan(LoadSettings settings, Random random)
    {
        // Bots are scripts: they are in first and do not think.
        var hammer = Enumerable.Repeat(new PlannedOrder(TimeSpan.Zero), OrdersPerBot).ToArray();
        var bots = Enumerable.Range(0, Bots).Select(b => new BuyerPlan($"b{b}", IsBot: true, TimeSpan.Zero, hammer));
        var crowd = Enumerable.Range(0, settings.Buyers).Select(i => CrowdBuyer.Plan(i, TimeSpan.Zero, settings, random));
        return bots.Concat(crowd).ToArray();
    }
}
