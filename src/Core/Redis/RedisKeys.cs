using System.Text;
using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>
/// The Redis key contract (docs/redis-contract.md). Grafana panels, the Gears script and foreign producers
/// read these names, so they never change without changing the contract.
/// </summary>
public static class RedisKeys
{
    public static readonly RedisKey Product = "product";
    public static readonly RedisKey Customers = "queue:customers";
    public static readonly RedisKey Orders = "queue:orders";
    public static readonly RedisKey Complete = "queue:complete";
    public static readonly RedisKey Rejected = "queue:rejected";
    public static readonly RedisKey Sale = "sale";
    public static readonly RedisKey Buyers = "sale:buyers";

    /// <summary>
    /// An order (see <see cref="AnswerField"/>) to its outcome: the exactly-once guard. An order without a usable
    /// order id is kept under its entry id.
    /// </summary>
    public static readonly RedisKey Answered = "sale:answered";

    /// <summary>Outcome counters (completed, rejected:&lt;reason&gt;) so status never scans a stream.</summary>
    public static readonly RedisKey Counts = "sale:counts";

    /// <summary>
    /// A counter every new sale increments and nothing deletes: the sale's generation, which orders
    /// carry from the moment they are read so an order of an earlier sale never touches a new one.
    /// </summary>
    public static readonly RedisKey Generation = "sale:generation";

    /// <summary>Every order the storefront took (field as in <see cref="AnswerField"/>) to its entry id in queue:orders.</summary>
    public static readonly RedisKey WebOrders = "sale:web-orders";

    /// <summary>
    /// A time on Redis' clock (ms): every queue:complete and queue:rejected entry dated before it is on the replicas the
    /// durable-answer gate requires, so a stream reader that tells buyers tells only those (docs/guarantees.md). The
    /// completion script creates it (at 0) in the same step as any outcome it writes while answers are durable, so it
    /// exists whenever such an outcome does; a new sale clears it with the outcomes.
    /// </summary>
    public static readonly RedisKey Confirmed = "sale:confirmed";

    /// <summary>The probe key of one durable-answer gate (one per silo process); it expires on its own.</summary>
    public static RedisKey Confirming(string gate) => "sale:confirming:" + gate;

    public const string ConsumerGroup = "popup";

    /// <summary>
    /// The field of an order in <see cref="Answered"/> and <see cref="WebOrders"/>: an order is its customer's, so
    /// its identity is the pair, written <c>&lt;bytes of the customer id&gt;:&lt;customer id&gt;:&lt;order id&gt;</c>
    /// (the length keeps ids holding ':' apart). The scripts build the same field (docs/redis-contract.md).
    /// </summary>
    public static string AnswerField(string customerId, string orderId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(customerId)}:{customerId}:{orderId}");

    /// <summary>What a sale produced: every new sale starts with these cleared.</summary>
    public static readonly RedisKey[] Outcomes = [Buyers, Answered, Counts, Complete, Rejected, WebOrders, Confirmed];

    /// <summary>The queues: a forced start or a reset clears these too.</summary>
    public static readonly RedisKey[] Queues = [Orders, Customers];

    /// <summary>Every key a reset clears (the generation counter stays, so generations never repeat).</summary>
    public static readonly RedisKey[] SaleData = [.. Outcomes, .. Queues];
}
