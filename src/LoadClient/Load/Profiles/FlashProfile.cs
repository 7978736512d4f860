namespace PopupStore.LoadClient.Load.Profiles;

/// <summary><c>flash</c>: the whole crowd arrives at the opening second, as fast as the client can write.</summary>
public sealed class FlashProfile : IBuyerProfile
{
    public string Name => "flash";

    public string Describe(LoadSettings settings) =>
        $"flash: {settings.Buyers} buyers at once, {settings.DuplicateRatio * 100:0.#}% ordering two or three times, think {settings.ThinkMinMs}..{settings.ThinkMaxMs} ms";

    public IReadOnlyList<BuyerPlan> Plan(LoadSettings settings, Random random) =>
        Enumerable.Range(0, settings.Buyers).Select(i => CrowdBuyer.Plan(i, TimeSpan.Zero, settings, random)).ToArray();
}
