using System.Globalization;

namespace PopupStore.LoadClient.Cli;

/// <summary>An inclusive range of whole numbers, written "min..max" (or one number when both ends are equal).</summary>
public sealed record IntRange(int Min, int Max)
{
    public static IntRange Parse(string text) =>
        ValueParsers.TryParseRange(text, out var range)
            ? new IntRange(range.Min, range.Max)
            : throw new FormatException($"'{text}' is not a range like 0..1000.");

    public override string ToString() => Min == Max
        ? Min.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Min}..{Max}");
}
