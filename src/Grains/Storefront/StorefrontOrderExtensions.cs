using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PopupStore.Grains.Storefront;

public static class StorefrontOrderExtensions
{
    /// <summary>The grain side of the storefront: options, the Redis store, the answer watcher and the desk.</summary>
    public static IServiceCollection AddStorefrontOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<StorefrontOptions>()
            .Bind(configuration.GetSection(StorefrontOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<WebOrderStore>();
        services.AddSingleton<AnswerWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<AnswerWatcher>());
        services.AddSingleton<WebOrderDesk>();
        return services;
    }
}
