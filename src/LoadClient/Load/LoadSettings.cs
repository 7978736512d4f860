using PopupStore.LoadClient.Load.Profiles;

namespace PopupStore.LoadClient.Load;

/// <summary>
/// What a <c>run</c> does. Without a <paramref name="Profile"/>, a rate means <c>steady</c> and no rate means
/// <c>flash</c> (the whole crowd at once).
/// </summary>
public sealed record LoadSettings(
    int Buyers,
    double DuplicateRatio,
    double? ArrivalsPerSecond,
    int ThinkMinMs,
    int ThinkMaxMs,
    TimeSpan AnswerTimeout,
    int? Seed = null,
    IBuyerProfile? Profile = null)
{
    public IBuyerProfile EffectiveProfile =>
        Profile ?? (ArrivalsPerSecond is { } rate ? new SteadyProfile(rate) : new FlashProfile());
}
