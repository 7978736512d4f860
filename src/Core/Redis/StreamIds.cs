using System.Globalization;

namespace PopupStore.Core.Redis;

/// <summary>Stream entry ids ("ms-seq"): an order's id is its arrival time, which latency is measured from.</summary>
public static class StreamIds
{
    public static bool IsValid(string? id) => TryParse(id, out _, out _);

    public static bool TryParse(string? id, out ulong milliseconds, out ulong sequence)
    {
        milliseconds = 0;
        sequence = 0;
        if (string.IsNullOrEmpty(id) || id.Length > 41)
        {
            return false;
        }

        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == id.Length - 1)
        {
            return false;
        }

        return ulong.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out milliseconds)
            && ulong.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>Milliseconds since the epoch encoded in an entry id, or null when it is not one.</summary>
    public static long? Milliseconds(string? id) =>
        TryParse(id, out var ms, out _) && ms <= long.MaxValue ? (long)ms : null;
}
