using PopupStore.Bench;

namespace PopupStore.Testing;

/// <summary>Loopback ports for the processes a test starts (shared with the benchmark: see LoopbackPorts).</summary>
public static class Ports
{
    public static int Free() => LoopbackPorts.Free();
}
