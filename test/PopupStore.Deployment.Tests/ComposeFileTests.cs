using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>Static checks of docker-compose.yml and the files it points at (no Docker engine needed).</summary>
public sealed partial class ComposeFileTests
{
    private static readonly Lazy<Dictionary<string, object?>> Compose =
        new(() => MiniYaml.Map(MiniYaml.Parse(RepoFiles.Read("docker-compose.yml")), "docker-compose.yml"));

    private static Dictionary<string, object?> Services =>
        MiniYaml.Map(Compose.Value["services"], "services");

    private static Dictionary<string, object?> Service(string name)
    {
        Assert.True(Services.ContainsKey(name), $"service '{name}' missing from docker-compose.yml");
        return MiniYaml.Map(Services[name], name);
    }

    private static Dictionary<string, object?> Environment(string service) =>
        MiniYaml.Map(Service(service)["environment"], $"{service}.environment");

    [Fact]
    public void ComposeFileValidatesWithDockerCompose()
    {
        // A missing tool is a failure, never a pass: .ci/run installs it on a fresh machine.
        var compose = RepoFiles.FindOnPath("docker-compose");
        Assert.True(compose is not null,
            "docker-compose is not on PATH, so the compose file cannot be validated: install it (apt-get install -y docker-compose; .ci/run does).");

        // An empty --env-file keeps a developer's local .env out of the checks.
        var emptyEnvFile = Path.GetTempFileName();
        try
        {
            ValidateWithDockerCompose(compose!, emptyEnvFile);
        }
        finally
        {
            File.Delete(emptyEnvFile);
        }
    }

    private static void ValidateWithDockerCompose(string compose, string emptyEnvFile)
    {
        var env = new Dictionary<string, string?>
        {
            ["REDIS_PASSWORD"] = "dummyRedisPassword0",
            ["GRAFANA_ADMIN_PASSWORD"] = "dummyGrafanaPassword0",
            ["COMPOSE_PROFILES"] = null,
        };
        var valid = RepoFiles.Run(compose, ["-f", "docker-compose.yml", "--env-file", emptyEnvFile, "config", "-q"], TimeSpan.FromMinutes(2), env);
        Assert.True(valid.ExitCode == 0, $"docker-compose config -q failed:\n{valid.Combined}");

        var withLoad = RepoFiles.Run(compose, ["-f", "docker-compose.yml", "--env-file", emptyEnvFile, "--profile", "load", "config", "--services"],
            TimeSpan.FromMinutes(2), env);
        Assert.True(withLoad.ExitCode == 0, withLoad.Combined);
        Assert.Contains("loadclient", withLoad.StdOut, StringComparison.Ordinal);

        // The secrets are required: without them the file must not validate.
        var missing = RepoFiles.Run(compose, ["-f", "docker-compose.yml", "--env-file", emptyEnvFile, "config", "-q"], TimeSpan.FromMinutes(2),
            new Dictionary<string, string?> { ["REDIS_PASSWORD"] = null, ["GRAFANA_ADMIN_PASSWORD"] = null });
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("REDIS_PASSWORD", missing.Combined, StringComparison.Ordinal);
    }

    [Fact]
    public void HasTheExpectedServices()
    {
        Assert.Equal(
            new[] { "gears", "grafana", "loadclient", "prometheus", "redis", "silo", "storefront" },
            Services.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void SiloScalesFreely()
    {
        var silo = Service("silo");
        Assert.False(silo.ContainsKey("container_name"), "silo must not set container_name (it is scaled)");
        Assert.False(silo.ContainsKey("ports"), "silo must not publish ports (replicas would collide)");
        Assert.Equal("src/Silo/Dockerfile", MiniYaml.Get(silo, "build", "dockerfile"));
        Assert.Equal(".", MiniYaml.Get(silo, "build", "context"));

        var env = Environment("silo");
        Assert.Equal("popupstore", env["Orleans__ClusterId"]);
        Assert.Equal("popupstore", env["Orleans__ServiceId"]);
        Assert.Equal("11111", env["Orleans__Endpoints__SiloPort"]);
        Assert.Equal("30000", env["Orleans__Endpoints__GatewayPort"]);
        Assert.Equal("http://+:8080", env["ASPNETCORE_URLS"]);
        Assert.True(string.IsNullOrEmpty(env["Orleans__Endpoints__AdvertisedIPAddress"] as string),
            "each replica must advertise its own address");

        var test = MiniYaml.Seq(MiniYaml.Get(silo, "healthcheck", "test"), "silo.healthcheck.test");
        Assert.Contains("http://localhost:8080/health", test);
        Assert.Contains("curl", RepoFiles.Read("src/Silo/Dockerfile"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheStorefrontProxyHoldsEachClientToTheSilosLimitForTheWholeCluster()
    {
        var silo = Environment("silo");
        var proxy = Environment("storefront");
        Assert.Equal(silo["Storefront__ClientRequestsPerSecond"], proxy["CLIENT_RATE"]);
        // nginx lets the first request through and then `burst` more at once; a silo's bucket holds ClientBurst.
        var burst = int.Parse(Assert.IsType<string>(silo["Storefront__ClientBurst"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(burst - 1, int.Parse(Assert.IsType<string>(proxy["CLIENT_EXCESS"]), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(Assert.IsType<string>(proxy["CLIENT_RATE"]), System.Globalization.CultureInfo.InvariantCulture) > 0,
            "nginx has no rate 0: the proxy's limit cannot be turned off that way");
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("loadclient")]
    public void ClientsConnectAsThePopupstoreUser(string service)
    {
        var connection = Assert.IsType<string>(Environment(service)["ConnectionStrings__Redis"]);
        Assert.StartsWith("redis:6379,", connection, StringComparison.Ordinal);
        Assert.Contains("password=${REDIS_PASSWORD:?", connection, StringComparison.Ordinal);
        Assert.Contains(",user=popupstore", connection, StringComparison.Ordinal);
        Assert.Contains(",abortConnect=false", connection, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadClientRunsOnDemandOnly()
    {
        var loadclient = Service("loadclient");
        Assert.Contains("load", MiniYaml.Seq(loadclient["profiles"], "loadclient.profiles"));
        Assert.Equal("src/LoadClient/Dockerfile", MiniYaml.Get(loadclient, "build", "dockerfile"));
        Assert.False(loadclient.ContainsKey("ports"));
    }

    [Fact]
    public void OnlyGrafanaAndTheStorefrontArePublished()
    {
        foreach (var (name, node) in Services)
        {
            var service = MiniYaml.Map(node, name);
            if (name == "grafana")
            {
                Assert.Contains("3000:3000", MiniYaml.Seq(service["ports"], "grafana.ports"));
                continue;
            }

            if (name == "storefront")
            {
                Assert.Equal(["${STOREFRONT_PORT:-8080}:8080"], MiniYaml.Seq(service["ports"], "storefront.ports"));
                continue;
            }

            if (service.TryGetValue("ports", out var ports))
            {
                foreach (var port in MiniYaml.Seq(ports, $"{name}.ports"))
                {
                    Assert.StartsWith("127.0.0.1:", Assert.IsType<string>(port), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void EveryImageIsPinned()
    {
        foreach (var (name, node) in Services)
        {
            var service = MiniYaml.Map(node, name);
            if (service.TryGetValue("image", out var image))
            {
                AssertPinned(Assert.IsType<string>(image), $"service {name}");
            }
            else
            {
                Assert.True(service.ContainsKey("build"), $"service {name} has neither image nor build");
            }
        }

        foreach (var dockerfile in ReferencedDockerfiles())
        {
            var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match from in FromLine().Matches(RepoFiles.Read(dockerfile)))
            {
                var image = from.Groups["image"].Value;
                if (!stages.Contains(image))
                {
                    AssertPinned(image, dockerfile);
                }

                if (from.Groups["stage"].Success)
                {
                    stages.Add(from.Groups["stage"].Value);
                }
            }
        }
    }

    private static void AssertPinned(string image, string where)
    {
        var lastSlash = image.LastIndexOf('/');
        var name = image[(lastSlash + 1)..];
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            Assert.StartsWith("sha256:", name[(at + 1)..], StringComparison.Ordinal);
            return;
        }

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        Assert.True(colon > 0 && colon < name.Length - 1, $"{where}: image '{image}' has no tag");
        var tag = name[(colon + 1)..];
        Assert.False(tag is "latest" or "edge" or "preview" or "nightly" or "master" or "main",
            $"{where}: image '{image}' uses a moving tag");
        Assert.DoesNotContain("${", image, StringComparison.Ordinal);
    }

    private static IEnumerable<string> ReferencedDockerfiles()
    {
        foreach (var (name, node) in Services)
        {
            var build = MiniYaml.Map(node, name).GetValueOrDefault("build");
            if (build is null)
            {
                continue;
            }

            var context = build as string ?? Assert.IsType<string>(MiniYaml.Get(build, "context"));
            var dockerfile = MiniYaml.Get(build, "dockerfile") as string ?? "Dockerfile";
            yield return Path.GetRelativePath(RepoFiles.Root, Path.Combine(RepoFiles.PathOf(context), dockerfile))
                .Replace(Path.DirectorySeparatorChar, '/');
        }
    }

    [Fact]
    public void EveryReferencedFileExists()
    {
        foreach (var dockerfile in ReferencedDockerfiles())
        {
            Assert.True(File.Exists(RepoFiles.PathOf(dockerfile)), $"missing {dockerfile}");
        }

        var namedVolumes = MiniYaml.Map(Compose.Value["volumes"], "volumes").Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, node) in Services)
        {
            var service = MiniYaml.Map(node, name);
            if (service.GetValueOrDefault("build") is { } build)
            {
                var context = build as string ?? Assert.IsType<string>(MiniYaml.Get(build, "context"));
                Assert.True(Directory.Exists(RepoFiles.PathOf(context)), $"{name}: build context {context} missing");
            }

            if (!service.TryGetValue("volumes", out var volumes))
            {
                continue;
            }

            foreach (var volume in MiniYaml.Seq(volumes, $"{name}.volumes"))
            {
                var source = Assert.IsType<string>(volume).Split(':')[0];
                if (source.StartsWith('.') || source.StartsWith('/'))
                {
                    var path = RepoFiles.PathOf(source);
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"{name}: bind mount source {source} missing");
                }
                else
                {
                    Assert.Contains(source, namedVolumes);
                }
            }
        }

        foreach (var file in new[]
                 {
                     "redis/entrypoint.sh", "redis/users.acl.template", "gears/register.sh", "gears/timeseries.py",
                     "grafana/dashboards/popup-store.json", "grafana/provisioning/datasources/redis.yaml",
                     "grafana/provisioning/dashboards/dashboards.yaml", ".env.example", ".dockerignore",
                 })
        {
            Assert.True(File.Exists(RepoFiles.PathOf(file)), $"missing {file}");
        }
    }

    [Fact]
    public void DependenciesWaitForHealth()
    {
        foreach (var (name, node) in Services)
        {
            var service = MiniYaml.Map(node, name);
            if (!service.TryGetValue("depends_on", out var dependsOn))
            {
                continue;
            }

            var dependencies = MiniYaml.Map(dependsOn, $"{name}.depends_on (use the long form with conditions)");
            foreach (var (dependency, settings) in dependencies)
            {
                var condition = MiniYaml.Get(settings, "condition") as string;
                Assert.False(condition is null, $"{name} -> {dependency}: no condition");
                var hasHealthcheck = Service(dependency).ContainsKey("healthcheck");
                if (hasHealthcheck)
                {
                    Assert.True(condition == "service_healthy",
                        $"{name} -> {dependency}: {dependency} has a healthcheck, wait for service_healthy (not {condition})");
                }
                else
                {
                    Assert.Contains(condition, new[] { "service_started", "service_completed_successfully" });
                }
            }
        }

        Assert.Equal("service_healthy", MiniYaml.Get(Service("silo"), "depends_on", "redis", "condition"));
        Assert.Equal("service_healthy", MiniYaml.Get(Service("gears"), "depends_on", "redis", "condition"));
        Assert.Equal("service_healthy", MiniYaml.Get(Service("loadclient"), "depends_on", "silo", "condition"));
        // The proxy lists the silo replicas it resolves when it starts: only once they are all up.
        Assert.Equal("service_healthy", MiniYaml.Get(Service("storefront"), "depends_on", "silo", "condition"));
        // Silos start once the registrar exited 0: no "not registered" warning, and a failed registration stops `up`.
        Assert.Equal("service_completed_successfully", MiniYaml.Get(Service("silo"), "depends_on", "gears", "condition"));
    }

    [Fact]
    public void RedisIsDurableAuthenticatedAndHealthChecked()
    {
        var redis = Service("redis");
        Assert.Equal("${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}", Environment("redis")["REDIS_PASSWORD"]);
        var test = string.Join(' ', MiniYaml.Seq(MiniYaml.Get(redis, "healthcheck", "test"), "redis.healthcheck.test"));
        Assert.Contains("redis-cli", test, StringComparison.Ordinal);
        Assert.Contains("--user healthcheck", test, StringComparison.Ordinal);
        Assert.Contains("ping", test, StringComparison.Ordinal);
        Assert.Contains("REDISCLI_AUTH", test, StringComparison.Ordinal);
        Assert.Contains("redis-data:/data", MiniYaml.Seq(redis["volumes"], "redis.volumes"));

        var entrypoint = RepoFiles.Read("redis/entrypoint.sh");
        Assert.Contains("--appendonly yes", entrypoint, StringComparison.Ordinal);
        Assert.Contains("--appendfsync everysec", entrypoint, StringComparison.Ordinal);
        Assert.Contains("--aclfile", entrypoint, StringComparison.Ordinal);
        Assert.Contains("redisgears.so", entrypoint, StringComparison.Ordinal);
        Assert.Contains("redistimeseries.so", entrypoint, StringComparison.Ordinal);

        var dockerfile = RepoFiles.Read("redis/Dockerfile");
        Assert.Matches(@"(?m)^FROM redislabs/redisgears:1\.2\.\d+\s*$", dockerfile);
        // DUPLICATE_POLICY SUM (gears/register.sh) needs RedisTimeSeries 1.4.6 or later; 1.8 is the line made for Redis 6.x.
        Assert.Matches(@"(?m)^FROM redislabs/redistimeseries:1\.8\.\d+ AS timeseries\s*$", dockerfile);
    }

    [Fact]
    public void LoadClientWritesItsReportsToAMountedFolderAsTheHostUser()
    {
        var loadclient = Service("loadclient");
        Assert.Contains("./reports:/reports", MiniYaml.Seq(loadclient["volumes"], "loadclient.volumes"));
        Assert.Equal("/reports", Environment("loadclient")["POPUPSTORE_REPORT_DIR"]);
        Assert.StartsWith("${LOADCLIENT_UID:-1000}", Assert.IsType<string>(loadclient["user"]), StringComparison.Ordinal);
        var dockerfile = RepoFiles.Read("src/LoadClient/Dockerfile");
        Assert.Contains("ENV POPUPSTORE_REPORT_DIR=/reports", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/PopupStore.LoadClient.dll\"]", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void GearsRegistrarRunsOnce()
    {
        var gears = Service("gears");
        Assert.Equal("no", gears["restart"]);
        Assert.Contains("/gears/register.sh", MiniYaml.Seq(gears["entrypoint"], "gears.entrypoint"));
        Assert.Contains("./gears:/gears:ro", MiniYaml.Seq(gears["volumes"], "gears.volumes"));
        var env = Environment("gears");
        Assert.Equal("gears", env["REDIS_USER"]);
        Assert.Equal("${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}", env["REDISCLI_AUTH"]);
    }

    [Fact]
    public void GrafanaIsReadOnlyForAnonymousVisitors()
    {
        var env = Environment("grafana");
        Assert.Equal("true", env["GF_AUTH_ANONYMOUS_ENABLED"]);
        Assert.Equal("Viewer", env["GF_AUTH_ANONYMOUS_ORG_ROLE"]);
        Assert.StartsWith("redis-datasource", Assert.IsType<string>(env["GF_INSTALL_PLUGINS"]), StringComparison.Ordinal);
        Assert.StartsWith("${GRAFANA_ADMIN_PASSWORD:?", Assert.IsType<string>(env["GF_SECURITY_ADMIN_PASSWORD"]), StringComparison.Ordinal);
        Assert.StartsWith("${REDIS_PASSWORD:?", Assert.IsType<string>(env["REDIS_PASSWORD"]), StringComparison.Ordinal);

        var volumes = MiniYaml.Seq(Service("grafana")["volumes"], "grafana.volumes");
        Assert.Contains("./grafana/provisioning:/etc/grafana/provisioning:ro", volumes);
        Assert.Contains("./grafana/dashboards:/var/lib/grafana/dashboards:ro", volumes);
    }

    [Fact]
    public void SecretsAreRequiredAndNotCommitted()
    {
        var text = RepoFiles.Read("docker-compose.yml");
        foreach (Match use in VariableUse().Matches(text))
        {
            var variable = use.Groups["name"].Value;
            if (variable is "REDIS_PASSWORD" or "GRAFANA_ADMIN_PASSWORD")
            {
                Assert.True(use.Groups["op"].Value == ":?", $"{use.Value}: secrets must be required (${{{variable}:?...}})");
            }
        }

        var example = RepoFiles.Read(".env.example");
        Assert.Matches("(?m)^REDIS_PASSWORD=change-me", example);
        Assert.Matches("(?m)^GRAFANA_ADMIN_PASSWORD=change-me", example);

        var ignore = RepoFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToArray();
        foreach (var entry in new[] { ".git", "**/bin/", "**/obj/", ".env" })
        {
            Assert.Contains(entry, ignore);
        }
    }

    [Fact]
    public void PrometheusDiscoversEverySiloReplica()
    {
        var config = MiniYaml.Parse(RepoFiles.Read("prometheus/prometheus.yml"));
        var jobs = MiniYaml.Seq(MiniYaml.Get(config, "scrape_configs"), "scrape_configs");
        var silo = jobs.Select(j => MiniYaml.Map(j, "job")).Single(j => (string?)j["job_name"] == "silo");
        Assert.Equal("5s", silo["scrape_interval"]);
        Assert.Equal("/metrics", silo["metrics_path"]);
        var sd = MiniYaml.Map(MiniYaml.Seq(silo["dns_sd_configs"], "dns_sd_configs").Single(), "dns_sd_config");
        Assert.Equal(new object?[] { "silo" }, MiniYaml.Seq(sd["names"], "names"));
        Assert.Equal("A", sd["type"]);
        Assert.Equal("8080", sd["port"]);
    }

    [Fact]
    public void RedisUsersHaveLeastPrivilege()
    {
        var lines = RepoFiles.Read("redis/users.acl.template").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        var users = lines.ToDictionary(l => l.Split(' ')[1], l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "default", "gears", "grafana", "healthcheck", "popupstore", "replication", "sentinel" },
            users.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("off", users["default"]);

        foreach (var (name, rules) in users)
        {
            Assert.DoesNotContain(rules, r => r.StartsWith('>'));   // no clear-text password
            Assert.DoesNotContain(rules, r => r is "+@all" or "allcommands" or "allkeys" or "~*" or "nopass" or "allchannels");
            Assert.Contains("-@all", rules);
            if (name != "default")
            {
                Assert.Contains("on", rules);
                Assert.Contains("#${REDIS_PASSWORD_SHA256}", rules);
            }
        }

        Assert.Contains("~popupstore/members/*", users["popupstore"]);   // Orleans membership: {ServiceId}/members/{ClusterId}
        foreach (var command in new[] { "+evalsha", "+xreadgroup", "+xack", "+xautoclaim", "+xsetid", "+multi", "+exec", "+watch", "+@hash" })
        {
            Assert.Contains(command, users["popupstore"]);
        }

        foreach (var write in new[] { "+set", "+del", "+xadd", "+hset", "+eval", "+evalsha", "+@hash", "+@write" })
        {
            Assert.DoesNotContain(write, users["grafana"]);
        }

        Assert.Equal(new[] { "+ping" }, users["healthcheck"].Where(r => r.StartsWith('+')).ToArray());

        // Replicas and Sentinels (docs/failover.md): what replication and Sentinel send, nothing else, no keys.
        Assert.Equal(new[] { "+psync", "+replconf", "+ping" }, users["replication"].Where(r => r.StartsWith('+')).ToArray());
        Assert.DoesNotContain(users["replication"], r => r.StartsWith('~') || r.StartsWith('&'));
        Assert.Equal(
            new[] { "+client|kill", "+client|setname", "+config|rewrite", "+exec", "+info", "+multi", "+ping", "+publish", "+replicaof", "+role", "+script|kill", "+slaveof", "+subscribe" },
            users["sentinel"].Where(r => r.StartsWith('+')).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(new[] { "&__sentinel__:hello" }, users["sentinel"].Where(r => r.StartsWith('&')).ToArray());
        Assert.DoesNotContain(users["sentinel"], r => r.StartsWith('~'));
    }

    [GeneratedRegex(@"(?im)^FROM\s+(?:--platform=\S+\s+)?(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?\s*$")]
    private static partial Regex FromLine();

    [GeneratedRegex(@"\$\{(?<name>[A-Z_][A-Z0-9_]*)(?<op>:?[-?+])?[^}]*\}")]
    private static partial Regex VariableUse();
}
