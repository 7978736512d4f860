namespace PopupStore.LoadClient.Load.Profiles;

/// <summary><c>steady</c>: buyers arrive one after another at a fixed rate (<c>--rate</c> per second).</summary>
public sealed class SteadyProfile(double arrivalsPerSecond) : IBuyerProfile
{
    public const double DefaultRate = 1000;

    public double ArrivalsPerSecond { get; } = arrivalsPerSecond > 0 && double.IsFinite(arrivalsPerSecond)
        ? arrivalsPerSecond
        : throw new ArgumentOutOfRangeException(nameof(arrivalsPerSecond), arrivalsPerSecond, "A rate is a positive number.");

    public string Name => "steady";

    public string Describe(LoadSettings settings) =>
        $"steady: {settings.Buyers} buyers at {ArrivalsPerSecond:0.###}/s (over {settings.Buyers / ArrivalsPerSecond:0.#} s), " +
        $"{settings.DuplicateRatio * 100:0.#}% ordering two or three times, think {settings.ThinkMinMs}..{settings.ThinkMaxMs} ms";

    public IReadOnlyList<BuyerPlan> Plan(LoadSettings settings, Random random) =>
        Enumerable.Range(0, settings.Buyers)
            .Select(i => CrowdBuyer.Plan(i, TimeSpan.FromSeconds(i / ArrivalsPerSecond), settings, random))
            .ToArray();
}
