using System.Threading.Channels;
using PopupStore.Core.Orders;

namespace PopupStore.Bench.Floor.Grains;

/// <summary>
/// Stands in for the silo's completion batcher without Redis: orders queued from many grains are answered a batch
/// at a time by one loop, off the grains' schedulers, so a grain that waits for its answer takes a second turn to
/// resume, as the real customer grain does after its script call.
/// </summary>
public static class StandInCompletion
{
    private const int MaxBatch = 256;

    private static readonly Channel<TaskCompletionSource<OrderOutcome>> Queue =
        Channel.CreateUnbounded<TaskCompletionSource<OrderOutcome>>(new UnboundedChannelOptions { SingleReader = true });

    private static readonly Task Loop = Task.Run(AnswerLoopAsync);

    public static Task<OrderOutcome> CompleteAsync()
    {
        _ = Loop;
        var answer = new TaskCompletionSource<OrderOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Writer.TryWrite(answer);
        return answer.Task;
    }

    private static async Task AnswerLoopAsync()
    {
        var batch = new List<TaskCompletionSource<OrderOutcome>>(MaxBatch);
        while (await Queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && Queue.Reader.TryRead(out var answer))
            {
                batch.Add(answer);
            }

            // The real batcher answers after a round trip to Redis: give the grains' turns a chance to end first.
            await Task.Yield();
            foreach (var answer in batch)
            {
                answer.TrySetResult(new OrderOutcome(OrderResult.Complete, Fresh: true));
            }

            batch.Clear();
        }
    }
}
