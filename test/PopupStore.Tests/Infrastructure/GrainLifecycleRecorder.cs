using System.Collections.Concurrent;
using Orleans.Runtime.Diagnostics;

namespace PopupStore.Tests.Infrastructure;

/// <summary>
/// Orleans' own activation and deactivation events of the grains a test picks, with the silo each happened on, read
/// from the runtime's diagnostic listener while the recorder is subscribed. The in-process test silos share it.
/// </summary>
public sealed class GrainLifecycleRecorder : IObserver<GrainLifecycleEvents.LifecycleEvent>, IDisposable
{
    private readonly Func<GrainId, bool> _picks;
    private readonly Action<GrainId, SiloAddress>? _onActivated;
    private readonly IDisposable _subscription;

    /// <param name="onActivated">Runs on the silo's thread as an activation completes, before it takes its first call.</param>
    public GrainLifecycleRecorder(Func<GrainId, bool> picks, Action<GrainId, SiloAddress>? onActivated = null)
    {
        _picks = picks;
        _onActivated = onActivated;
        _subscription = GrainLifecycleEvents.AllEvents.Subscribe(this);
    }

    public ConcurrentQueue<(GrainId Grain, SiloAddress Silo)> Activated { get; } = new();

    public ConcurrentQueue<(GrainId Grain, SiloAddress Silo, DeactivationReasonCode Reason)> Deactivated { get; } = new();

    public void OnNext(GrainLifecycleEvents.LifecycleEvent value)
    {
        var address = value.GrainContext.Address;
        if (!_picks(address.GrainId) || address.SiloAddress is not { } silo)
        {
            return;
        }

        switch (value)
        {
            case GrainLifecycleEvents.Activated:
                _onActivated?.Invoke(address.GrainId, silo);
                Activated.Enqueue((address.GrainId, silo));
                break;
            case GrainLifecycleEvents.Deactivated deactivated:
                Deactivated.Enqueue((address.GrainId, silo, deactivated.Reason.ReasonCode));
                break;
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose() => _subscription.Dispose();
}
