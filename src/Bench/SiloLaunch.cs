using System.Diagnostics;
using System.Globalization;

namespace PopupStore.Bench;

/// <summary>
/// How a process that runs Orleans is started from .NET: the benchmark's silos and its floor, and the fault tests'
/// silo processes. One place, so every silo a measurement or a fault test starts runs as the scripts and the image
/// run it (docs/configuration.md).
/// </summary>
public static class SiloLaunch
{
    /// <summary>The gen0 budget every launcher gives a silo unless the environment sets its own.</summary>
    public const string Gen0Budget = "0x400000";

    /// <summary>
    /// <c>dotnet &lt;dll&gt;</c> in the dll's folder, every stream redirected (a process in a background process group that
    /// touches the terminal is stopped by job control). The benchmark's silos inherit its environment, so a setting can be
    /// measured by setting it for one run; <paramref name="isolated"/> removes inherited Redis, Orleans, processing and
    /// HTTP settings, so only what the caller passes configures the process (a test host's must not leak into it).
    /// </summary>
    public static ProcessStartInfo StartInfo(string dll, bool isolated = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var key in start.Environment.Keys.Where(k => isolated && (
            k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
            || k.StartsWith("Orleans__", StringComparison.Ordinal)
            || k.StartsWith("Processing__", StringComparison.Ordinal)
            || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal))).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_GCgen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Gen0Budget;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>
    /// The settings of a silo on loopback: Redis, its own silo, gateway and HTTP ports (all silos share one address),
    /// and quiet logs.
    /// </summary>
    public static Dictionary<string, string> Loopback(string redis, int siloPort, int gatewayPort, int httpPort) => new()
    {
        ["ConnectionStrings__Redis"] = redis,
        ["Orleans__Endpoints__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Orleans__Endpoints__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
        ["Logging__LogLevel__Default"] = "Warning",
    };
}
