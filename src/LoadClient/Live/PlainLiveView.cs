using StackExchange.Redis;

namespace PopupStore.LoadClient.Live;

/// <summary>One <see cref="PlainLine"/> every interval (2 s by default) and one when stopped.</summary>
public sealed class PlainLiveView(TextWriter output, TimeSpan? interval = null) : ILiveView
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    public async Task RunAsync(LiveSampler sampler, CancellationToken stop)
    {
        var every = interval ?? DefaultInterval;
        while (true)
        {
            var stopped = stop.IsCancellationRequested;
            await WriteAsync(sampler);
            if (stopped)
            {
                return;
            }

            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                // Fall through to the final line.
            }
        }
    }

    private async Task WriteAsync(LiveSampler sampler)
    {
        try
        {
            await output.WriteLineAsync(PlainLine.Format(await sampler.SampleAsync()));
        }
        catch (Exception ex) when (ex is RedisException)
        {
            await output.WriteLineAsync($"(Redis did not answer this refresh: {Cli.RedisSession.Shorten(ex.Message)})");
        }
    }
}
