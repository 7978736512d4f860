using System.Text;
using StackExchange.Redis;

namespace PopupStore.Bench.SeedGears;

/// <summary>
/// The seed demo's design made correct: orders answered inside Redis by a RedisGears StreamReader
/// (<c>seed_orders.py</c>, shipped in this folder). Registered for one measurement and removed after it,
/// so it never races the cluster's pollers for the same entries.
/// </summary>
public sealed class SeedGearsProcessor(IConnectionMultiplexer redis)
{
    public const string Description = "popupstore-seed-orders";

    // Commands go through the database: the bench's connection is not an admin one.
    private IDatabase Server => redis.GetDatabase();

    /// <summary>Null when RedisGears is loaded, else why this measurement cannot run here.</summary>
    public async Task<string?> WhyUnavailableAsync()
    {
        var modules = await Server.ExecuteAsync("MODULE", "LIST");
        var names = ((RedisResult[])modules!)
            .Select(m => ((RedisResult[])m!).Select(v => v.ToString()).ToArray())
            .Select(fields => fields.SkipWhile(f => f != "name").Skip(1).FirstOrDefault())
            .ToList();
        return names.Contains("rg")
            ? null
            : "RedisGears is not loaded in this Redis (./bench.sh loads it from $REDIS_MODULES_DIR, default ../shared/redis-modules)";
    }

    public async Task RegisterAsync()
    {
        await UnregisterAsync();
        await Server.ExecuteAsync("RG.PYEXECUTE", Script());
    }

    /// <summary>Removes every registration of this script (also one left by an interrupted run).</summary>
    public async Task UnregisterAsync()
    {
        var registrations = (RedisResult[])(await Server.ExecuteAsync("RG.DUMPREGISTRATIONS"))!;
        foreach (var registration in registrations)
        {
            var fields = ((RedisResult[])registration!).Select(f => f.Resp2Type == ResultType.Array ? string.Empty : f.ToString()).ToArray();
            var id = Field(fields, "id");
            if (Field(fields, "desc") == Description && id is not null)
            {
                await Server.ExecuteAsync("RG.UNREGISTER", id);
            }
        }
    }

    private static string? Field(string[] fields, string name)
    {
        var at = Array.IndexOf(fields, name);
        return at >= 0 && at + 1 < fields.Length ? fields[at + 1] : null;
    }

    private static string Script()
    {
        using var stream = typeof(SeedGearsProcessor).Assembly.GetManifestResourceStream("PopupStore.Bench.seed_orders.py")
            ?? throw new InvalidOperationException("seed_orders.py is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
