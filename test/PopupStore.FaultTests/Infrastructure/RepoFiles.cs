namespace PopupStore.FaultTests.Infrastructure;

internal static class RepoFiles
{
    /// <summary>The repository root: the folder above the test output that holds PopupStore.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PopupStore.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No PopupStore.sln above {AppContext.BaseDirectory}.");
    }
}
