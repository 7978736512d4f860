using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// A token bucket per key (a customer id, a client address): <c>burst</c> at once, then one per <c>interval</c>. Each
/// bucket is one number, the moment it is full again (the generic cell rate algorithm), in a table of plain structs
/// keyed by a seeded 64-bit hash of the key. A flash crowd is a stream of keys never seen before: ASP.NET Core's
/// partitioned limiter gave each one a limiter object with a timer of its own, kept ten seconds, and the silo paid for
/// them in CPU per storefront order (docs/decisions.md). Here a key costs a slot
/// nobody collects, reused as soon as its bucket is full, and no timer.
/// A key is looked for in a neighbourhood of <see cref="Ways"/> slots. When every one of them holds a key whose
/// bucket is not yet full (far more keys active at once than the table has room for), a new key is let through
/// without being recorded: its bucket was full anyway, and a limit is for one key asking again and again, which
/// keeps its slot.
/// </summary>
public sealed class TokenBuckets
{
    /// <summary>Slots of the default table: 4 MiB, room for far more keys than are active within one refill.</summary>
    public const int DefaultCapacity = 1 << 18;

    private const int Ways = 8;

    private readonly TimeProvider _time;
    private readonly Slot[] _slots = [];
    private readonly int _mask;
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly long _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
    private readonly Lock _lock = new();

    /// <param name="interval">Time to refill one token; zero turns the limit off.</param>
    /// <param name="burst">Tokens a full bucket holds, at least 1.</param>
    /// <param name="capacity">Slots in the table: a power of two, at least <see cref="Ways"/>.</param>
    public TokenBuckets(TimeSpan interval, int burst, TimeProvider time, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        if (capacity < Ways || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"A power of two, at least {Ways}.");
        }

        _time = time;
        if (interval > TimeSpan.Zero)
        {
            _slots = new Slot[capacity];
            _mask = capacity - 1;
            _interval = Math.Max(1, (long)(interval.TotalSeconds * time.TimestampFrequency));
            // A burst too large to count in timestamp ticks is as good as no limit; capped so sums cannot overflow.
            _tolerance = burst - 1 > long.MaxValue / 4 / _interval ? long.MaxValue / 4 : _interval * (burst - 1);
        }
    }

    /// <summary>Takes a token of the key's bucket, or says how long until one is there.</summary>
    public TokenAdmission TryTake(string key)
    {
        if (_interval == 0)
        {
            return TokenAdmission.Allowed;
        }

        // Zero marks a slot never used, so no key hashes to it.
        var hash = (long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()), _seed) | 1;
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var home = (int)((ulong)hash >> 32) & _mask;
            var own = -1;
            var free = -1;
            for (var way = 0; way < Ways; way++)
            {
                var index = (home + way) & _mask;
                ref var slot = ref _slots[index];
                if (slot.Hash == hash)
                {
                    own = index;
                    break;
                }

                if (free < 0 && (slot.Hash == 0 || slot.FullAt <= now))
                {
                    free = index;
                }
            }

            // The moment the bucket would be full again; now or earlier means full.
            var fullAt = own >= 0 ? Math.Max(_slots[own].FullAt, now) : now;
            if (fullAt - now > _tolerance)
            {
                return TokenAdmission.Wait(TimeSpan.FromSeconds((double)(fullAt - now - _tolerance) / _time.TimestampFrequency));
            }

            var target = own >= 0 ? own : free;
            if (target >= 0)
            {
                _slots[target] = new Slot(hash, fullAt + _interval);
            }

            return TokenAdmission.Allowed;
        }
    }

    private readonly record struct Slot(long Hash, long FullAt);
}
