namespace PopupStore.Deployment.Tests;

/// <summary>What the silos' Redis user needs for the time series check at start (docs/dashboard.md, "Without Gears").</summary>
public sealed class TimeSeriesAclTests
{
    private static string[] PopupstoreRules() => RepoFiles.Read("redis/users.acl.template").Split('\n')
        .Select(l => l.Trim())
        .Single(l => l.StartsWith("user popupstore ", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Silos_may_list_modules_and_gears_registrations_but_never_write_series_in_compose()
    {
        var rules = PopupstoreRules();

        Assert.Contains("+module|list", rules);          // who writes ts:* is decided from MODULE LIST
        Assert.Contains("+rg.dumpregistrations", rules); // and the Gears registration is checked
        Assert.DoesNotContain("+module", rules);         // not MODULE LOAD / UNLOAD
        Assert.DoesNotContain("+ts.add", rules);         // in compose Gears writes the series, not the silos
        Assert.DoesNotContain("+ts.create", rules);
    }
}
