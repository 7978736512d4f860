using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Load;

/// <summary>Follows queue:complete and queue:rejected from where they were when the run began, keeping this run's answers.</summary>
public sealed class OutcomeCollector
{
    private readonly OutcomeReader _reader;
    private readonly string _runPrefix;
    private readonly Dictionary<string, AnsweredOrder> _answers = new(StringComparer.Ordinal);
    private string _afterComplete;
    private string _afterRejected;

    private OutcomeCollector(IConnectionMultiplexer redis, string runId, string afterComplete, string afterRejected)
    {
        _reader = new OutcomeReader(redis);
        _runPrefix = $"o-{runId}-";
        _afterComplete = afterComplete;
        _afterRejected = afterRejected;
    }

    public IReadOnlyDictionary<string, AnsweredOrder> Answers => _answers;

    /// <summary>Answers seen twice for one order: must stay zero.</summary>
    public int DoubleAnswers { get; private set; }

    public static async Task<OutcomeCollector> StartAsync(IConnectionMultiplexer redis, string runId)
    {
        var reader = new OutcomeReader(redis);
        return new OutcomeCollector(
            redis, runId, await reader.LastIdAsync(RedisKeys.Complete), await reader.LastIdAsync(RedisKeys.Rejected));
    }

    public async Task<int> PollAsync()
    {
        var (answers, lastComplete, lastRejected) = await _reader.ReadAfterAsync(_afterComplete, _afterRejected);
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
}
