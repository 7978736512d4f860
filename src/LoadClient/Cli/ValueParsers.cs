using System.Globalization;

namespace PopupStore.LoadClient.Cli;

/// <summary>Parses the human forms the options accept: durations like 10m or 90s, ranges like 0..1000.</summary>
public static class ValueParsers
{
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        if (text.Length < 2)
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase)
            ? (text[..^2], "ms")
            : (text[..^1], text[^1..].ToLowerInvariant());
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        TimeSpan? parsed = unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            _ => null,
        };
        if (parsed is { } result)
        {
            duration = result;
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>"250" is 250..250; "0..1000" is a uniform range.</summary>
    public static bool TryParseRange(string text, out (int Min, int Max) range)
    {
        range = default;
        var parts = text.Split("..", 2, StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min))
        {
            return false;
        }

        var max = min;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max))
        {
            return false;
        }

        if (max < min)
        {
            return false;
        }

        range = (min, max);
        return true;
    }
}
