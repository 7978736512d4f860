using PopupStore.Grains.Orders;

namespace PopupStore.Tests.Orders;

public sealed class ProcessingOptionsTests
{
    [Fact]
    public void The_defaults_leave_a_slow_grain_call_time_to_finish_before_its_batch_can_be_claimed()
    {
        Assert.Empty(new OrderProcessingOptions().Validate(TimeSpan.FromSeconds(3)));
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(2, 3)]
    [InlineData(3, 2.6)]
    public void A_claim_idle_time_not_longer_than_a_grain_call_and_a_retry_is_refused(double claimSeconds, double responseSeconds)
    {
        var options = new OrderProcessingOptions { ClaimIdleTime = TimeSpan.FromSeconds(claimSeconds) };

        var problem = Assert.Single(options.Validate(TimeSpan.FromSeconds(responseSeconds)));

        Assert.StartsWith("Processing:ClaimIdleTime", problem, StringComparison.Ordinal);
        Assert.Contains("ResponseTimeout", problem, StringComparison.Ordinal);
    }
}
