namespace PopupStore.LoadClient.Report;

/// <summary>One colour per outcome, the same in every chart.</summary>
public static class OutcomePalette
{
    public const string Complete = "#2e7d32";
    public const string Duplicate = "#f9a825";
    public const string SoldOut = "#c62828";
    public const string Closed = "#6a1b9a";
    public const string Invalid = "#455a64";
    public const string Arrived = "#1565c0";
    public const string Units = "#00838f";
    public const string Latency = "#5c6bc0";

    public static readonly (string Name, string Color, Func<TimelineBucket, int> Count)[] Outcomes =
    [
        ("complete", Complete, b => b.Completed),
        ("duplicate", Duplicate, b => b.Duplicate),
        ("sold-out", SoldOut, b => b.SoldOut),
        ("closed", Closed, b => b.Closed),
        ("invalid", Invalid, b => b.Invalid),
    ];
}
