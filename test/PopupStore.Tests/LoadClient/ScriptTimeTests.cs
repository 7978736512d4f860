using PopupStore.Bench;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.LoadClient;

/// <summary>The limit rows' script time, read from a real Redis' commandstats.</summary>
public sealed class ScriptTimeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Time_spent_inside_scripts_is_counted_and_other_commands_are_not()
    {
        var db = redis.Database;
        var before = await ScriptTime.ReadAsync(redis.Redis);

        // A script that keeps Redis busy for about 20 ms, by Redis' own clock.
        await db.ScriptEvaluateAsync(
            "local t = redis.call('TIME') local start = t[1] * 1e6 + t[2] repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] - start >= 20000 return 1");
        var afterScript = await ScriptTime.ReadAsync(redis.Redis);
        for (var i = 0; i < 200; i++)
        {
            await db.StringSetAsync("script-time-other", i);
        }

        var afterOthers = await ScriptTime.ReadAsync(redis.Redis);

        Assert.InRange((afterScript - before).TotalMilliseconds, 20, 2000);
        Assert.Equal(afterScript, afterOthers);
    }
}
