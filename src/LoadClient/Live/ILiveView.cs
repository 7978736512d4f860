namespace PopupStore.LoadClient.Live;

/// <summary>Shows samples until <c>stop</c> is cancelled, then shows the last one and returns.</summary>
public interface ILiveView
{
    Task RunAsync(LiveSampler sampler, CancellationToken stop);
}
