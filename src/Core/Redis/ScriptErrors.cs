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
    // WRONGTYPE is here too: the scripts only touch the contract's fixed keys, never a key an entry names, so a
    // key of the wrong type is an operator's mistake, not anything an order did.
    private static readonly string[] RedisConditions =
    [
        "OOM", "MISCONF", "NOPERM", "NOAUTH", "WRONGPASS", "LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN",
        "READONLY", "NOREPLICAS", "CLUSTERDOWN", "NOSCRIPT", "EXECABORT", "WRONGTYPE",
    ];

    // An ACL denial of a command called from a script carries no code: "ERR The user executing the script can't
    // run this command or subcommand script: ..." on 7.0, "... @user_script: 1: The user executing the script
    // can't run this command or subcommand" on 6.2 (and "... can't access at least one of the keys ...").
    private const string ScriptAclDenial = "The user executing the script can't";

    /// <summary>A Lua runtime error inside one of our scripts that no Redis condition explains.</summary>
    public static bool IsRuntimeError(RedisServerException error) =>
        (error.Message.Contains("user_script", StringComparison.Ordinal)
            || error.Message.Contains("Error running script", StringComparison.Ordinal))
        && !IsRedisCondition(error);

    /// <summary>Redis refusing or unable to run the command now, whatever was asked.</summary>
    public static bool IsRedisCondition(RedisServerException error) =>
        error.Message.Contains(ScriptAclDenial, StringComparison.Ordinal)
        || RedisConditions.Any(code =>
            error.Message.StartsWith(code, StringComparison.Ordinal)
            || error.Message.Contains("-" + code, StringComparison.Ordinal)
            || error.Message.Contains(" " + code + " ", StringComparison.Ordinal));
}
