using PopupStore.LoadClient.Cli;

return await PopupStoreCli.InvokeAsync(PopupStoreCli.CreateRoot(), args);
