namespace PopupStore.FaultTests.Failover;

/// <summary>The failover scenarios run six Redis processes and silo processes each: never beside other heavy tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FailoverCollection
{
    public const string Name = "redis failover";
}
