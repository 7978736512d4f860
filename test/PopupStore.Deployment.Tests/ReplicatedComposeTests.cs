namespace PopupStore.Deployment.Tests;

/// <summary>
/// Static checks of docker-compose.replicated.yml, the replicated Redis topology layered on docker-compose.yml, and
/// of the Redis and Sentinel files it runs (no Docker engine needed).
/// </summary>
public sealed class ReplicatedComposeTests
{
    private const string File = "docker-compose.replicated.yml";

    private static readonly string[] Sentinels = ["sentinel-1", "sentinel-2", "sentinel-3"];

    private static readonly Lazy<Dictionary<string, object?>> Services =
        new(() => MiniYaml.Map(MiniYaml.Map(MiniYaml.Parse(RepoFiles.Read(File)), File)["services"], "services"));

    private static Dictionary<string, object?> Service(string name)
    {
        Assert.True(Services.Value.ContainsKey(name), $"service '{name}' missing from {File}");
        return MiniYaml.Map(Services.Value[name], name);
    }

    private static Dictionary<string, object?> Environment(string service) =>
        MiniYaml.Map(Service(service)["environment"], $"{service}.environment");

    [Fact]
    public void AddsTwoReplicasAndThreeSentinelsAndRepointsEveryClient()
    {
        Assert.Equal(
            new[] { "gears", "loadclient", "redis", "redis-replica-1", "redis-replica-2", "sentinel-1", "sentinel-2", "sentinel-3", "silo" },
            Services.Value.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void TheLayeredFileValidatesWithDockerCompose()
    {
        var compose = RepoFiles.FindOnPath("docker-compose");
        Assert.True(compose is not null, "docker-compose is not on PATH (apt-get install -y docker-compose; .ci/run does).");
        var emptyEnvFile = Path.GetTempFileName();
        try
        {
            var env = new Dictionary<string, string?>
            {
                ["REDIS_PASSWORD"] = "dummyRedisPassword0",
                ["GRAFANA_ADMIN_PASSWORD"] = "dummyGrafanaPassword0",
                ["COMPOSE_PROFILES"] = null,
                ["COMPOSE_FILE"] = null,
            };
            var services = RepoFiles.Run(compose!, ["-f", "docker-compose.yml", "-f", File, "--env-file", emptyEnvFile, "--profile", "load", "config", "--services"],
                TimeSpan.FromMinutes(2), env);
            Assert.True(services.ExitCode == 0, services.Combined);
            foreach (var name in new[] { "redis", "redis-replica-1", "redis-replica-2", "sentinel-1", "sentinel-2", "sentinel-3", "silo", "gears", "grafana", "storefront", "loadclient" })
            {
                Assert.Contains(name, services.StdOut.Split('\n').Select(l => l.Trim()));
            }
        }
        finally
        {
            System.IO.File.Delete(emptyEnvFile);
        }
    }

    [Theory]
    [InlineData("redis-replica-1")]
    [InlineData("redis-replica-2")]
    public void ReplicasFollowTheFirstPrimaryWithTheirOwnData(string name)
    {
        var replica = Service(name);
        var env = Environment(name);
        Assert.Equal("yes", env["REDIS_REPLICATED"]);
        Assert.Equal("redis 6379", env["REDIS_REPLICA_OF"]);
        Assert.Equal("${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}", env["REDIS_PASSWORD"]);
        Assert.Equal([$"{name}-data:/data"], MiniYaml.Seq(replica["volumes"], $"{name}.volumes"));
        Assert.Equal("./redis", MiniYaml.Get(replica, "build", "context"));
        Assert.Equal("yes", Environment("redis")["REDIS_REPLICATED"]);
        Assert.False(replica.ContainsKey("ports"), "Redis is never published on the host");
    }

    [Fact]
    public void SentinelsWatchThePrimaryWithQuorumTwoFromTheShippedTemplate()
    {
        foreach (var name in Sentinels)
        {
            var sentinel = Service(name);
            Assert.Equal(["/usr/local/bin/popupstore-sentinel-entrypoint"], MiniYaml.Seq(sentinel["entrypoint"], $"{name}.entrypoint"));
            var env = Environment(name);
            Assert.Equal("redis", env["PRIMARY_HOST"]);
            Assert.Equal("6379", env["PRIMARY_PORT"]);
            Assert.Equal("26379", env["SENTINEL_PORT"]);
            Assert.Equal("popupstore", env["SENTINEL_SERVICE_NAME"]);
            Assert.Equal("2", env["SENTINEL_QUORUM"]);
            Assert.False(sentinel.ContainsKey("ports"), "Sentinels are reachable on the compose network only");
            var test = string.Join(' ', MiniYaml.Seq(MiniYaml.Get(sentinel, "healthcheck", "test"), $"{name}.healthcheck.test"));
            Assert.Contains("-p 26379", test, StringComparison.Ordinal);
        }

        var dockerfile = RepoFiles.Read("redis/Dockerfile");
        Assert.Contains("COPY sentinel-entrypoint.sh /usr/local/bin/popupstore-sentinel-entrypoint", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY replication.conf sentinel.conf.template /usr/local/etc/popupstore/", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("loadclient")]
    public void ClientsNameTheSentinelsAndTheService(string service)
    {
        var connection = Assert.IsType<string>(Environment(service)["ConnectionStrings__Redis"]);
        Assert.StartsWith("sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=popupstore,", connection, StringComparison.Ordinal);
        Assert.Contains(",user=popupstore", connection, StringComparison.Ordinal);
        Assert.Contains("password=${REDIS_PASSWORD:?", connection, StringComparison.Ordinal);
        Assert.Contains(",abortConnect=false", connection, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gears")]
    public void StartsOnlyOnceEverySentinelIsHealthy(string service)
    {
        var depends = MiniYaml.Map(Service(service)["depends_on"], $"{service}.depends_on");
        foreach (var sentinel in Sentinels)
        {
            Assert.Equal("service_healthy", MiniYaml.Get(depends, sentinel, "condition"));
        }
    }

    [Fact]
    public void TheRegistrarAsksTheSentinels()
    {
        var env = Environment("gears");
        Assert.Equal("sentinel-1:26379 sentinel-2:26379 sentinel-3:26379", env["REDIS_SENTINELS"]);
        Assert.Equal("popupstore", env["REDIS_SERVICE_NAME"]);
    }

    [Fact]
    public void SentinelSettingsAreChosenForRecoveryWithinTenSeconds()
    {
        var template = RepoFiles.Read("redis/sentinel.conf.template");
        Assert.Contains("sentinel down-after-milliseconds ${SENTINEL_SERVICE_NAME} 3000", template, StringComparison.Ordinal);
        Assert.Contains("sentinel failover-timeout ${SENTINEL_SERVICE_NAME} 10000", template, StringComparison.Ordinal);
        Assert.Contains("sentinel auth-user ${SENTINEL_SERVICE_NAME} sentinel", template, StringComparison.Ordinal);
        Assert.Contains("sentinel auth-pass ${SENTINEL_SERVICE_NAME} \"${REDIS_PASSWORD}\"", template, StringComparison.Ordinal);
        Assert.Contains("user default off", template, StringComparison.Ordinal);

        var replication = RepoFiles.Read("redis/replication.conf");
        Assert.Contains("\nmin-replicas-to-write 1\n", replication, StringComparison.Ordinal);
        Assert.Contains("\nmin-replicas-max-lag 3\n", replication, StringComparison.Ordinal);
        Assert.Contains("\nmasteruser replication\n", replication, StringComparison.Ordinal);
        // The password is rendered into a private file at start, never committed.
        Assert.DoesNotContain(replication.Split('\n'), l => l.StartsWith("masterauth", StringComparison.Ordinal));
    }
}
