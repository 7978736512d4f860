using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>
/// Tells errors that may come from what a script was given from errors of Redis itself. Only the first
/// can be an entry's fault; the others (OOM, MISCONF, NOPERM, LOADING, READONLY, ...) say Redis cannot
/// take writes right now, and retrying later is the answer.
/// </summary>
public static class ScriptErrors
{
    // Redis 7 keeps the code of a command that failed inside a script ("OOM command not allowed ...
    // script: ..., on @user_script:12"); Redis 6.2 wraps it ("ERR Error running script ... -OOM ...").
    private static readonly string[] RedisConditions =
    [
        "OOM", "MISCONF", "NOPERM", "NOAUTH", "WRONGPASS", "LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN",
        "READONLY", "NOREPLICAS", "CLUSTERDOWN", "NOSCRIPT", "EXECABORT",
    ];

    /// <summary>A Lua runtime error inside one of our scripts that no Redis condition explains.</summary>
    public static bool IsRuntimeError(RedisServerException error) =>
        (error.Message.Contains("user_script", StringComparison.Ordinal)
            || error.Message.Contains("Error running script", StringComparison.Ordinal))
        && !IsRedisCondition(error);

    /// <summary>Redis refusing or unable to run the command now, whatever was asked.</summary>
    public static bool IsRedisCondition(RedisServerException error) =>
        RedisConditions.Any(code =>
            error.Message.StartsWith(code, StringComparison.Ordinal)
            || error.Message.Contains("-" + code, StringComparison.Ordinal)
            || error.Message.Contains(" " + code + " ", StringComparison.Ordinal));
}
