using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>
/// Every launcher starts a silo with the same small gen0 budget (docs/configuration.md): the compose image, the
/// local scripts' silos and the benchmark's, so the latency the benchmark reports is the one that ships.
/// </summary>
public sealed partial class SiloGcSettingsTests
{
    [Fact]
    public void Every_launcher_gives_silos_the_same_gen0_budget()
    {
        var image = ImageValue().Match(RepoFiles.Read("src/Silo/Dockerfile"));
        Assert.True(image.Success, "src/Silo/Dockerfile sets no DOTNET_GCgen0size");
        var value = image.Groups[1].Value;
        Assert.Equal("0x400000", value);

        Assert.Contains($"export DOTNET_GCgen0size=\"${{DOTNET_GCgen0size:-{value}}}\"", RepoFiles.Read("scripts/lib/processes.sh"), StringComparison.Ordinal);
        Assert.Contains($"Gen0Budget = \"{value}\"", RepoFiles.Read("src/Bench/SiloLaunch.cs"), StringComparison.Ordinal);
        Assert.Contains($"`DOTNET_GCgen0size` | `{value}`", RepoFiles.Read("docs/configuration.md"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?m)^ENV DOTNET_GCgen0size=(\S+)\s*$")]
    private static partial Regex ImageValue();
}
