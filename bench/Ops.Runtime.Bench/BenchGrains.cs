namespace Ops.Runtime.Bench;

public interface IPingGrain : IGrainWithIntegerKey
{
    Task<int> Ping(int value);
}

/// <summary>The smallest useful grain: a call in, a result out, no state.</summary>
[GrainType("bench.ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value + 1);
}

public sealed class WriterState
{
    public long Writes { get; set; }

    public string Note { get; set; } = "a small state, as an ops grain would keep";
}

public interface IWriterGrain : IGrainWithIntegerKey
{
    Task Write();
}

/// <summary>Writes its state on every call: one fenced write per call.</summary>
[GrainType("bench.writer")]
public sealed class WriterGrain([PersistentState("state")] IPersistentState<WriterState> state) : Grain, IWriterGrain
{
    public async Task Write()
    {
        state.State.Writes++;
        await state.WriteStateAsync();
    }
}

public interface IRecipientGrain : IGrainWithStringKey
{
    Task<long> Applied();
}

/// <summary>Applies inbox records to its state (one fenced write per record, carrying the cursor).</summary>
[GrainType("bench.recipient")]
public sealed class RecipientGrain([PersistentState("state")] IPersistentState<WriterState> state) : Grain, IRecipientGrain, IInboxRecipient
{
    public Task<long> Applied() => Task.FromResult(state.State.Writes);

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        state.State.Writes++;
        await state.WriteStateAsync(cancellationToken);
    }
}
