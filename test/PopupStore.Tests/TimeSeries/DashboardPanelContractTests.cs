using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Grains.TimeSeries;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.TimeSeries;

/// <summary>
/// grafana/dashboards/popup-store.json against a real Redis after a small sale: every Redis command
/// target is run the way the Redis Data Source runs it (command + keyName [+ field / section]) and must
/// return what its panel shows; every time series target must read a series that gears/timeseries.py
/// or the cluster's writer produces.
/// </summary>
public sealed partial class DashboardPanelContractTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string RedisDatasource = "redis-datasource";

    private IDatabase Db => redis.Database;

    private sealed record Target(string Panel, string PanelType, JsonElement PanelJson, JsonElement Json, string? DatasourceType);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await RunSmallSaleAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>2 units; answers of every kind: complete, duplicate, sold-out, invalid, closed; one customer still waiting.</summary>
    private async Task RunSmallSaleAsync()
    {
        var sales = new SaleStore(redis.Redis);
        await sales.StartAsync(2, TimeSpan.FromMinutes(10), force: false);
        var completer = new OrderCompleter(redis.Redis);
        var orders = new (string Order, string Customer, string? Invalid)[]
        {
            ("o1", "c1", null), ("o2", "c1", null), ("o3", "c2", null), ("o4", "c3", null), ("o5", "c4", "missing field"),
        };
        foreach (var (order, customer, invalid) in orders)
        {
            var ticket = await Db.StreamAddAsync(RedisKeys.Customers, "id", customer);
            var entry = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", customer), new("ticket", ticket)]);
            await completer.CompleteAsync(new OrderRequest(order, customer, ticket.ToString(), entry.ToString(), invalid));
            await Db.StreamDeleteAsync(RedisKeys.Orders, [entry]);
        }

        await sales.CloseAsync();
        var late = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o6"), new("customer", "c5")]);
        await completer.CompleteAsync(new OrderRequest("o6", "c5", string.Empty, late.ToString()));
        await Db.StreamAddAsync(RedisKeys.Customers, "id", "c6");   // still waiting
    }

    [Fact]
    public async Task Every_redis_command_target_returns_what_its_panel_needs()
    {
        var targets = Targets().Where(t => t.DatasourceType == RedisDatasource && Str(t.Json, "type") == "command").ToList();
        Assert.True(targets.Count >= 15, $"expected the dashboard's Redis command targets, found {targets.Count}");
        var numericByPanelRef = new Dictionary<(string Panel, string RefId), double>();
        foreach (var target in targets)
        {
            var command = Str(target.Json, "command")!;
            var key = Str(target.Json, "keyName");
            var where = $"{target.Panel} ({command} {key})";
            switch (command)
            {
                case "get":
                    numericByPanelRef[(target.Panel, Str(target.Json, "refId")!)] = Number(await Db.StringGetAsync(key), where);
                    break;
                case "xlen":
                    numericByPanelRef[(target.Panel, Str(target.Json, "refId")!)] = await Db.StreamLengthAsync(key);
                    Assert.Equal(RedisType.Stream, await Db.KeyTypeAsync(key));
                    break;
                case "hget":
                    numericByPanelRef[(target.Panel, Str(target.Json, "refId")!)] =
                        Number(await Db.HashGetAsync(key, Str(target.Json, "field")), where);
                    break;
                case "hgetall":
                    AssertHashServesPanel(target, await Db.HashGetAllAsync(key), where);
                    break;
                case "info":
                    AssertInfoServesPanel(target, await InfoAsync(Str(target.Json, "section")!), where);
                    break;
                default:
                    Assert.Fail($"{where}: no check for Redis command '{command}'");
                    break;
            }
        }

        // Expressions (Customers Overflow) combine hidden numeric targets of their panel.
        foreach (var expression in Targets().Where(t => Str(t.Json, "type") == "math"))
        {
            var refs = ExpressionRef().Matches(Str(expression.Json, "expression")!).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(refs);
            Assert.All(refs, r => Assert.True(numericByPanelRef.ContainsKey((expression.Panel, r)), $"{expression.Panel}: ${r} is not a numeric target"));
        }

        // The sale behind the numbers: 2 units sold, 1 waiting customer, one answer of each kind.
        Assert.Equal(0, numericByPanelRef[("Product Available", "A")]);
        Assert.Equal(1, numericByPanelRef[("Customers Ordering", "A")]);
        Assert.Equal(2, numericByPanelRef[("Orders Completed", "A")]);
        Assert.Equal(2, numericByPanelRef[("Units Sold vs Units", "B")]);
    }

    [Fact]
    public void Every_time_series_target_reads_a_series_that_gears_or_the_cluster_writes()
    {
        var gearsSeries = GearsSeries();
        var clusterSeries = QueueSeries.Definitions.ToDictionary(d => d.Key, d => d.DuplicatePolicy.ToString().ToUpperInvariant());
        Assert.Equal(gearsSeries.OrderBy(p => p.Key), clusterSeries.OrderBy(p => p.Key));

        var tsTargets = Targets().Where(t => Str(t.Json, "command") is { } c && c.StartsWith("ts.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tsTargets);
        foreach (var target in tsTargets)
        {
            var key = Str(target.Json, "keyName")!;
            Assert.True(clusterSeries.ContainsKey(key), $"{target.Panel}: {key} is written by neither gears/timeseries.py nor the cluster");
            // A length is aggregated with "last", a count per window with "sum": what the duplicate policy keeps.
            Assert.Equal(clusterSeries[key] == "SUM" ? "sum" : "last", Str(target.Json, "aggregation"));
        }

        // The panels the silo names in its "nothing writes ts:*" warning are exactly these.
        Assert.Equal(
            QueueSeries.DashboardPanels.Order(StringComparer.Ordinal),
            tsTargets.Select(t => t.Panel).Distinct().Order(StringComparer.Ordinal));
    }

    private static void AssertHashServesPanel(Target target, HashEntry[] hash, string where)
    {
        Assert.NotEmpty(hash);
        var fields = hash.ToDictionary(e => (string)e.Name!, e => e.Value, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (ReduceFields(target.PanelJson) is { } pattern)
        {
            // e.g. /^(closes|state)$/: each alternative is a field the panel shows.
            foreach (var alternative in Alternatives().Match(pattern).Groups[1].Value.Split('|'))
            {
                wanted.Add(alternative);
            }
        }

        foreach (var name in OrganizedFields(target.PanelJson))
        {
            wanted.Add(name);
        }

        Assert.NotEmpty(wanted);
        foreach (var name in wanted)
        {
            Assert.True(fields.TryGetValue(name, out var value), $"{where}: field '{name}' missing (has {string.Join(", ", fields.Keys)})");
            if (name != "state")
            {
                Number(value, $"{where} field {name}");
            }
        }

        if (wanted.Contains("closes"))
        {
            Assert.True(Number(fields["closes"], where) > DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds(), $"{where}: closes is not a time in ms");
        }
    }

    private static void AssertInfoServesPanel(Target target, Dictionary<string, string> info, string where)
    {
        Assert.NotEmpty(info);
        var shown = FilteredFields(target.PanelJson).Where(n => n != "#time").ToList();
        foreach (var name in shown)
        {
            Assert.True(info.TryGetValue(name, out var value), $"{where}: INFO has no {name}");
            Number(value, $"{where} {name}");
        }

        if (Str(target.Json, "section") == "commandstats")
        {
            // The table sorts by Usec_per_call; the completion script runs as evalsha.
            Assert.True(info.TryGetValue("cmdstat_evalsha", out var evalsha), $"{where}: no cmdstat_evalsha");
            var stats = evalsha.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            Assert.True(Number(stats["calls"], where) > 0);
            Number(stats["usec_per_call"], where);
        }
        else
        {
            Assert.NotEmpty(shown);
        }
    }

    private async Task<Dictionary<string, string>> InfoAsync(string section)
    {
        var text = (string)(await Db.ExecuteAsync("INFO", section))!;
        return text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':'))
            .Select(line => line.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    private static double Number(RedisValue value, string where)
    {
        Assert.False(value.IsNull, $"{where}: no value");
        return Number((string)value!, where);
    }

    private static double Number(string text, string where)
    {
        Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number), $"{where}: '{text}' is not a number");
        return number;
    }

    /// <summary>ts:&lt;kind&gt;:&lt;stream&gt; -> duplicate policy, read from gears/timeseries.py and gears/register.sh.</summary>
    private static Dictionary<string, string> GearsSeries()
    {
        var script = File.ReadAllText(Repository.PathOf("gears/timeseries.py"));
        var register = File.ReadAllText(Repository.PathOf("gears/register.sh"));
        Assert.Contains("'ts:' + kind + ':' + stream", script, StringComparison.Ordinal);
        Assert.Contains("STREAM_PREFIX = 'queue:*'", script, StringComparison.Ordinal);
        var policies = GearsPolicy().Matches(script).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(["enqueue", "len"], policies.Keys.Order(StringComparer.Ordinal));
        var streams = RegisteredStreams().Match(register).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(QueueSeries.Streams.Order(StringComparer.Ordinal), streams.Order(StringComparer.Ordinal));
        return streams
            .SelectMany(stream => policies.Select(p => new KeyValuePair<string, string>($"ts:{p.Key}:{stream}", p.Value)))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private static readonly Lazy<JsonDocument> Dashboard = new(() =>
        JsonDocument.Parse(File.ReadAllText(Repository.PathOf("grafana/dashboards/popup-store.json"))));

    private static IEnumerable<JsonElement> Panels()
    {
        foreach (var panel in Dashboard.Value.RootElement.GetProperty("panels").EnumerateArray())
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

    private static IEnumerable<Target> Targets()
    {
        foreach (var panel in Panels())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            var panelType = DatasourceType(panel);
            foreach (var target in targets.EnumerateArray())
            {
                yield return new Target(Str(panel, "title")!, Str(panel, "type")!, panel, target, DatasourceType(target) ?? panelType);
            }
        }
    }

    private static string? DatasourceType(JsonElement owner) =>
        owner.TryGetProperty("datasource", out var ds) && ds.ValueKind == JsonValueKind.Object ? Str(ds, "type") : null;

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? ReduceFields(JsonElement panel) =>
        panel.TryGetProperty("options", out var options) && options.TryGetProperty("reduceOptions", out var reduce) &&
        Str(reduce, "fields") is { Length: > 0 } fields ? fields : null;

    /// <summary>Hash fields an "organize" transformation renames or orders: the panel shows them by name.</summary>
    private static IEnumerable<string> OrganizedFields(JsonElement panel)
    {
        foreach (var options in Transformations(panel, "organize"))
        {
            foreach (var section in new[] { "renameByName", "indexByName" })
            {
                if (options.TryGetProperty(section, out var names))
                {
                    foreach (var property in names.EnumerateObject().Where(p => p.Name != "Value"))
                    {
                        yield return property.Name;
                    }
                }
            }
        }
    }

    /// <summary>INFO fields a "filterFieldsByName" transformation keeps.</summary>
    private static IEnumerable<string> FilteredFields(JsonElement panel) =>
        Transformations(panel, "filterFieldsByName")
            .SelectMany(options => options.GetProperty("include").GetProperty("names").EnumerateArray())
            .Select(name => name.GetString()!);

    private static IEnumerable<JsonElement> Transformations(JsonElement panel, string id) =>
        panel.TryGetProperty("transformations", out var list)
            ? list.EnumerateArray().Where(t => Str(t, "id") == id).Select(t => t.GetProperty("options"))
            : [];

    [GeneratedRegex(@"\$([A-Z])\b")]
    private static partial Regex ExpressionRef();

    [GeneratedRegex(@"^/\^\((.+)\)\$/$")]
    private static partial Regex Alternatives();

    [GeneratedRegex(@"\('(\w+)',\s*'(LAST|SUM)'\)")]
    private static partial Regex GearsPolicy();

    [GeneratedRegex(@"readonly STREAMS=\(([^)]*)\)")]
    private static partial Regex RegisteredStreams();
}
