using System.Globalization;
using System.Text.RegularExpressions;

namespace PopupStore.Bench;

/// <summary>
/// The silos' garbage-collection pauses over one crowd, from their <c>popupstore_gc_pause_milliseconds</c> histograms
/// read before and after it: the steady crowd's tail is made of these pauses (docs/decisions.md).
/// </summary>
/// <param name="Count">Pauses in the crowd, all silos together.</param>
/// <param name="LongestAtMostMs">The histogram bucket the longest pause fell in (its upper bound; null past the last bound).</param>
/// <param name="TotalMs">The pauses' total, all silos together.</param>
public sealed partial record GcPauses(long Count, double? LongestAtMostMs, double TotalMs)
{
    /// <summary>Cumulative bucket counts (all generations added) and the sum, from one silo's Prometheus text.</summary>
    public sealed record Snapshot(IReadOnlyDictionary<double, long> Buckets, double SumMs)
    {
        /// <summary>Null when the text has no such histogram (a silo of a build before it).</summary>
        public static Snapshot? Parse(string metrics)
        {
            var buckets = new Dictionary<double, long>();
            double sum = 0;
            var found = false;
            foreach (var line in metrics.Split('\n'))
            {
                if (BucketLine().Match(line) is { Success: true } bucket)
                {
                    var bound = bucket.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Groups["le"].Value, CultureInfo.InvariantCulture);
                    buckets[bound] = buckets.GetValueOrDefault(bound) + (long)double.Parse(bucket.Groups["value"].Value, CultureInfo.InvariantCulture);
                    found = true;
                }
                else if (SumLine().Match(line) is { Success: true } total)
                {
                    sum += double.Parse(total.Groups["value"].Value, CultureInfo.InvariantCulture);
                    found = true;
                }
            }

            return found ? new Snapshot(buckets, sum) : null;
        }

        public static Snapshot Add(IEnumerable<Snapshot> silos)
        {
            var buckets = new Dictionary<double, long>();
            double sum = 0;
            foreach (var silo in silos)
            {
                foreach (var (bound, count) in silo.Buckets)
                {
                    buckets[bound] = buckets.GetValueOrDefault(bound) + count;
                }

                sum += silo.SumMs;
            }

            return new Snapshot(buckets, sum);
        }
    }

    /// <summary>The pauses between two readings of the same silos.</summary>
    public static GcPauses Between(Snapshot before, Snapshot after)
    {
        long Delta(double bound) => after.Buckets.GetValueOrDefault(bound) - before.Buckets.GetValueOrDefault(bound);
        var count = Delta(double.PositiveInfinity);
        // Buckets are cumulative: the first bound that holds every pause of the crowd is where the longest one fell.
        double? longest = count == 0
            ? 0
            : after.Buckets.Keys.Where(b => !double.IsInfinity(b) && Delta(b) == count).Order().Select(b => (double?)b).FirstOrDefault();
        return new GcPauses(count, longest, Math.Max(0, after.SumMs - before.SumMs));
    }

    [GeneratedRegex(@"^popupstore_gc_pause_milliseconds_bucket\{[^}]*le=""(?<le>[^""]+)""[^}]*\}\s+(?<value>\S+)")]
    private static partial Regex BucketLine();

    [GeneratedRegex(@"^popupstore_gc_pause_milliseconds_sum(\{[^}]*\})?\s+(?<value>\S+)")]
    private static partial Regex SumLine();
}
