using StackExchange.Redis;

namespace PopupStore.Core.Scripts;

/// <summary>The product's Lua scripts, read once per process from the embedded resources.</summary>
public static class PopupScripts
{
    public static RedisScript CompleteOrders { get; } = RedisScript.FromResource("complete_orders.lua");

    public static RedisScript StartSale { get; } = RedisScript.FromResource("start_sale.lua");

    public static RedisScript CloseSale { get; } = RedisScript.FromResource("close_sale.lua");

    public static RedisScript AckOrders { get; } = RedisScript.FromResource("ack_orders.lua");

    public static RedisScript RemoveConsumer { get; } = RedisScript.FromResource("remove_consumer.lua");

    /// <summary>Snapshot of the queue streams' counters for the cluster's time series writer.</summary>
    public static RedisScript StreamCounters { get; } = RedisScript.FromResource("stream_counters.lua");

    /// <summary>The durable-answer gate's probe: written after the answers it confirms.</summary>
    public static RedisScript ConfirmProbe { get; } = RedisScript.FromResource("confirm_probe.lua");

    /// <summary>Raises sale:confirmed, the stream readers' mark of replicated answers.</summary>
    public static RedisScript RaiseConfirmed { get; } = RedisScript.FromResource("raise_confirmed.lua");

    /// <summary>Outcomes with the replication id of the server holding them, while answers are durable.</summary>
    public static RedisScript ReadAnswers { get; } = RedisScript.FromResource("read_answers.lua");

    /// <summary>INFO replication, for connections that are not in admin mode.</summary>
    public static RedisScript ReplicationInfo { get; } = RedisScript.FromResource("replication_info.lua");

    public static IReadOnlyList<RedisScript> All { get; } =
        [CompleteOrders, StartSale, CloseSale, AckOrders, RemoveConsumer, StreamCounters, ConfirmProbe, RaiseConfirmed, ReadAnswers, ReplicationInfo];

    public static async Task LoadAllAsync(IConnectionMultiplexer multiplexer)
    {
        foreach (var script in All)
        {
            await script.LoadAsync(multiplexer);
        }
    }
}
