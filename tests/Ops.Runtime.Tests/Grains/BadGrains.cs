using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests.BadGrains;

// Grains that break the programming model's rules, for the start-up validation tests. Never hosted.
public interface ISyncGrain : IGrainWithStringKey
{
    int Compute();
}

[GrainType("bad.sync")]
public sealed class SyncGrain : Grain, ISyncGrain
{
    public int Compute() => 1;
}

public interface IUnnamedGrain : IGrainWithStringKey
{
    Task Do();
}

public sealed class UnnamedGrain : Grain, IUnnamedGrain
{
    public Task Do() => Task.CompletedTask;
}

[Reentrant]
[GrainType("bad.reentrant-recipient")]
public sealed class ReentrantRecipient : Grain, IInboxRecipient
{
    public Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken) => Task.CompletedTask;
}

[StatelessWorker]
[GrainType("bad.stateful-worker")]
public sealed class StatefulWorker([PersistentState("s")] IPersistentState<CounterState> state) : Grain
{
    public int Value => state.State.Value;
}
