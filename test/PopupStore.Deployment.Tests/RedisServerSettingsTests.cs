namespace PopupStore.Deployment.Tests;

/// <summary>
/// Every way the product starts Redis passes redis/popupstore.conf first, so what the benchmark measures and the
/// tests exercise is what compose and run-sale.sh run.
/// </summary>
public sealed class RedisServerSettingsTests
{
    [Theory]
    [InlineData("run-sale.sh", "redis-server \"$ROOT/redis/popupstore.conf\"")]
    [InlineData("scripts/chaos.sh", "redis-server \"$ROOT/redis/popupstore.conf\"")]
    [InlineData("bench.sh", "server=(redis-server \"$ROOT/redis/popupstore.conf\")")]
    [InlineData("bench.sh", "\"$modules/redis-server-6.2.6\" \"$ROOT/redis/popupstore.conf\"")]
    [InlineData("redis/entrypoint.sh", "exec \"$REDIS_SERVER\" \"$config_file\"")]
    [InlineData("redis/entrypoint.sh", "config_file=\"$REDIS_CONF\"")]
    [InlineData("redis/entrypoint.sh", "printf 'include \"%s\"\\n' \"$REDIS_CONF\" > \"$config_file\"")]
    [InlineData("redis/entrypoint.sh", "REDIS_CONF=\"${REDIS_CONF:-/usr/local/etc/popupstore/popupstore.conf}\"")]
    [InlineData("redis/Dockerfile", "COPY popupstore.conf /usr/local/etc/popupstore/popupstore.conf")]
    [InlineData("scripts/rehearse-stack.sh", "REDIS_CONF=\"$ROOT/redis/popupstore.conf\"")]
    [InlineData("gears/tests/real_redis.py", "REDIS_CONF=os.path.join(REPO, 'redis', 'popupstore.conf')")]
    public void Each_launcher_passes_the_shipped_settings(string launcher, string expected) =>
        Assert.Contains(expected, RepoFiles.Read(launcher), StringComparison.Ordinal);

    [Fact]
    public void The_settings_file_holds_only_directives_redis_knows_for_speed()
    {
        var directives = RepoFiles.Read("redis/popupstore.conf")
            .Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();

        // Persistence, ACLs and modules stay with each launcher: this file is only about speed.
        Assert.Equal(["stream-node-max-entries 16"], directives);
    }
}
