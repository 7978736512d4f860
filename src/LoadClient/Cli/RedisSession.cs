using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Cli;

/// <summary>Connects for a command, turning connection problems into one line and exit code 3.</summary>
public static class RedisSession
{
    public static async Task<int> RunAsync(string connectionString, Func<IConnectionMultiplexer, Task<int>> command)
    {
        IConnectionMultiplexer redis;
        try
        {
            redis = await RedisConnector.ConnectAsync(connectionString, TimeSpan.FromSeconds(5));
        }
        catch (RedisSetupException ex)
        {
            await Console.Error.WriteLineAsync($"popupstore: {ex.Message}");
            return ExitCodes.Unavailable;
        }

        await using (redis as IAsyncDisposable ?? throw new InvalidOperationException())
        {
            try
            {
                return await command(redis);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                await Console.Error.WriteLineAsync($"popupstore: lost Redis: {ex.Message.Split('\n')[0]}");
                return ExitCodes.Unavailable;
            }
        }
    }
}
