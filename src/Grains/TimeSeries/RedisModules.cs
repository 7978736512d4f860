using StackExchange.Redis;

namespace PopupStore.Grains.TimeSeries;

/// <summary>What MODULE LIST said: the loaded module names, or why it could not be read.</summary>
public sealed record RedisModules(IReadOnlySet<string>? Names, string? Error)
{
    /// <summary>RedisGears 1.x (the Python StreamReader gears/timeseries.py needs).</summary>
    public const string GearsModule = "rg";

    public const string TimeSeriesModule = "timeseries";

    public bool Known => Names is not null;

    public bool HasGears => Names?.Contains(GearsModule) == true;

    public bool HasTimeSeries => Names?.Contains(TimeSeriesModule) == true;

    public static RedisModules Unknown(string error) => new(null, error);

    public static RedisModules Of(params string[] names) => new(new HashSet<string>(names, StringComparer.OrdinalIgnoreCase), null);

    /// <summary>
    /// Reads the module names from a MODULE LIST reply: one entry per module, each a flat list
    /// (RESP2) or a map (RESP3) of field/value pairs with a <c>name</c> field.
    /// </summary>
    public static RedisModules FromModuleList(RedisResult reply)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (reply.IsNull || reply.Length <= 0)
        {
            return new RedisModules(names, null);
        }

        foreach (var module in (RedisResult[])reply!)
        {
            var fields = (RedisResult[]?)module ?? [];
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                if (string.Equals(GearsRegistrations.Text(fields[i]), "name", StringComparison.OrdinalIgnoreCase) &&
                    GearsRegistrations.Text(fields[i + 1]) is { Length: > 0 } name)
                {
                    names.Add(name);
                }
            }
        }

        return new RedisModules(names, null);
    }

    /// <summary>
    /// Runs MODULE LIST. An ACL that denies it (NOPERM), a Redis that renamed or disabled it, or any other
    /// error reply gives <see cref="Unknown"/> with the error, never an exception.
    /// </summary>
    public static async Task<RedisModules> DetectAsync(IDatabaseAsync database)
    {
        try
        {
            return FromModuleList(await database.ExecuteAsync("MODULE", "LIST"));
        }
        catch (RedisServerException ex)
        {
            return Unknown(ex.Message);
        }
    }
}

/// <summary>Whether RG.DUMPREGISTRATIONS lists the registration gears/register.sh makes.</summary>
public enum GearsRegistration
{
    Present,
    Missing,
    NotChecked,
}

public static class GearsRegistrations
{
    /// <summary>The description of gears/timeseries.py's registration.</summary>
    public const string Description = "popupstore-timeseries";

    /// <summary>True when any nested field <c>desc</c> of the reply has the value <see cref="Description"/>.</summary>
    public static bool Contains(RedisResult reply)
    {
        if (reply.IsNull || reply.Resp2Type != ResultType.Array)
        {
            return false;
        }

        var items = (RedisResult[])reply!;
        for (var i = 0; i < items.Length; i++)
        {
            if (i + 1 < items.Length && Text(items[i]) == "desc" && Text(items[i + 1]) == Description)
            {
                return true;
            }

            if (Contains(items[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text of a string reply; null for anything else (arrays, integers, nil).</summary>
    internal static string? Text(RedisResult value) =>
        !value.IsNull && value.Resp2Type is ResultType.BulkString or ResultType.SimpleString ? (string?)value : null;

    public static async Task<(GearsRegistration Status, string? Error)> CheckAsync(IDatabaseAsync database)
    {
        try
        {
            var reply = await database.ExecuteAsync("RG.DUMPREGISTRATIONS");
            return (Contains(reply) ? GearsRegistration.Present : GearsRegistration.Missing, null);
        }
        catch (RedisServerException ex)
        {
            return (GearsRegistration.NotChecked, ex.Message);
        }
    }
}
