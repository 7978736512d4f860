using StackExchange.Redis;

namespace PopupStore.LoadClient.Live;

/// <summary>One <see cref="PlainLine"/> every interval (2 s by default) and one when stopped.</summary>
public sealed class PlainLiveView(TextWriter output, TimeSpan? interval = null) : ILiveView
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    public async Task RunAsync(LiveSampler sampler, CancellationToken stop)
    {
        var every = interval ?? DefaultInterval;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (true)
        {
            var stopped = stop.IsCancellationRequested;
            await WriteAsync(sampler);
            if (stopped)
            {
                return;
            }

            // A steady cadence (0, 2, 4 s...) even when a refresh is slow; a missed beat is skipped, not caught up.
            do
            {
                next += every;
            }
            while (next <= clock.Elapsed);

            try
            {
                await Task.Delay(next - clock.Elapsed, stop);
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
