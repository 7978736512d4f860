using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Durability;

/// <summary>
/// The process' durable-answer mode. While it is on, the completion script refuses to run on a primary with fewer
/// good replicas than required (<see cref="RequiredReplicas"/>: a primary that lost its replicas, such as a stale
/// one after a failover, takes no sale), and no answer is handed out before <see cref="ConfirmAsync"/> says a
/// replica holds it. <see cref="DurabilityMode.Auto"/> turns it on when the connection string names Sentinels, or
/// once the primary reports a replica (checked every few seconds until then); once on, it stays on.
/// </summary>
public sealed partial class AnswerDurability : IAsyncDisposable
{
    private static readonly TimeSpan AutoCheckInterval = TimeSpan.FromSeconds(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _connectionString;
    private readonly int _replicas;
    private readonly TimeSpan _wait;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _watch;
    private ReplicaConfirmation? _gate;
    private volatile bool _on;

    public AnswerDurability(
        IConnectionMultiplexer redis, string connectionString, DurabilityMode mode, int replicas, TimeSpan wait, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        _redis = redis;
        _connectionString = connectionString;
        _replicas = replicas;
        _wait = wait;
        _logger = logger;
        Mode = mode;
        _watch = mode switch
        {
            DurabilityMode.On => TurnOnAsync("configured on"),
            DurabilityMode.Auto when RedisConnector.Parse(connectionString).ServiceName is { Length: > 0 } service =>
                TurnOnAsync($"the connection follows Sentinel service '{service}'"),
            DurabilityMode.Auto => Task.Run(WatchForReplicasAsync),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>A process that never confirms (tests and tools that talk to a lone Redis).</summary>
    public static AnswerDurability Off(IConnectionMultiplexer redis) =>
        new(redis, RedisConnector.DefaultConnectionString, DurabilityMode.Off, 1, TimeSpan.FromMilliseconds(100), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public DurabilityMode Mode { get; }

    public bool IsOn => _on;

    /// <summary>Good replicas the completion script demands of the primary before it writes; 0 while off.</summary>
    public int RequiredReplicas => _on ? _replicas : 0;

    /// <summary>
    /// Completes once every read and write this process made before the call is on the required replicas (at once
    /// while off). Throws <see cref="AnswerNotConfirmedException"/> when the primary changed under them.
    /// <paramref name="server"/>: the replication id of the server the outcomes were read from or written to, when
    /// known (the scripts report it while on); only a round on that server confirms them.
    /// </summary>
    public ValueTask ConfirmAsync(string? server = null)
    {
        if (!_on)
        {
            return ValueTask.CompletedTask;
        }

        // On but the gate's connection is still opening: wait for it rather than answer unconfirmed.
        return Volatile.Read(ref _gate) is { } gate ? new ValueTask(gate.ConfirmAsync(server)) : new ValueTask(ConfirmWhenStartedAsync(server));
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        try
        {
            await _watch;
        }
        catch (OperationCanceledException)
        {
        }

        if (_gate is { } gate)
        {
            await gate.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task ConfirmWhenStartedAsync(string? server)
    {
        await _watch.WaitAsync(_stopping.Token);
        await (_gate ?? throw new AnswerNotConfirmedException("The durable-answer gate could not start.")).ConfirmAsync(server);
    }

    // Called once per instance: by the constructor, or by the watch when it finds a replica (it stops then).
    private async Task TurnOnAsync(string why)
    {
        _on = true;
        _gate = await ReplicaConfirmation.StartAsync(_connectionString, _replicas, _wait, _logger);
        LogOn(why, _replicas, _wait);
    }

    private async Task WatchForReplicasAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var info = (string?)await PopupScripts.ReplicationInfo.EvaluateAsync(_redis.GetDatabase(), [], []);
                if (ConnectedReplicas(info) is > 0 and var count)
                {
                    await TurnOnAsync($"the primary has {count} replica(s)");
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Redis unreachable or refusing for now: nothing is answered meanwhile either; look again later.
                LogCheckFailed(ex.Message);
            }

            await Task.Delay(AutoCheckInterval, _stopping.Token);
        }
    }

    /// <summary>The <c>connected_slaves</c> figure of an <c>INFO replication</c> reply; null when absent.</summary>
    public static int? ConnectedReplicas(string? info) =>
        info is not null && ConnectedReplicasLine().Match(info) is { Success: true } match ? int.Parse(match.Groups[1].ValueSpan) : null;

    [GeneratedRegex(@"^connected_slaves:(\d+)", RegexOptions.Multiline)]
    private static partial Regex ConnectedReplicasLine();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Durable answers: could not look for replicas yet: {Reason}")]
    private partial void LogCheckFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable answers on ({Why}): buyers are told an outcome once {Replicas} replica(s) hold it (WAIT up to {Wait} a round)")]
    private partial void LogOn(string why, int replicas, TimeSpan wait);
}
