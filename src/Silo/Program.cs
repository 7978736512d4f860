using PopupStore.Core.Redis;
using PopupStore.Silo.Hosting;

try
{
    var app = await SiloApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (RedisSetupException ex)
{
    // One line an operator can act on (wrong password, Redis down), not a stack trace.
    await Console.Error.WriteLineAsync($"popupstore-silo: {ex.Message}");
    return 1;
}
catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    // Kestrel could not bind ASPNETCORE_URLS: say which address, not a stack trace.
    await Console.Error.WriteLineAsync($"popupstore-silo: {ex.Message.Split('\n')[0]} (check ASPNETCORE_URLS)");
    return 1;
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"popupstore-silo: invalid configuration: {string.Join("; ", ex.Failures)}");
    return 2;
}
