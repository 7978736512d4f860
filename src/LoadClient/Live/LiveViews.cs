using Spectre.Console;

namespace PopupStore.LoadClient.Live;

/// <summary>Chooses the live view: the redrawn dashboard on a terminal, plain lines everywhere else.</summary>
public static class LiveViews
{
    public static bool IsTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out)
        && !Console.IsOutputRedirected
        && AnsiConsole.Profile.Capabilities.Interactive
        && AnsiConsole.Profile.Capabilities.Ansi;

    public static ILiveView Choose(TextWriter output, bool plain) =>
        !plain && IsTerminal(output) ? new TerminalLiveView(AnsiConsole.Console) : new PlainLiveView(output);
}
