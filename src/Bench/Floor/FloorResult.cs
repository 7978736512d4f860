namespace PopupStore.Bench.Floor;

/// <summary>
/// What one run measured. <c>New</c>: each call met a customer grain that did not exist yet (an activation per
/// call, as every first-time customer of a sale costs a silo) and was answered at once; <c>NewWaiting</c>: the same,
/// with the grain waiting inside its turn for a batched answer, as the real customer grain waits for its script;
/// <c>Warm</c>: the first kind of call again, grains active. CPU is the whole process's (user + system), per call.
/// </summary>
public sealed record FloorResult(
    int Calls,
    int BatchSize,
    double NewCallsPerSecond,
    double NewCpuMicrosecondsPerCall,
    double NewWaitingCallsPerSecond,
    double NewWaitingCpuMicrosecondsPerCall,
    double WarmCallsPerSecond,
    double WarmCpuMicrosecondsPerCall,
    long Activations,
    int NewPhasesGen0,
    int NewPhasesGen1,
    int NewPhasesGen2);
