using PopupStore.Core.Orders;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// The baseline without Orleans: one process reading group <c>popup</c> in batches, running the
/// completion script once per batch and acknowledging the batch, like a poller does.
/// </summary>
public sealed class DirectConsumer(IConnectionMultiplexer redis, int consumers, int batchSize)
{
    public async Task RunAsync(CancellationToken stop)
    {
        var queue = new OrderQueue(redis);
        await queue.EnsureGroupAsync();
        await Task.WhenAll(Enumerable.Range(0, consumers).Select(i => ConsumeAsync(queue, $"direct-{i}", stop)));
    }

    private async Task ConsumeAsync(OrderQueue queue, string consumer, CancellationToken stop)
    {
        var completer = new OrderCompleter(redis);
        while (!stop.IsCancellationRequested)
        {
            var batch = await queue.ReadNewAsync(consumer, batchSize);
            if (batch.Length == 0)
            {
                try
                {
                    await Task.Delay(1, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var orders = batch.Entries.Where(entry => !entry.IsNull).Select(entry => OrderEntryParser.Parse(entry, batch.Generation, batch.ReadAt)).ToArray();
            await completer.CompleteManyAsync(orders);
            await queue.AcknowledgeAsync(batch.Entries.Select(entry => entry.Id).ToArray());
        }
    }
}
