using PopupStore.LoadClient.Bench;
using PopupStore.LoadClient.Cli;

// Verbs are added in PopupStoreCli.CreateRoot; the benchmark joins them here.
var root = PopupStoreCli.CreateRoot();
root.Subcommands.Add(BenchCommand.Create());

return await PopupStoreCli.InvokeAsync(root, args);
