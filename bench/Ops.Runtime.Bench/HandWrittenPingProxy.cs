using Ops.Runtime.Messaging;

namespace Ops.Runtime.Bench;

/// <summary>
/// What a source generator would emit for <see cref="IPingGrain"/>: a typed class that builds the call without
/// DispatchProxy's MethodInfo lookup. Measured side by side with the DispatchProxy reference to decide whether a
/// generator is worth having.
/// </summary>
internal sealed class HandWrittenPingProxy(GrainMethod ping, GrainCallSender sender, Catalog.GrainClassInfo grainClass, GrainId grainId) : IPingGrain
{
    public Task<int> Ping(int value) => (Task<int>)ping.Call(sender, grainId, grainClass, [value]);
}
