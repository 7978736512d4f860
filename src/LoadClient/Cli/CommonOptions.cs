using System.CommandLine;
using PopupStore.Core.Redis;

namespace PopupStore.LoadClient.Cli;

/// <summary>Options every verb shares.</summary>
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

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ValueParsers.TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
            {
                return duration;
            }

            result.AddError($"{name}: '{text}' is not a duration (examples: 90s, 10m, 1h, 00:10:00).");
            return default;
        },
    };
}
