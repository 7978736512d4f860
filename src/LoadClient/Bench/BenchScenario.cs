using PopupStore.Core.Orders;

namespace PopupStore.LoadClient.Bench;

/// <summary>The crowd every measurement uses: same buyers, units and duplicate share.</summary>
public sealed record BenchScenario(int Buyers, long Units, double DuplicateRatio, TimeSpan SteadyDuration, int Seed = 1)
{
    /// <summary>The orders of the crowd as requests, for measurements that skip the streams.</summary>
    public IEnumerable<OrderRequest> Orders(string prefix)
    {
        var random = new Random(Seed);
        for (var buyer = 0; buyer < Buyers; buyer++)
        {
            var count = random.NextDouble() < DuplicateRatio ? random.Next(2, 4) : 1;
            for (var k = 0; k < count; k++)
            {
                yield return new OrderRequest($"{prefix}-{buyer}-{k}", $"{prefix}-c{buyer}", string.Empty, $"{1_700_000_000_000 + buyer}-{k}");
            }
        }
    }
}
