namespace PopupStore.OrleansFloor;

/// <summary>
/// What one run measured. <c>New</c>: each call met a customer grain that did not exist yet (an activation per
/// call, as every first-time customer of a sale costs a silo); <c>Warm</c>: the same calls again, grains active.
/// CPU is the whole process's (user + system) over each phase, per call.
/// </summary>
public sealed record FloorResult(
    int Calls,
    int BatchSize,
    double NewCallsPerSecond,
    double NewCpuMicrosecondsPerCall,
    double WarmCallsPerSecond,
    double WarmCpuMicrosecondsPerCall,
    long Activations,
    int NewPhaseGen0,
    int NewPhaseGen1,
    int NewPhaseGen2);
