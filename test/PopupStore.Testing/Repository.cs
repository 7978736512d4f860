namespace PopupStore.Testing;

/// <summary>The checkout the tests run from: the directory holding PopupStore.sln above the test binaries.</summary>
public static class Repository
{
    private static readonly Lazy<string?> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PopupStore.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    });

    /// <summary>The repository root; throws when the tests do not run from inside a checkout.</summary>
    public static string Root =>
        LazyRoot.Value ?? throw new InvalidOperationException($"PopupStore.sln not found above {AppContext.BaseDirectory}");

    /// <summary>True when the tests run from inside a checkout.</summary>
    public static bool Found => LazyRoot.Value is not null;

    /// <summary>A repository file's full path from its slash-separated relative path.</summary>
    public static string PathOf(string relative) =>
        Path.GetFullPath(Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar)));
}
