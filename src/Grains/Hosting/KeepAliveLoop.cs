namespace PopupStore.Grains.Hosting;

/// <summary>
/// Pings grains that must run all the time (pollers, the time series writer) until the silo stops:
/// a grain only runs when called, and the next ping re-activates one that was lost with its silo.
/// </summary>
public static class KeepAliveLoop
{
    public static async Task RunAsync(TimeSpan interval, Func<Task> ping, Action<Exception> onFailure, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await ping();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Everything but the silo's own stop is a failure to retry, cancellations included: a grain
                // call whose message expired before placement (a loaded or failing-over cluster) throws
                // OperationCanceledException, and a background service that lets it escape stops the host.
                onFailure(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
