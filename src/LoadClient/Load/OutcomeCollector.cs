using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Load;

/// <summary>
/// Follows queue:complete and queue:rejected from where they were when the run began, keeping this run's answers.
/// While the crowd is still being answered it only counts (XLEN): parsing every answer then would take CPU from the
/// silos whenever they share the machine with the client. The entries are read once the count says they are in.
/// </summary>
public sealed class OutcomeCollector
{
    private readonly IConnectionMultiplexer _redis;
    private readonly OutcomeReader _reader;
    private readonly string _runPrefix;
    private readonly long _lengthAtStart;
    private readonly Dictionary<string, AnsweredOrder> _answers = new(StringComparer.Ordinal);
    private string _afterComplete;
    private string _afterRejected;

    private OutcomeCollector(
        IConnectionMultiplexer redis, string runId, string afterComplete, string afterRejected, long lengthAtStart)
    {
        _redis = redis;
        _reader = new OutcomeReader(redis);
        _runPrefix = $"o-{runId}-";
        _afterComplete = afterComplete;
        _afterRejected = afterRejected;
        _lengthAtStart = lengthAtStart;
    }

    public IReadOnlyDictionary<string, AnsweredOrder> Answers => _answers;

    /// <summary>Answers seen twice for one order: must stay zero.</summary>
    public int DoubleAnswers { get; private set; }

    public static async Task<OutcomeCollector> StartAsync(IConnectionMultiplexer redis, string runId)
    {
        // No order of this run is written yet, so each of its answers lands after these reads and is both counted and read.
        var length = await LengthAsync(redis);
        var reader = new OutcomeReader(redis);
        return new OutcomeCollector(
            redis, runId, await reader.LastIdAsync(RedisKeys.Complete), await reader.LastIdAsync(RedisKeys.Rejected), length);
    }

    /// <summary>
    /// Answers added to the outcome streams since the run began, this run's or not: two XLENs, no entry read. An
    /// upper bound of this run's answers, good for progress and for knowing when reading them is worth it.
    /// </summary>
    public async Task<long> CountAsync() => Math.Max(0, await LengthAsync(_redis) - _lengthAtStart);

    /// <summary>Reads the entries added since the last read and returns how many of this run's orders are answered.</summary>
    public async Task<int> PollAsync()
    {
        // A buyer is told only what replicas hold, when the silos say so (sale:confirmed): a stream producer's safe read.
        var (answers, lastComplete, lastRejected) = await _reader.ReadAfterAsync(_afterComplete, _afterRejected, confirmedOnly: true);
        _afterComplete = lastComplete;
        _afterRejected = lastRejected;
        foreach (var answer in answers.Where(a => a.OrderId.StartsWith(_runPrefix, StringComparison.Ordinal)))
        {
            if (!_answers.TryAdd(answer.OrderId, answer))
            {
                DoubleAnswers++;
            }
        }

        return _answers.Count;
    }

    private static async Task<long> LengthAsync(IConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        var complete = db.StreamLengthAsync(RedisKeys.Complete);
        var rejected = db.StreamLengthAsync(RedisKeys.Rejected);
        return await complete + await rejected;
    }
}
