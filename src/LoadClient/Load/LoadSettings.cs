namespace PopupStore.LoadClient.Load;

/// <summary>What a <c>run</c> does. Rate null means as fast as the client can write.</summary>
public sealed record LoadSettings(
    int Buyers,
    double DuplicateRatio,
    double? ArrivalsPerSecond,
    int ThinkMinMs,
    int ThinkMaxMs,
    TimeSpan AnswerTimeout,
    int? Seed = null);
