using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using PopupStore.Grains.Orders;
using PopupStore.Grains.Storefront;
using PopupStore.Grains.TimeSeries;
using PopupStore.Silo.Hosting;
using PopupStore.Testing;

namespace PopupStore.Tests.Settings;

/// <summary>
/// docs/configuration.md is where an operator looks a setting up: every property of every options class is on it,
/// with the default the class gives, and every entry of an options section names a property.
/// </summary>
public sealed partial class ConfigurationPageTests
{
    public static TheoryData<string, Type[]> Sections => new()
    {
        { OrderProcessingOptions.SectionName, [typeof(OrderProcessingOptions)] },
        { StorefrontOptions.SectionName, [typeof(StorefrontOptions)] },
        { TimeSeriesOptions.SectionName, [typeof(TimeSeriesOptions)] },
        // The rest of the section binds to the Orleans dashboard's own options.
        { DashboardSwitch.SectionName, [typeof(DashboardSwitch), typeof(Orleans.Dashboard.DashboardOptions)] },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_setting_is_on_the_page_with_its_default(string section, Type[] types)
    {
        var rows = RowsOf(section);
        var ours = types[0];
        var instance = Activator.CreateInstance(ours)!;
        foreach (var property in Settable(ours))
        {
            var key = $"{section}:{property.Name}";
            Assert.True(rows.ContainsKey(key), $"docs/configuration.md has no row for `{key}` under ## {section}");
            var value = property.GetValue(instance);
            if (value is TimeSpan span)
            {
                Assert.True(TimeSpan.TryParse(rows[key], CultureInfo.InvariantCulture, out var documented), $"`{key}`: '{rows[key]}' is not a duration");
                Assert.Equal(span, documented);
            }
            else
            {
                Assert.Equal(Format(value), rows[key]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_entry_of_a_section_names_a_setting(string section, Type[] types)
    {
        var names = types.SelectMany(Settable).Select(p => $"{section}:{p.Name}").ToHashSet(StringComparer.Ordinal);
        foreach (var key in RowsOf(section).Keys)
        {
            Assert.True(names.Contains(key), $"docs/configuration.md lists `{key}`, which no options class of section {section} has");
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic);

    private static string Format(object? value) => value switch
    {
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? string.Empty,
    };

    /// <summary>The key and default of every table row under <c>## section</c>, up to the next such heading.</summary>
    private static Dictionary<string, string> RowsOf(string section)
    {
        var page = File.ReadAllText(Repository.PathOf("docs/configuration.md"));
        var start = page.IndexOf($"\n## {section}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/configuration.md has no section ## {section}");
        var end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var text = end < 0 ? page[start..] : page[start..end];
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match row in Row().Matches(text))
        {
            Assert.True(rows.TryAdd(row.Groups["key"].Value, row.Groups["default"].Value), $"`{row.Groups["key"].Value}` is listed twice");
        }

        return rows;
    }

    [GeneratedRegex(@"(?m)^\| `(?<key>[A-Za-z]+:[A-Za-z]+)` \| `(?<default>[^`]*)` \|")]
    private static partial Regex Row();
}
