namespace PopupStore.Testing;

/// <summary>
/// The Redis 6.2.6 build (the version inside the compose image) and modules that CI lays out beside the
/// repository: <c>$REDIS_MODULES_DIR</c>, by default <c>../shared/redis-modules</c> from the repository root.
/// </summary>
public static class RedisModules
{
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("REDIS_MODULES_DIR");
            if (!string.IsNullOrEmpty(configured))
            {
                return Path.GetFullPath(configured);
            }

            return Repository.Found
                ? Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "redis-modules"))
                : Path.GetFullPath(Path.Combine("..", "shared", "redis-modules"));
        }
    }

    /// <summary>redis-server 6.2.6; throws with the reason when it is not there.</summary>
    public static string Server62
    {
        get
        {
            var path = Path.Combine(Directory, "redis-server-6.2.6");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException(
                    $"Redis 6.2.6 is not at {path}: set REDIS_MODULES_DIR to the folder holding redis-server-6.2.6 (see docs/testing.md).");
        }
    }
}
