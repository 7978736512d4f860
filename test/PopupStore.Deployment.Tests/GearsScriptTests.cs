using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>
/// Runs the Python tests of the Gears script and its registrar (gears/tests): they start a real Redis 6.2.6 with
/// RedisGears 1.2 and RedisTimeSeries from $REDIS_MODULES_DIR (default ../shared/redis-modules) through
/// redis/entrypoint.sh, and fail, saying why, when the modules are missing.
/// </summary>
public sealed class GearsScriptTests
{
    [Fact]
    public void GearsPythonTestsPass()
    {
        var python = RepoFiles.FindOnPath("python3");
        Assert.True(python is not null,
            "python3 is not on PATH: it is needed to run gears/tests (install python3; the tests use the standard library only).");

        var result = RepoFiles.Run(
            python!,
            ["-m", "unittest", "discover", "-s", "gears/tests", "-v"],
            TimeSpan.FromMinutes(5),
            new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" });

        Assert.True(result.ExitCode == 0,
            $"python3 -m unittest discover -s gears/tests exited {result.ExitCode}:\n{result.Combined}");
        // Every test ran: "OK (skipped=N)" would be a silent pass.
        Assert.Matches(@"(?m)^Ran (\d+) tests? in ", result.StdErr);
        Assert.Matches(@"(?m)^OK\s*$", result.StdErr);
        Assert.DoesNotContain("skipped", result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("test_every_entry_counts_also_those_deleted_at_once", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("test_second_run_does_nothing", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void GearsScriptKeepsTheContract()
    {
        var script = RepoFiles.Read("gears/timeseries.py");
        Assert.Contains("'popupstore-timeseries'", script, StringComparison.Ordinal);
        Assert.Contains("'queue:*'", script, StringComparison.Ordinal);
        Assert.Contains("GearsBuilder('KeysReader', desc=DESCRIPTION)", script, StringComparison.Ordinal);
        Assert.Contains("mode='sync'", script, StringComparison.Ordinal);
        Assert.Contains("readValue=False", script, StringComparison.Ordinal);
        Assert.Contains("'ON_DUPLICATE', 'LAST'", script, StringComparison.Ordinal);
        Assert.Contains("'ON_DUPLICATE', 'SUM'", script, StringComparison.Ordinal);

        var registrar = RepoFiles.Read("gears/register.sh");
        Assert.StartsWith("#!/usr/bin/env bash", registrar, StringComparison.Ordinal);
        Assert.Contains("SET \"$LOCK_KEY\" \"$TOKEN\" NX PX", registrar, StringComparison.Ordinal);
        Assert.Contains("popupstore:gears:lock", registrar, StringComparison.Ordinal);
        Assert.Contains("RG.DUMPREGISTRATIONS", registrar, StringComparison.Ordinal);
        Assert.Contains("ID \"$DESCRIPTION\" UPGRADE", registrar, StringComparison.Ordinal);
    }
}
