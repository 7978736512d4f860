using Microsoft.Extensions.Logging.Abstractions;
using PopupStore.Core.Durability;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.Tests.Durability;

/// <summary>
/// The durable-answer gate against a real primary and a real replica: an outcome is handed out only once the replica
/// holds it, a primary without good replicas decides nothing, and answers whose server went away are not confirmed.
/// </summary>
public sealed class AnswerDurabilityTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(100);

    [Theory]
    [MemberData(nameof(RedisVersions.Both), MemberType = typeof(RedisVersions))]
    public async Task An_answer_is_handed_out_with_the_replica_holding_it_and_the_stream_mark_follows(string version)
    {
        await using var pair = await PrimaryWithReplica.StartAsync(version);
        await using var redis = await pair.Primary.ConnectAsync();
        await using var replica = await pair.Replica.ConnectAsync();
        await using var durability = On(redis, pair.Primary);
        await new SaleStore(redis).StartAsync(10, TimeSpan.FromMinutes(1), force: false);

        var outcome = await new OrderCompleter(redis, durability).CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));

        Assert.Equal(OrderResult.Complete, outcome.Result);
        Assert.Equal("complete", (string?)await replica.GetDatabase().HashGetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "o1")));
        var entry = (string)(await redis.GetDatabase().StreamRangeAsync(RedisKeys.Complete)).Single().Id!;
        var dated = long.Parse(entry.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        await Eventually(
            async () => (long?)await redis.GetDatabase().StringGetAsync(RedisKeys.Confirmed) > dated,
            "sale:confirmed never passed the sale's queue:complete entry");
    }

    [Theory]
    [MemberData(nameof(RedisVersions.Both), MemberType = typeof(RedisVersions))]
    public async Task No_answer_goes_out_while_the_replica_is_frozen_and_it_goes_out_when_the_replica_returns(string version)
    {
        await using var pair = await PrimaryWithReplica.StartAsync(version);
        await using var redis = await pair.Primary.ConnectAsync();
        await using var durability = On(redis, pair.Primary);
        await new SaleStore(redis).StartAsync(10, TimeSpan.FromMinutes(1), force: false);
        var completer = new OrderCompleter(redis, durability);
        await completer.CompleteAsync(new OrderRequest("warm", "warm", string.Empty, Arrivals.Now(0)));

        pair.Replica.Pause();
        Task<OrderOutcome> held;
        try
        {
            held = completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));
            await Eventually(async () => await redis.GetDatabase().HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "o1")), "the order was never decided");
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(held.IsCompleted, "an answer went out while the only replica was frozen");
        }
        finally
        {
            pair.Replica.Resume();
        }

        var outcome = await held.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(OrderResult.Complete, outcome.Result);
    }

    [Theory]
    [MemberData(nameof(RedisVersions.Both), MemberType = typeof(RedisVersions))]
    public async Task A_primary_without_a_good_replica_decides_nothing(string version)
    {
        // A lone server stands for a stale primary whose replicas left it: Redis 6.2 would run the script's writes
        // even with min-replicas-to-write set, so the script fences itself.
        await using var lone = await RedisVersions.StartAsync(version);
        await using var redis = await lone.ConnectAsync();
        await using var durability = On(redis, lone);
        await new SaleStore(redis).StartAsync(10, TimeSpan.FromMinutes(1), force: false);

        var refused = await Assert.ThrowsAsync<RedisServerException>(() =>
            new OrderCompleter(redis, durability).CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1))));

        Assert.Contains("NOREPLICAS", refused.Message, StringComparison.Ordinal);
        Assert.True(ScriptErrors.IsRedisCondition(refused), refused.Message);
        var db = redis.GetDatabase();
        Assert.Equal(0, await db.HashLengthAsync(RedisKeys.Answered));
        Assert.Equal(10, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Complete));
    }

    [Fact]
    public async Task Answers_held_when_their_primary_dies_are_not_confirmed_but_failed_for_a_retry()
    {
        await using var pair = await PrimaryWithReplica.StartAsync("7");
        await using var redis = await pair.Primary.ConnectAsync();
        await using var durability = On(redis, pair.Primary);
        await new SaleStore(redis).StartAsync(10, TimeSpan.FromMinutes(1), force: false);
        var completer = new OrderCompleter(redis, durability);
        await completer.CompleteAsync(new OrderRequest("warm", "warm", string.Empty, Arrivals.Now(0)));

        pair.Replica.Pause();
        try
        {
            var held = completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.False(held.IsCompleted);

            // The primary dies with the answer only it had, and comes back empty (no AOF): the answer no longer
            // exists, so telling it would tell a buyer something no server holds.
            await pair.Primary.RestartAsync();
            await Assert.ThrowsAsync<AnswerNotConfirmedException>(() => held.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            pair.Replica.Resume();
        }
    }

    [Fact]
    public async Task An_outcome_read_from_another_server_is_not_confirmed_by_this_one()
    {
        await using var pair = await PrimaryWithReplica.StartAsync("7");
        await using var redis = await pair.Primary.ConnectAsync();
        await using var durability = On(redis, pair.Primary);

        // What a read on a stale primary reports: a replication id other than the one the gate's rounds run on.
        await Assert.ThrowsAsync<AnswerNotConfirmedException>(async () => await durability.ConfirmAsync("0000000000000000000000000000000000000000"));
        var own = (string)(await redis.GetDatabase().ExecuteAsync("INFO", "replication"))!;
        await durability.ConfirmAsync(System.Text.RegularExpressions.Regex.Match(own, "master_replid:(\\w+)").Groups[1].Value);
    }

    [Fact]
    public async Task The_storefront_reads_outcomes_with_the_id_of_their_server_and_takes_orders_through_the_gate()
    {
        await using var pair = await PrimaryWithReplica.StartAsync("6.2");
        await using var redis = await pair.Primary.ConnectAsync();
        await using var durability = On(redis, pair.Primary);
        await new SaleStore(redis).StartAsync(10, TimeSpan.FromMinutes(1), force: false);
        var completer = new OrderCompleter(redis, durability);
        var taken = await completer.CompleteAsync(OrderRequest.Storefront("o1", "c1"));
        var store = new PopupStore.Grains.Storefront.WebOrderStore(redis, durability);

        var answers = await store.AnswersAsync([RedisKeys.AnswerField("c1", "o1"), RedisKeys.AnswerField("c2", "o2")]);
        var lookup = await store.LookupAsync("c1", "o1");
        var replay = await completer.CompleteAsync(OrderRequest.Storefront("o1", "c1"));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), taken);
        Assert.Equal([OrderResult.Complete, null], answers);
        Assert.Equal(OrderResult.Complete, lookup.Result);
        Assert.True(lookup.Taken);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), replay);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Auto_is_on_exactly_when_the_primary_has_a_replica(bool withReplica)
    {
        await using var pair = withReplica ? await PrimaryWithReplica.StartAsync("7") : null;
        await using var lone = withReplica ? null : await RedisVersions.StartAsync("7");
        var primary = pair?.Primary ?? lone!;

        // As the silos connect: not in admin mode, where the client refuses to send INFO itself.
        await using var redis = await RedisConnector.ConnectAsync(primary.ConnectionString);

        await using var durability = new AnswerDurability(redis, primary.ConnectionString, DurabilityMode.Auto, 1, Wait, NullLogger.Instance);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(withReplica, durability.IsOn);
        Assert.Equal(withReplica ? 1 : 0, durability.RequiredReplicas);
    }

    [Fact]
    public void Auto_counts_the_connected_replicas_of_an_info_reply()
    {
        Assert.Equal(2, AnswerDurability.ConnectedReplicas("# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1\r\n"));
        Assert.Null(AnswerDurability.ConnectedReplicas("# Replication\r\nrole:slave\r\n"));
    }

    private static AnswerDurability On(IConnectionMultiplexer redis, RedisProcess primary) =>
        new(redis, primary.ConnectionString, DurabilityMode.On, 1, Wait, NullLogger.Instance);

    private static async Task Eventually(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
