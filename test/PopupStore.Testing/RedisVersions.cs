namespace PopupStore.Testing;

/// <summary>
/// The two Redis servers the product runs on: Debian's 7 from PATH and the compose image's 6.2.6 from
/// <see cref="RedisModules"/>. They word errors raised inside scripts differently, so script tests run on both.
/// </summary>
public static class RedisVersions
{
    /// <summary>Both versions, one per row, for a theory's member data.</summary>
    public static IEnumerable<object[]> Both => [["7"], ["6.2"]];

    /// <summary>A fresh server of <paramref name="version"/> ("7" or "6.2").</summary>
    public static Task<RedisProcess> StartAsync(string version) =>
        RedisProcess.StartAsync(binary: version == "6.2" ? RedisModules.Server62 : null);
}
