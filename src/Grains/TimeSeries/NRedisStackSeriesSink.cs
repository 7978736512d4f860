using NRedisStack;
using NRedisStack.DataTypes;
using NRedisStack.Literals.Enums;
using NRedisStack.RedisStackCommands;
using StackExchange.Redis;

namespace PopupStore.Grains.TimeSeries;

/// <summary>The real sink: RedisTimeSeries commands through NRedisStack (TS.CREATE, TS.ADD ... ON_DUPLICATE LAST).</summary>
public sealed class NRedisStackSeriesSink(IConnectionMultiplexer redis) : ISeriesSink
{
    private TimeSeriesCommands Commands => redis.GetDatabase().TS();

    public async Task EnsureSeriesAsync(IReadOnlyList<SeriesDefinition> series, TimeSpan retention)
    {
        var commands = Commands;
        foreach (var definition in series)
        {
            var labels = definition.Labels.Select(label => new TimeSeriesLabel(label.Key, label.Value)).ToArray();
            try
            {
                var parameters = new TsCreateParamsBuilder()
                    .AddRetentionTime((long)retention.TotalMilliseconds)
                    .AddLabels(labels)
                    .AddDuplicatePolicy(PolicyOf(definition.DuplicatePolicy))
                    .build();
                await commands.CreateAsync(definition.Key, parameters);
            }
            catch (RedisServerException ex) when (IsAlreadyExists(ex.Message))
            {
                // Created before (by the registrar, an earlier writer or another silo): keep it.
            }
        }
    }

    public async Task AddAsync(IReadOnlyList<SeriesSample> samples)
    {
        var commands = Commands;
        await Task.WhenAll(samples.Select(sample => commands.AddAsync(
            sample.Key,
            new TsAddParamsBuilder()
                .AddTimestamp(new TimeStamp(sample.Timestamp))
                .AddValue(sample.Value)
                .AddOnDuplicate(TsDuplicatePolicy.LAST)
                .build())));
    }

    /// <summary>RedisTimeSeries answers "ERR TSDB: key already exists" to a second TS.CREATE.</summary>
    public static bool IsAlreadyExists(string message) =>
        message.Contains("already exists", StringComparison.OrdinalIgnoreCase);

    public static TsDuplicatePolicy PolicyOf(SeriesDuplicatePolicy policy) => policy switch
    {
        SeriesDuplicatePolicy.Sum => TsDuplicatePolicy.SUM,
        _ => TsDuplicatePolicy.LAST,
    };
}
