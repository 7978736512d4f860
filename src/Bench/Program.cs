using PopupStore.Bench;
using PopupStore.Bench.Floor;
using PopupStore.LoadClient.Cli;

var root = BenchCommand.CreateRoot();
root.Subcommands.Add(FloorCommand.Create());
return await PopupStoreCli.InvokeAsync(root, args, name: "popupstore-bench");
