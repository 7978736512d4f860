namespace PopupStore.Core.Redis;

/// <summary>Redis cannot be used as configured; the message is meant for an operator, as is.</summary>
public sealed class RedisSetupException(string message, Exception? inner = null) : Exception(message, inner);
