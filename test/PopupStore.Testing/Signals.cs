using System.Runtime.InteropServices;

namespace PopupStore.Testing;

/// <summary>
/// POSIX signals the Process class does not offer: SIGTERM for a graceful stop (what a container
/// runtime sends), SIGSTOP/SIGCONT to freeze Redis without closing its sockets.
/// </summary>
public static partial class Signals
{
    public const int Term = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
