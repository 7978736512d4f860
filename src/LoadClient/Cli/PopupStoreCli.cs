using System.CommandLine;
using PopupStore.LoadClient.Load;
using PopupStore.LoadClient.Sales;

namespace PopupStore.LoadClient.Cli;

/// <summary>The command tree and how it is invoked: usage errors become one line on stderr and exit code 2.</summary>
public static class PopupStoreCli
{
    public const string Name = "popupstore";

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Pop-up Store load client: start and watch a sale, send a crowd of buyers, check the invariants")
        {
            CommonOptions.Redis,
        };
        root.Subcommands.Add(SaleCommands.Create());
        root.Subcommands.Add(RunCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Output goes to <paramref name="output"/> and <paramref name="error"/>
    /// (the process' console when null), so tests can run the real command tree in-process.
    /// </summary>
    public static async Task<int> InvokeAsync(
        RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellation = default,
        string name = Name)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !ShowsHelp(parse))
        {
            // One line, then where to look: the full help is one --help away.
            await configuration.Error.WriteLineAsync($"{name}: {UsageErrors.Describe(parse)} (see --help)");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellation);
    }

    private static bool ShowsHelp(ParseResult parse) =>
        parse.Action is System.CommandLine.Help.HelpAction;
}
