using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Core.Durability;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Grains.Sales;

namespace PopupStore.Grains.Orders;

public static class OrderProcessingExtensions
{
    /// <summary>
    /// Registers the order pipeline in a silo's services. The host registers the shared
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/> and the <see cref="RedisConnectionString"/> it was opened with.
    /// </summary>
    public static IServiceCollection AddOrderProcessing(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<OrderProcessingOptions>()
            .Bind(configuration.GetSection(OrderProcessingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SaleSignals>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<OrderProcessingOptions>>().Value;
            return new AnswerDurability(
                sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
                sp.GetRequiredService<RedisConnectionString>().Value,
                settings.DurableAnswers,
                settings.DurableReplicas,
                settings.DurableWait,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<AnswerDurability>());
        });
        services.AddSingleton<IOrderCompletion>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<OrderProcessingOptions>>().Value;
            return new CompletionBatcher(
                sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(),
                settings.CompletionBatchSize,
                settings.CompletionCallsInFlight,
                sp.GetRequiredService<AnswerDurability>());
        });
        services.AddSingleton<OrderQueue>();
        services.AddSingleton<PurchaseLedger>();
        services.AddSingleton<CustomerGrains>();
        services.AddSingleton<SaleStore>();
        services.AddHostedService<PollerKeeper>();
        services.AddHostedService<SaleWatcher>();
        return services;
    }
}
