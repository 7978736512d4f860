using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PopupStore.Core.Redis;

namespace PopupStore.LoadClient.Cli;

/// <summary>
/// Options every verb shares, and factories for the number, duration and range options of the verbs. Every value
/// is parsed by a custom parser, so a wrong value is one parse error (exit code 2), never an exception.
/// </summary>
public static class CommonOptions
{
    public static readonly Option<string> Redis = new("--redis")
    {
        Description = "StackExchange.Redis connection string (default: $ConnectionStrings__Redis, then localhost:6379)",
        Recursive = true,
        DefaultValueFactory = _ =>
            Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : RedisConnector.DefaultConnectionString,
    };

    public static Option<bool> Plain() => new("--plain")
    {
        Description = "Print one plain line every 2 seconds instead of the live view (automatic when output is not a terminal)",
    };

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = Text(result);
            if (ValueParsers.TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
            {
                return duration;
            }

            result.AddError($"{name}: '{text}' is not a duration (examples: 90s, 10m, 1h, 00:10:00)");
            return default;
        },
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Count(string name, string description, int defaultValue, int min = 1, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseCount(result, name, min, max),
    };

    public static Option<long> LongCount(string name, string description, long defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = Text(result);
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a positive whole number");
            return default;
        },
    };

    /// <summary>Any whole number, or nothing (no default).</summary>
    public static Option<int?> OptionalInteger(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = Text(result);
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a whole number");
            return null;
        },
    };

    /// <summary>A number from 0 to 1.</summary>
    public static Option<double> Ratio(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = Text(result);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a number between 0 and 1");
            return default;
        },
    };

    /// <summary>A positive number, or nothing.</summary>
    public static Option<double?> OptionalRate(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = Text(result);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a positive number");
            return null;
        },
    };

    /// <summary>"250" or "0..1000", each end from 0 to <paramref name="max"/>.</summary>
    public static Option<IntRange> Range(string name, string description, string defaultValue, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => IntRange.Parse(defaultValue),
        CustomParser = result =>
        {
            var text = Text(result);
            if (ValueParsers.TryParseRange(text, out var range) && range.Max <= max)
            {
                return new IntRange(range.Min, range.Max);
            }

            result.AddError($"{name}: '{text}' is not a number or a range min..max from 0 to {max} (examples: 250, 0..1000)");
            return new IntRange(0, 0);
        },
        HelpName = "min..max",
    };

    /// <summary>One of a fixed set of words.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var text = Text(result);
                if (choices.Contains(text, StringComparer.Ordinal))
                {
                    return text;
                }

                result.AddError($"{name}: '{text}' is not one of {string.Join(", ", choices)}");
                return defaultValue;
            },
            HelpName = string.Join('|', choices),
        };
        return option;
    }

    private static int ParseCount(ArgumentResult result, string name, int min, int max)
    {
        var text = Text(result);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(max == int.MaxValue
            ? $"{name}: '{text}' is not a whole number of at least {min}"
            : $"{name}: '{text}' is not a whole number from {min} to {max}");
        return default;
    }

    private static string Text(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
}
