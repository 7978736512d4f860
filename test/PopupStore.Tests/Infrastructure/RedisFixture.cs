using PopupStore.Core.Scripts;
using StackExchange.Redis;
using PopupStore.Testing;

namespace PopupStore.Tests.Infrastructure;

/// <summary>One redis-server per test class; tests clear the sale keys they use.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisProcess Server { get; private set; } = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public IDatabase Database => Redis.GetDatabase();

    public async Task InitializeAsync()
    {
        Server = await RedisProcess.StartAsync();
        Redis = await Server.ConnectAsync();
        await PopupScripts.LoadAllAsync(Redis);
    }

    public async Task FlushAsync() => await Redis.GetServer(Redis.GetEndPoints()[0]).FlushDatabaseAsync();

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }
}
