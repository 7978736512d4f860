using System.Diagnostics;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// The crowd of a failover scenario: stream producers writing to queue:orders through the Sentinels and storefront
/// buyers posting to the silos, more of them than units, with a watcher reading answers as producers do. The fault
/// is injected while both are still buying.
/// </summary>
public sealed class FailoverSale
{
    public const int Units = 800;
    public const int StreamOrders = 1_200;
    public const int StorefrontBuyers = 400;

    private readonly FailoverCluster _cluster;

    public FailoverSale(FailoverCluster cluster, bool durable)
    {
        _cluster = cluster;
        Feed = new OrderFeed(cluster.Connection, "s");
        Crowd = new StorefrontCrowd(cluster.Silos, "w", Clock);
        Watcher = new AnswerWatcher(cluster.Connection, durable, Clock);
    }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public OrderFeed Feed { get; }

    public StorefrontCrowd Crowd { get; }

    public AnswerWatcher Watcher { get; }

    /// <summary>Every outcome anyone was told: storefront buyers' and the stream producers' watcher's.</summary>
    public IEnumerable<Told> AllTold => Crowd.TellsByOrder.Values.Concat(Watcher.TellsByOrder.Values);

    /// <summary>
    /// Runs the sale (about 10 s of arrivals) and <paramref name="fault"/> <paramref name="faultAfter"/> into it;
    /// returns once every buyer was told and the queue is drained on the primary of the end.
    /// </summary>
    public async Task RunAsync(TimeSpan faultAfter, Func<Task> fault)
    {
        await _cluster.Sales.StartAsync(Units, TimeSpan.FromMinutes(10), force: false);
        using var stopWatching = new CancellationTokenSource();
        var watching = Watcher.RunAsync(stopWatching.Token);
        var feeding = Feed.WriteAsync(StreamOrders, chunk: 20, every: TimeSpan.FromMilliseconds(170));
        var buying = Crowd.RunAsync(StorefrontBuyers, TimeSpan.FromMilliseconds(25));
        await Task.Delay(faultAfter);
        await fault();
        await feeding;
        try
        {
            await buying;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"{ex.Message}{Environment.NewLine}{await _cluster.Redis.DescribeAsync()}{Environment.NewLine}{_cluster.Redis.SentinelLogs(15)}{Environment.NewLine}{_cluster.SiloLogs()}",
                ex);
        }

        await Drain.WaitAsync(_cluster.Connection, TimeSpan.FromSeconds(60));

        // The watcher reads on until what it may read (sale:confirmed) has caught up with the last answer.
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(10) && Watcher.TellsByOrder.Count < await AnsweredAsync())
        {
            await Task.Delay(200);
        }

        await stopWatching.CancelAsync();
        await watching;
    }

    private async Task<long> AnsweredAsync()
    {
        try
        {
            var db = _cluster.Connection.GetDatabase();
            return await db.StreamLengthAsync(Core.Redis.RedisKeys.Complete) + await db.StreamLengthAsync(Core.Redis.RedisKeys.Rejected);
        }
        catch (RedisException)
        {
            return long.MaxValue;
        }
    }
}
