using Microsoft.Extensions.Logging;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Durability;

/// <summary>
/// Confirms that everything Redis executed before a call is on enough replicas. Callers that ask at about the same
/// time share one round: a probe written after all their reads and writes, then <c>WAIT</c> on a connection of its
/// own (WAIT blocks the connection it runs on, and the process' shared one carries everything else), then a read of
/// the probe to prove the WAIT ran on the server that took it. A round that falls short of replicas is repeated
/// with the same callers, so their answers wait until replicas return; a round that finds its server gone or
/// replaced fails them with <see cref="AnswerNotConfirmedException"/>, because what they were about to tell may
/// not exist on the new primary.
/// </summary>
public sealed partial class ReplicaConfirmation : IAsyncDisposable
{
    private static readonly TimeSpan ProbeLifetime = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan TrailingMarkDelay = TimeSpan.FromMilliseconds(50);

    private readonly IConnectionMultiplexer _connection;
    private readonly int _replicas;
    private readonly TimeSpan _wait;
    private readonly ILogger _logger;
    private readonly RedisKey _probe = RedisKeys.Confirming(Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _asked = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private List<Caller> _waiting = [];
    private string? _unraisedMark;
    private readonly Task _rounds;

    private ReplicaConfirmation(IConnectionMultiplexer connection, int replicas, TimeSpan wait, ILogger logger)
    {
        _connection = connection;
        _replicas = replicas;
        _wait = wait;
        _logger = logger;
        _rounds = Task.Run(RunRoundsAsync);
    }

    /// <summary>Opens the gate's own connection (same servers, same Sentinels, same credentials).</summary>
    public static async Task<ReplicaConfirmation> StartAsync(string connectionString, int replicas, TimeSpan wait, ILogger logger)
    {
        var options = RedisConnector.Parse(connectionString);
        options.ClientName = options.ClientName + "-confirm";

        // A WAIT may legally take the whole wait; the connection must not call that a timeout.
        var floor = (int)Math.Min(int.MaxValue, (wait + TimeSpan.FromSeconds(5)).TotalMilliseconds);
        options.AsyncTimeout = Math.Max(options.AsyncTimeout, floor);
        options.SyncTimeout = Math.Max(options.SyncTimeout, floor);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        return new ReplicaConfirmation(connection, replicas, wait, logger);
    }

    /// <summary>
    /// Completes once every read and write this process made before the call is on the required replicas.
    /// <paramref name="server"/>: the replication id of the server the caller's outcomes came from, when known; they
    /// are confirmed only by a round on that same server.
    /// </summary>
    public Task ConfirmAsync(string? server = null)
    {
        var asked = new Caller(server, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            _waiting.Add(asked);
        }

        _asked.Release();
        return asked.Answer.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        try
        {
            await _rounds;
        }
        catch (OperationCanceledException)
        {
        }

        FailAll(TakeWaiting(), new AnswerNotConfirmedException("The silo is shutting down; its answers were not confirmed."));
        await _connection.DisposeAsync();
        _asked.Dispose();
        _stopping.Dispose();
    }

    private async Task RunRoundsAsync()
    {
        var held = false;
        var heldSince = 0L;
        // A first round at once: the gate's connection is proven and sale:confirmed raised before the first outcomes.
        var markBehind = true;
        while (!_stopping.IsCancellationRequested)
        {
            var asked = await _asked.WaitAsync(markBehind ? TrailingMarkDelay : Timeout.InfiniteTimeSpan, _stopping.Token);
            var callers = TakeWaiting();
            if (!asked && callers.Count == 0)
            {
                // Outcomes written in the millisecond of the last probe are not covered by it: one more round once
                // things are quiet carries sale:confirmed past the last of them, so stream readers are not left waiting.
                markBehind = false;
                if (await RunRoundAsync() is { Confirmed: true } trailing)
                {
                    RaiseMark(trailing.ProbedAt);
                }

                continue;
            }

            string? server = null;
            while (callers.Count > 0 && !_stopping.IsCancellationRequested)
            {
                var round = await RunRoundAsync();
                server ??= round.Server;
                if (round.Lost is null && round.Server != server)
                {
                    // Held callers stored or read their answers on the server of the first round; another server
                    // (a promoted replica, a restarted Redis) may lack them, however many replicas it has.
                    round = Round.Gone(new AnswerNotConfirmedException(
                        "The Redis primary changed while answers waited for replicas; they are asked again of the new primary."));
                }

                if (round.Confirmed)
                {
                    foreach (var caller in callers)
                    {
                        if (caller.Server is null || caller.Server == round.Server)
                        {
                            caller.Answer.TrySetResult();
                        }
                        else
                        {
                            // Read from a server the gate no longer talks to (a stale primary, or the old one before
                            // the connection moved): replicas of this one say nothing about it.
                            caller.Answer.TrySetException(new AnswerNotConfirmedException(
                                "The outcome was read from a Redis server that is no longer the primary; it is asked again."));
                        }
                    }

                    if (held)
                    {
                        held = false;
                        LogReleased(TimeSpan.FromMilliseconds(Environment.TickCount64 - heldSince), _replicas);
                    }

                    // Raised by the next probe, or by the quiet round if none comes soon.
                    _unraisedMark = round.ProbedAt;
                    markBehind = true;
                    break;
                }

                if (round.Lost is { } lost)
                {
                    FailAll(callers, lost);
                    break;
                }

                if (!held)
                {
                    held = true;
                    heldSince = Environment.TickCount64;
                    LogHeld(round.Acknowledged, _replicas, _wait);
                }

                // Whoever asked meanwhile joins: the next probe comes after their calls too.
                callers.AddRange(TakeWaiting());
            }
        }
    }

    private async Task<Round> RunRoundAsync()
    {
        var database = _connection.GetDatabase();
        var nonce = Guid.NewGuid().ToString("N");
        try
        {
            var mark = _unraisedMark ?? string.Empty;
            _unraisedMark = null;
            var probed = (RedisResult[])(await PopupScripts.ConfirmProbe.EvaluateAsync(
                database, [_probe, RedisKeys.Confirmed], [nonce, (long)ProbeLifetime.TotalMilliseconds, mark]))!;
            var probedAt = (string?)probed[0];
            var server = (string?)probed[1];

            // Sent together: the read of the probe must run right after the WAIT, on the same connection.
            var wait = database.ExecuteAsync("WAIT", _replicas, (long)_wait.TotalMilliseconds);
            var probe = database.StringGetAsync(_probe);
            var acknowledged = (long)await wait;
            var found = await probe;
            if (found != nonce)
            {
                return Round.Gone(new AnswerNotConfirmedException(
                    "The Redis primary changed before the answers reached a replica; they are asked again of the new primary."));
            }

            return acknowledged >= _replicas ? Round.Done(probedAt, server) : Round.Short(acknowledged, server);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Round.Gone(new AnswerNotConfirmedException($"Answers could not be confirmed on a replica: {ex.Message}"));
        }
    }

    private void RaiseMark(string? probedAt)
    {
        if (string.IsNullOrEmpty(probedAt))
        {
            return;
        }

        // Not awaited by anyone: a mark that fails to rise only makes stream readers wait for the next round.
        _ = PopupScripts.RaiseConfirmed.EvaluateAsync(_connection.GetDatabase(), [RedisKeys.Confirmed], [probedAt])
            .ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    private List<Caller> TakeWaiting()
    {
        lock (_lock)
        {
            var taken = _waiting;
            _waiting = [];
            return taken;
        }
    }

    private static void FailAll(List<Caller> callers, Exception error)
    {
        foreach (var caller in callers)
        {
            caller.Answer.TrySetException(error);
        }
    }

    private sealed record Caller(string? Server, TaskCompletionSource Answer);

    private readonly record struct Round(bool Confirmed, string? ProbedAt, long Acknowledged, string? Server, Exception? Lost)
    {
        public static Round Done(string? probedAt, string? server) => new(true, probedAt, 0, server, null);

        public static Round Short(long acknowledged, string? server) => new(false, null, acknowledged, server, null);

        public static Round Gone(Exception lost) => new(false, null, 0, null, lost);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answers held: {Acknowledged} of {Required} replicas acknowledged within {Wait}; buyers wait until replicas catch up")]
    private partial void LogHeld(long acknowledged, int required, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answers released after {Held}: {Required} replicas acknowledge again")]
    private partial void LogReleased(TimeSpan held, int required);
}
