using System.Net;
using System.Net.Sockets;

namespace PopupStore.Bench;

/// <summary>
/// Loopback ports for the silos and redis-servers the benchmark and the tests start. They come from below the kernel's ephemeral range: a port the
/// OS hands out (bind to 0) is one it may also give the next outgoing connection (a Redis client, a silo link), which
/// then takes it between our pick and the silo's bind ("address already in use", seen on CI).
/// </summary>
internal static class LoopbackPorts
{
    private static readonly (int First, int Count) Range = PickRange();

    // A random start per process so two test assemblies running at once walk different ports.
    private static int _cursor = Random.Shared.Next(Range.Count);

    /// <summary>A loopback port nobody listens on right now, never handed out twice by this process.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < Range.Count; attempt++)
        {
            var port = Range.First + (int)((uint)Interlocked.Increment(ref _cursor) % (uint)Range.Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {Range.First}-{Range.First + Range.Count - 1}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int First, int Count) PickRange()
    {
        var (low, high) = EphemeralRange();
        return low - 10_000 >= 1_000 ? (10_000, low - 10_000) : (high + 1, 65_535 - high);
    }

    private static (int Low, int High) EphemeralRange()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        var parts = File.Exists(path) ? File.ReadAllText(path).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries) : [];
        return parts.Length == 2 && int.TryParse(parts[0], out var low) && int.TryParse(parts[1], out var high)
            ? (low, high)
            : (32_768, 60_999);
    }
}
