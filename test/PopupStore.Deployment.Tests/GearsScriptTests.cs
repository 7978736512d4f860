using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>Runs the Python tests of the Gears script and its registrar (gears/tests).</summary>
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
        // unittest ends "OK" only when every test ran; "OK (skipped=N)" means some did not (a missing
        // redis-cli, for one), and a test that did not run is not a pass.
        Assert.True(Regex.IsMatch(result.StdErr, @"(?m)^OK\s*$"),
            $"gears/tests did not run every test (install what the skip reasons name, e.g. apt-get install -y redis-tools for redis-cli):\n{result.Combined}");
    }

    [Fact]
    public void GearsScriptKeepsTheContract()
    {
        var script = RepoFiles.Read("gears/timeseries.py");
        Assert.Contains("'popupstore-timeseries'", script, StringComparison.Ordinal);
        Assert.Contains("'queue:*'", script, StringComparison.Ordinal);
        Assert.Contains("trimStream=False", script, StringComparison.Ordinal);
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
