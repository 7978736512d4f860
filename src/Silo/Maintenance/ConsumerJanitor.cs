using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Core.Orders;
using PopupStore.Grains.Hosting;
using PopupStore.Grains.Orders;

namespace PopupStore.Silo.Maintenance;

/// <summary>
/// Removes consumers of silos that are gone from group <c>popup</c>: every silo start adds consumers
/// named for its endpoint, and without this the group (and XINFO, and the dashboard) fills with the dead.
/// A consumer goes only when its silo is not an active member, it has been idle for
/// <see cref="OrderProcessingOptions.ConsumerCleanupIdleTime"/> and it holds no pending entries, checked
/// in the same script that removes it; entries it held were claimed by live pollers before that.
/// </summary>
public sealed partial class ConsumerJanitor(
    OrderQueue queue,
    IClusterMembershipService membership,
    IOptions<OrderProcessingOptions> options,
    ILogger<ConsumerJanitor> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        KeepAliveLoop.RunAsync(options.Value.ConsumerCleanupInterval, SweepAsync, LogSweepFailed, stoppingToken);

    private async Task SweepAsync()
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.Created or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .Select(m => PollerNames.Prefix(m.SiloAddress))
            .ToHashSet(StringComparer.Ordinal);
        if (active.Count == 0)
        {
            return;
        }

        var idleFor = (long)options.Value.ConsumerCleanupIdleTime.TotalMilliseconds;
        foreach (var consumer in await queue.ConsumersAsync())
        {
            var name = (string)consumer.Name!;
            if (consumer.PendingMessageCount > 0
                || consumer.IdleTimeInMilliseconds < idleFor
                || active.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            if (await queue.RemoveConsumerIfIdleAsync(name))
            {
                LogRemoved(name, TimeSpan.FromMilliseconds(consumer.IdleTimeInMilliseconds));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed consumer {Consumer} of a silo that is gone from group popup (idle {Idle})")]
    private partial void LogRemoved(string consumer, TimeSpan idle);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clean up the consumers of group popup; retrying")]
    private partial void LogSweepFailed(Exception error);
}
