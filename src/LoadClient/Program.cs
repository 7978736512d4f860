using System.CommandLine;
using PopupStore.LoadClient.Bench;
using PopupStore.LoadClient.Cli;
using PopupStore.LoadClient.Load;
using PopupStore.LoadClient.Sales;

var root = new RootCommand("Pop-up Store load client: start and watch a sale, send a crowd of buyers, check the invariants")
{
    CommonOptions.Redis,
};
root.Subcommands.Add(SaleCommands.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // One line, then where to look: the full help is one --help away.
    await Console.Error.WriteLineAsync($"popupstore: {parse.Errors[0].Message} (see --help)");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync();
