using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PopupStore.Grains.Orders;

namespace PopupStore.Silo.Hosting;

/// <summary>
/// Checks at start-up that the processing timings fit the grain call timeout (see
/// <see cref="OrderProcessingOptions.Validate(TimeSpan)"/>); a silo that breaks the relation does not start.
/// </summary>
internal sealed class ProcessingTimeoutsValidator(IOptions<SiloMessagingOptions> messaging) : IValidateOptions<OrderProcessingOptions>
{
    public ValidateOptionsResult Validate(string? name, OrderProcessingOptions options)
    {
        var problems = options.Validate(messaging.Value.ResponseTimeout).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
