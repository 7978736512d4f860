using System.Diagnostics;

namespace PopupStore.Bench;

/// <summary>How the benchmark starts a process that runs Orleans: the silos, and the floor measured against them.</summary>
public static class SiloLaunch
{
    /// <summary>
    /// <c>dotnet &lt;dll&gt;</c> in the dll's folder, every stream redirected (a process in a background process group that
    /// touches the terminal is stopped by job control), with the gen0 budget every launcher gives a silo
    /// (docs/configuration.md) unless the environment sets its own.
    /// </summary>
    public static ProcessStartInfo StartInfo(string dll)
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
        start.Environment["DOTNET_GCgen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "0x400000";
        return start;
    }
}
