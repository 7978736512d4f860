using System.Text.Json;

namespace PopupStore.Tests.Settings;

/// <summary>
/// The runtime settings the benchmark measured travel with the silo's build (its runtimeconfig.json), so every
/// launcher (the scripts, the benchmark, the compose image) gets them without an environment variable.
/// </summary>
public sealed class SiloRuntimeSettingsTests
{
    [Theory]
    [InlineData("System.Runtime.TieredPGO", false)]
    [InlineData("System.Runtime.TieredCompilation.QuickJit", false)]
    [InlineData("System.GC.Server", false)]
    public void The_silo_ships_its_runtime_switches(string name, bool expected)
    {
        Assert.Equal(expected, Setting(name).GetBoolean());
    }

    [Fact]
    public void Idle_silo_threads_sleep_instead_of_spinning()
    {
        Assert.Equal(0, Setting("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    private static JsonElement Setting(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "PopupStore.Silo.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty(name, out var value), $"{path} does not set {name}");
        return value.Clone();
    }
}
