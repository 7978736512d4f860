namespace PopupStore.Core.Redis;

/// <summary>
/// The connection string the process' shared multiplexer was opened with, for the parts that need a connection of
/// their own to the same servers (the durable-answer gate's WAIT blocks the connection it runs on).
/// </summary>
public sealed record RedisConnectionString(string Value);
