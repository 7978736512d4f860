using System.Text.Json;
using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>Checks grafana/dashboards/popup-store.json against the Redis key contract and the provisioning.</summary>
public sealed partial class DashboardTests
{
    private const string DashboardFile = "grafana/dashboards/popup-store.json";
    private const string RedisType = "redis-datasource";

    private static readonly string[] SeedTitles =
    [
        "Product Available", "Customers Ordering", "Orders Processing", "Orders Completed", "Customers Overflow",
        "Customers Ordering per 5 s", "Orders In Queue", "Completed Flow",
        "Redis CPU", "Redis Ops/sec", "Redis Memory", "Redis Latency",
    ];

    private static readonly string[] OurTitles =
    [
        "Units Sold vs Units", "Rejections by Reason", "Sale Time Left",
        "Silos Alive", "Poller Pending", "Completion Latency", "GC Pauses", "Orders by Outcome",
        "Storefront Answers", "Storefront Latency",
    ];

    // Grafana's built-in pseudo datasources (expressions, dashboard reuse, mixed).
    private static readonly string[] BuiltInUids = ["__expr__", "-- Dashboard --", "-- Mixed --", "grafana"];

    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(RepoFiles.Read(DashboardFile)));

    private static JsonElement Root => Document.Value.RootElement;

    private sealed record Target(string Panel, JsonElement Json, string? Type, string? Uid);

    private static IEnumerable<JsonElement> Panels()
    {
        foreach (var panel in Root.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    private static (string? Type, string? Uid) DatasourceOf(JsonElement owner, (string? Type, string? Uid) fallback)
    {
        if (!owner.TryGetProperty("datasource", out var ds) || ds.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (ds.ValueKind == JsonValueKind.String)
        {
            return (null, ds.GetString());
        }

        return (ds.TryGetProperty("type", out var t) ? t.GetString() : null,
                ds.TryGetProperty("uid", out var u) ? u.GetString() : null);
    }

    private static IEnumerable<Target> Targets()
    {
        foreach (var panel in Panels())
        {
            var panelDs = DatasourceOf(panel, (null, null));
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                var (type, uid) = DatasourceOf(target, panelDs);
                yield return new Target(panel.GetProperty("title").GetString()!, target, type, uid);
            }
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, Dictionary<string, object?>> ProvisionedDatasources()
    {
        var yaml = MiniYaml.Parse(RepoFiles.Read("grafana/provisioning/datasources/redis.yaml"));
        return MiniYaml.Seq(MiniYaml.Get(yaml, "datasources"), "datasources")
            .Select(d => MiniYaml.Map(d, "datasource"))
            .ToDictionary(d => (string)d["uid"]!, d => d, StringComparer.Ordinal);
    }

    [Fact]
    public void DashboardIdentity()
    {
        Assert.Equal("popup-store", Str(Root, "uid"));
        Assert.Equal("Pop-up Store", Str(Root, "title"));
        Assert.Equal("5s", Str(Root, "refresh"));
    }

    [Fact]
    public void NoStreamingPanelUnderTheDashboardsOwnRefresh()
    {
        // Each dashboard refresh re-subscribes a streaming query and drops its buffer: with refresh on,
        // a streaming panel never shows more than a point (scripts/rehearse-stack.sh cannot see this).
        Assert.NotEqual(string.Empty, Str(Root, "refresh"));
        foreach (var panel in Panels())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                Assert.False(target.TryGetProperty("streaming", out var streaming) && streaming.ValueKind == JsonValueKind.True,
                    $"panel '{Str(panel, "title")}' streams while the dashboard refreshes every {Str(Root, "refresh")}");
            }
        }
    }

    [Fact]
    public void NoExpressionOverAKeyThatIsMissingBeforeASale()
    {
        // A math expression over GET of a missing key (product before any sale) is an error in Grafana.
        foreach (var panel in Panels())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            var all = targets.EnumerateArray().ToList();
            var gets = all.Where(t => Str(t, "command") is "get" or "hget").Select(t => Str(t, "refId")).ToList();
            foreach (var expression in all.Where(t => Str(t, "type") == "math"))
            {
                foreach (var refId in gets)
                {
                    Assert.DoesNotContain($"${refId}", Str(expression, "expression"), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void HasEverySeedPanelAndOurs()
    {
        var titles = Panels().Select(p => Str(p, "title")).ToHashSet(StringComparer.Ordinal);
        foreach (var title in SeedTitles.Concat(OurTitles))
        {
            Assert.True(titles.Contains(title), $"panel '{title}' missing");
        }
    }

    [Fact]
    public void PanelIdsAreUniqueAndFitTheGrid()
    {
        var ids = Panels().Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var panel in Panels())
        {
            var grid = panel.GetProperty("gridPos");
            Assert.True(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() <= 24, Str(panel, "title"));
            Assert.True(grid.GetProperty("h").GetInt32() > 0, Str(panel, "title"));
        }
    }

    [Fact]
    public void RedisTargetsOnlyReadContractKeys()
    {
        var redisTargets = Targets().Where(t => t.Type == RedisType || t.Uid == "popupstore-redis").ToList();
        Assert.NotEmpty(redisTargets);
        foreach (var target in redisTargets)
        {
            var command = Str(target.Json, "command");
            var key = Str(target.Json, "keyName");
            Assert.False(string.IsNullOrEmpty(command), $"{target.Panel}: redis target without command");
            Assert.True(string.IsNullOrEmpty(Str(target.Json, "query")),
                $"{target.Panel}: CLI queries bypass the key check; use command + keyName");
            if (command == "info")
            {
                Assert.False(string.IsNullOrEmpty(Str(target.Json, "section")), $"{target.Panel}: info needs a section");
                continue;
            }

            Assert.False(string.IsNullOrEmpty(key), $"{target.Panel}: {command} without keyName");
            Assert.True(ContractKey().IsMatch(key!), $"{target.Panel}: '{key}' is not a key of the Redis contract");
            Assert.Contains(command, new[] { "get", "xlen", "hget", "hgetall", "hmget", "ts.range", "ts.get" });
            if (command == "ts.range")
            {
                Assert.Equal("timeSeries", Str(target.Json, "type"));
                Assert.False(string.IsNullOrEmpty(Str(target.Json, "aggregation")), $"{target.Panel}: ts.range without aggregation");
                Assert.Equal(5000, target.Json.GetProperty("bucket").GetInt32());
            }
            else
            {
                Assert.Equal("command", Str(target.Json, "type"));
            }

            if (command == "hget")
            {
                Assert.False(string.IsNullOrEmpty(Str(target.Json, "field")), $"{target.Panel}: hget without field");
            }
        }
    }

    [Theory]
    [InlineData("Product Available", "get", "product")]
    [InlineData("Customers Ordering", "xlen", "queue:customers")]
    [InlineData("Orders Processing", "xlen", "queue:orders")]
    [InlineData("Orders Completed", "xlen", "queue:complete")]
    [InlineData("Customers Ordering per 5 s", "ts.range", "ts:enqueue:queue:customers")]
    [InlineData("Orders In Queue", "ts.range", "ts:len:queue:orders")]
    [InlineData("Completed Flow", "ts.range", "ts:enqueue:queue:complete")]
    [InlineData("Units Sold vs Units", "hget", "sale")]
    [InlineData("Units Sold vs Units", "get", "product")]
    [InlineData("Rejections by Reason", "hgetall", "sale:counts")]
    [InlineData("Sale Time Left", "hgetall", "sale")]
    public void PanelReadsItsKey(string title, string command, string key)
    {
        Assert.Contains(Targets(), t => t.Panel == title && Str(t.Json, "command") == command && Str(t.Json, "keyName") == key);
    }

    [Theory]
    [InlineData("Silos Alive", "popupstore_cluster_silos_active")]
    [InlineData("Poller Pending", "popupstore_poller_pending")]
    [InlineData("Completion Latency", "popupstore_completion_latency_milliseconds_bucket")]
    [InlineData("GC Pauses", "popupstore_gc_pause_milliseconds_bucket")]
    [InlineData("Orders by Outcome", "popupstore_orders_total")]
    [InlineData("Storefront Answers", "popupstore_storefront_orders_total")]
    [InlineData("Storefront Latency", "popupstore_storefront_latency_milliseconds_bucket")]
    public void PrometheusPanelsUseTheSiloMetrics(string title, string metric)
    {
        Assert.Contains(Targets(), t => t.Panel == title && t.Uid == "popupstore-prometheus" &&
                                        (Str(t.Json, "expr") ?? string.Empty).Contains(metric, StringComparison.Ordinal));
    }

    [Fact]
    public void RedisInfoPanelsReadTheirSections()
    {
        foreach (var (title, section) in new[] { ("Redis CPU", "cpu"), ("Redis Ops/sec", "stats"), ("Redis Memory", "memory"), ("Redis Latency", "commandstats") })
        {
            Assert.Contains(Targets(), t => t.Panel == title && Str(t.Json, "command") == "info" && Str(t.Json, "section") == section);
        }
    }

    [Fact]
    public void EveryDatasourceIsProvisioned()
    {
        var provisioned = ProvisionedDatasources();
        var referenced = Panels().Select(p => DatasourceOf(p, (null, null)))
            .Concat(Targets().Select(t => (t.Type, t.Uid)))
            .Where(ds => ds.Uid is not null)
            .ToList();
        Assert.NotEmpty(referenced);
        foreach (var (type, uid) in referenced)
        {
            if (BuiltInUids.Contains(uid))
            {
                continue;
            }

            Assert.True(provisioned.ContainsKey(uid!), $"datasource uid '{uid}' is not provisioned");
            if (type is not null)
            {
                Assert.Equal(type, provisioned[uid!]["type"]);
            }
        }
    }

    [Fact]
    public void DatasourcesPointAtTheComposeServices()
    {
        var provisioned = ProvisionedDatasources();
        var redis = provisioned["popupstore-redis"];
        Assert.Equal(RedisType, redis["type"]);
        Assert.Equal("redis://redis:6379", redis["url"]);
        Assert.Equal("$REDIS_PASSWORD", MiniYaml.Get(redis, "secureJsonData", "password"));
        Assert.Equal("grafana", MiniYaml.Get(redis, "jsonData", "user"));
        Assert.Equal("true", MiniYaml.Get(redis, "jsonData", "acl"));

        var prometheus = provisioned["popupstore-prometheus"];
        Assert.Equal("prometheus", prometheus["type"]);
        Assert.Equal("http://prometheus:9090", prometheus["url"]);

        var providers = MiniYaml.Parse(RepoFiles.Read("grafana/provisioning/dashboards/dashboards.yaml"));
        var provider = MiniYaml.Seq(MiniYaml.Get(providers, "providers"), "providers").Single();
        Assert.Equal("/var/lib/grafana/dashboards", MiniYaml.Get(provider, "options", "path"));
    }

    // product, sale, sale:counts, queue:<name>, ts:len:queue:<name>, ts:enqueue:queue:<name>
    [GeneratedRegex("^(product|sale|sale:counts|queue:[a-z][a-z-]*|ts:(len|enqueue):queue:[a-z][a-z-]*)$")]
    private static partial Regex ContractKey();
}
