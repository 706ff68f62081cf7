using Ops.Runtime;

namespace Ops.Cluster.Bench;

public sealed class CounterState
{
    public long Value { get; set; }
}

public interface IClusterCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and writes the state (a fenced write) before answering: an acknowledged increment is durable.</summary>
    Task<long> Increment();

    Task<long> Get();

    /// <summary>No state, no I/O: measures the call path (local or forwarded) only.</summary>
    Task<int> Ping(int value);
}

[GrainType("bench.cluster-counter")]
public sealed class ClusterCounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, IClusterCounterGrain
{
    public async Task<long> Increment()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<long> Get() => Task.FromResult(state.State.Value);

    public Task<int> Ping(int value) => Task.FromResult(value + 1);
}
