namespace PopupStore.LoadClient.Report;

/// <summary>Orders whose latency was at least <paramref name="FromMs"/> and below <paramref name="ToMs"/> (null: no upper end).</summary>
public sealed record LatencyBucket(long FromMs, long? ToMs, int Count)
{
    public string Label => ToMs is { } to ? $"{Ms(FromMs)}–{Ms(to)}" : $"≥{Ms(FromMs)}";

    private static string Ms(long ms) => ms >= 1000 && ms % 1000 == 0
        ? (ms / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s"
        : ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";
}
