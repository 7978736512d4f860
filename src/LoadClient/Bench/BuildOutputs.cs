namespace PopupStore.LoadClient.Bench;

/// <summary>The repository's build outputs the benchmark starts as processes, found from where this program runs.</summary>
public static class BuildOutputs
{
    public static string? FindSiloDll() => Find("Silo", "PopupStore.Silo.dll");

    public static string? FindOrleansFloorDll() => Find("OrleansFloor", "PopupStore.OrleansFloor.dll");

    /// <summary>src/&lt;project&gt;/bin/(Release|Debug)/net10.0/&lt;dll&gt; in this directory or one above it, Release first.</summary>
    private static string? Find(string project, string dll)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
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
