using Spectre.Console;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Live;

/// <summary>The live view on a terminal: <see cref="LiveDashboard"/> redrawn in place about four times a second.</summary>
public sealed class TerminalLiveView(IAnsiConsole console, TimeSpan? interval = null) : ILiveView
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(250);

    public async Task RunAsync(LiveSampler sampler, CancellationToken stop)
    {
        var every = interval ?? DefaultInterval;
        var first = await TrySampleAsync(sampler);
        await console.Live(first is null ? new Text("Reading the sale…") : LiveDashboard.Render(first))
            .AutoClear(false)
            .StartAsync(async context =>
            {
                while (true)
                {
                    var stopped = stop.IsCancellationRequested;
                    if (await TrySampleAsync(sampler) is { } sample)
                    {
                        context.UpdateTarget(LiveDashboard.Render(sample));
                        context.Refresh();
                    }

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
                        // One more refresh shows the final figures.
                    }
                }
            });
    }

    private static async Task<LiveSample?> TrySampleAsync(LiveSampler sampler)
    {
        try
        {
            return await sampler.SampleAsync();
        }
        catch (RedisException)
        {
            // A slow refresh is skipped; the run itself reports a Redis that is really gone.
            return null;
        }
    }
}
