namespace PopupStore.Core.Durability;

/// <summary>Whether buyers are told an outcome only once a replica holds it (docs/guarantees.md).</summary>
public enum DurabilityMode
{
    /// <summary>On when the connection names Sentinels or the primary has a replica; off on a lone Redis.</summary>
    Auto,

    /// <summary>Always on: with no replica attached, answers wait until one is.</summary>
    On,

    /// <summary>Answers go out as soon as the primary stored them; a failover can lose answered sales.</summary>
    Off,
}
