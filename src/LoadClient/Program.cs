using PopupStore.LoadClient.Cli;

// Verbs are added in PopupStoreCli.CreateRoot; a new verb is one more root.Subcommands.Add(...) line here.
var root = PopupStoreCli.CreateRoot();

return await PopupStoreCli.InvokeAsync(root, args);
