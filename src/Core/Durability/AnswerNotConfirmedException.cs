using StackExchange.Redis;

namespace PopupStore.Core.Durability;

/// <summary>
/// Answers could not be confirmed on a replica because the server that stored them is gone or no longer the
/// primary: they may be lost. A Redis condition, never an order's fault; the caller completes the orders again,
/// and the primary that now serves decides or replays them.
/// </summary>
public sealed class AnswerNotConfirmedException(string message) : RedisException(message);
