using Ops.Runtime;

namespace Ops.Silo.Samples;

/// <summary>The stored value of a sample counter.</summary>
public sealed class SampleCounterState
{
    public long Value { get; set; }

    public DateTimeOffset? LastChangedAt { get; set; }
}

/// <summary>A sample grain that shows the runtime working: a durable counter reachable over HTTP.</summary>
public interface ISampleCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="amount"/> and returns the new value once it is durable.</summary>
    Task<SampleCounterState> Add(long amount);

    Task<SampleCounterState> Get();
}

/// <summary>
/// A newcomer's first grain: one activation per counter name, state written through the fenced store, and inbox
/// records ("add N") applied exactly once. Remove it once real grains are hosted.
/// </summary>
[GrainType("sample.counter")]
public sealed class SampleCounterGrain([PersistentState("counter")] IPersistentState<SampleCounterState> counter, TimeProvider time)
    : Grain, ISampleCounterGrain, IInboxRecipient
{
    public async Task<SampleCounterState> Add(long amount)
    {
        counter.State.Value += amount;
        counter.State.LastChangedAt = time.GetUtcNow();
        await counter.WriteStateAsync();
        return counter.State;
    }

    public Task<SampleCounterState> Get() => Task.FromResult(counter.State);

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var amount = long.Parse(System.Text.Encoding.UTF8.GetString(record.Payload.Span), System.Globalization.CultureInfo.InvariantCulture);
        counter.State.Value += amount;
        counter.State.LastChangedAt = time.GetUtcNow();
        await counter.WriteStateAsync(cancellationToken);
    }
}
