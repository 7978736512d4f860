using PopupStore.Core.Redis;

namespace PopupStore.Tests.Redis;

/// <summary>Stream entry ids as tickets and arrival times: what is one, and what its milliseconds are.</summary>
public sealed class StreamIdsTests
{
    [Theory]
    [InlineData("1-0", 1UL, 0UL)]
    [InlineData("1700000000000-5", 1700000000000UL, 5UL)]
    [InlineData("18446744073709551615-18446744073709551615", ulong.MaxValue, ulong.MaxValue)]   // 41 characters: the longest id
    public void Valid_ids_parse_into_milliseconds_and_sequence(string id, ulong milliseconds, ulong sequence)
    {
        Assert.True(StreamIds.TryParse(id, out var ms, out var seq));
        Assert.Equal((milliseconds, sequence), (ms, seq));
        Assert.True(StreamIds.IsValid(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("-5")]
    [InlineData("5-")]
    [InlineData("-")]
    [InlineData("a-1")]
    [InlineData("1-b")]
    [InlineData("+1-2")]
    [InlineData("1-2-3")]
    [InlineData("18446744073709551616-0")]                        // above ulong
    [InlineData("018446744073709551615-18446744073709551615")]    // 42 characters
    public void Anything_else_is_not_an_id(string? id)
    {
        Assert.False(StreamIds.TryParse(id, out _, out _));
        Assert.False(StreamIds.IsValid(id));
        Assert.Null(StreamIds.Milliseconds(id));
    }

    [Theory]
    [InlineData("1700000000123-7", 1700000000123L)]
    [InlineData("9223372036854775807-0", long.MaxValue)]
    public void Milliseconds_are_the_ids_time_part(string id, long expected) =>
        Assert.Equal(expected, StreamIds.Milliseconds(id));

    [Fact]
    public void Milliseconds_beyond_a_long_are_not_a_time() =>
        Assert.Null(StreamIds.Milliseconds("9223372036854775808-0"));
}
