using PopupStore.Bench;
using PopupStore.LoadClient.Cli;

return await PopupStoreCli.InvokeAsync(BenchCommand.CreateRoot(), args, name: "popupstore-bench");
