namespace PopupStore.Bench;

/// <summary>The repository's build outputs the benchmark starts as processes, found from where this program runs.</summary>
public static class BuildOutputs
{
    public static string? FindSiloDll() => Find("Silo", "PopupStore.Silo.dll");

    /// <summary>This benchmark's own build, which also runs the Orleans floor in a process of its own.</summary>
    public static string? FindBenchDll() => Find("Bench", "PopupStore.Bench.dll");

    /// <summary>
    /// src/&lt;project&gt;/bin/(Release|Debug)/net10.0/&lt;dll&gt; in this directory or one above it, the configuration
    /// this program was built in first: a Debug test run must not pick up a Release build left behind by an older bench.
    /// </summary>
    private static string? Find(string project, string dll)
    {
        var built = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string[] configurations = built == "Debug" ? ["Debug", "Release"] : ["Release", "Debug"];
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in configurations)
            {
                var candidate = Path.Combine(dir.FullName, "src", project, "bin", configuration, "net10.0", dll);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
