using PopupStore.Core.Orders;

namespace PopupStore.Bench;

/// <summary>The crowd every measurement uses: same buyers, units and duplicate share.</summary>
public sealed record BenchScenario(int Buyers, long Units, double DuplicateRatio, TimeSpan SteadyDuration, int Seed = 1)
{
    /// <summary>
    /// The orders of the crowd as requests, for measurements that skip the streams. Orders are judged by
    /// their arrival, so their entry ids say they arrived at <paramref name="arrivedAtMs"/>, inside the sale.
    /// </summary>
    public IEnumerable<OrderRequest> Orders(string prefix, long arrivedAtMs)
    {
        var random = new Random(Seed);
        var sequence = 0;
        for (var buyer = 0; buyer < Buyers; buyer++)
        {
            var count = random.NextDouble() < DuplicateRatio ? random.Next(2, 4) : 1;
            for (var k = 0; k < count; k++)
            {
                yield return new OrderRequest($"{prefix}-{buyer}-{k}", $"{prefix}-c{buyer}", string.Empty, $"{arrivedAtMs}-{sequence++}");
            }
        }
    }
}
