using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.Hosting;

namespace Ops.Cluster.Tests;

/// <summary>Shared by every silo of a test cluster (one process): what the grains did, and where.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, int> _counters = new();

    public ConcurrentQueue<string> Events { get; } = new();

    public void Record(string @event) => Events.Enqueue(@event);

    public IReadOnlyList<string> EventsMatching(string prefix) => Events.Where(e => e.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public int Increment(string counter) => _counters.AddOrUpdate(counter, 1, (_, v) => v + 1);

    public int Count(string counter) => _counters.GetValueOrDefault(counter);

    public TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Open(string name) => Gate(name).TrySetResult();

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time{(because is null ? string.Empty : ": " + because)}.");
            }

            await Task.Delay(20);
        }
    }
}

public sealed class CounterState
{
    public int Value { get; set; }

    /// <summary>Written only by OnDeactivateAsync.</summary>
    public string? SavedOnDeactivate { get; set; }

    /// <summary>The request id of the increment that wrote this version (chaos oracle), if it had one.</summary>
    public string? Request { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    /// <summary>An increment carrying a client's unique request id, stored with the version it writes.</summary>
    Task<int> IncrementFor(string requestId);

    Task<int> Get();

    /// <summary>The silo this activation runs on.</summary>
    Task<Guid> Silo();

    /// <summary>Sets a value kept in memory only; OnDeactivateAsync saves it.</summary>
    Task SetUnsaved(string value);

    Task<string?> SavedOnDeactivate();

    /// <summary>Increments in memory, waits for the probe's gate <paramref name="gate"/>, then writes.</summary>
    Task<int> IncrementAfter(string gate);

    Task Register(string reminder, TimeSpan period);

    /// <summary>Calls <paramref name="other"/>'s <see cref="CallBack"/>, which calls this grain back (a cycle).</summary>
    Task<int> CallThrough(string other, bool allowReentry);

    Task<int> CallBack(string origin);

    /// <summary>Throws an ArgumentException naming <paramref name="parameter"/>.</summary>
    Task Fail(string parameter);
}

/// <summary>A persistent counter that tells on which silo it runs, saves in OnDeactivateAsync, and can be paused mid-turn.</summary>
[GrainType("cluster.counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, Probe probe) : Grain, ICounterGrain, IRemindable
{
    private string? _unsaved;

    private Guid SiloId => ServiceProvider.GetRequiredService<ISiloDiagnostics>().SiloId;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate:{this.GetPrimaryKeyString()}:{SiloId}");
        probe.Increment($"activations:{this.GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate:{this.GetPrimaryKeyString()}:{reason.ReasonCode}:{SiloId}");
        if (_unsaved is not null)
        {
            state.State.SavedOnDeactivate = _unsaved;
            await state.WriteStateAsync(cancellationToken);
            probe.Record($"saved-on-deactivate:{this.GetPrimaryKeyString()}:{_unsaved}");
        }
    }

    public async Task<int> Increment()
    {
        state.State.Value++;
        state.State.Request = null;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public async Task<int> IncrementFor(string requestId)
    {
        state.State.Value++;
        state.State.Request = requestId;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<Guid> Silo() => Task.FromResult(SiloId);

    public Task SetUnsaved(string value)
    {
        _unsaved = value;
        return Task.CompletedTask;
    }

    public Task<string?> SavedOnDeactivate() => Task.FromResult(state.State.SavedOnDeactivate);

    public async Task<int> IncrementAfter(string gate)
    {
        state.State.Value += 1000;
        probe.Record($"holding:{this.GetPrimaryKeyString()}:{gate}");
        await probe.Gate(gate).Task;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public async Task Register(string reminder, TimeSpan period) => await RegisterOrUpdateReminder(reminder, period, period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Record($"tick:{this.GetPrimaryKeyString()}:{reminderName}:{SiloId}");
        probe.Increment($"ticks:{this.GetPrimaryKeyString()}:{reminderName}");
        return Task.CompletedTask;
    }

    public async Task<int> CallThrough(string other, bool allowReentry)
    {
        if (allowReentry)
        {
            using (RequestContext.AllowCallChainReentrancy())
            {
                return await GrainFactory.GetGrain<ICounterGrain>(other).CallBack(this.GetPrimaryKeyString());
            }
        }

        return await GrainFactory.GetGrain<ICounterGrain>(other).CallBack(this.GetPrimaryKeyString());
    }

    public async Task<int> CallBack(string origin) => await GrainFactory.GetGrain<ICounterGrain>(origin).Get() + 1;

    public Task Fail(string parameter) => throw new ArgumentException("fails on purpose", parameter);
}

public sealed class InboxLedger
{
    public List<string> Applied { get; set; } = [];

    public List<Guid> AppliedOn { get; set; } = [];
}

public interface IInboxGrain : IGrainWithStringKey
{
    Task<InboxLedger> Ledger();
}

/// <summary>Applies inbox records (their payload is an id) to its state, noting the silo that applied each.</summary>
[GrainType("cluster.inbox")]
public sealed class InboxGrain([PersistentState("ledger")] IPersistentState<InboxLedger> state) : Grain, IInboxGrain, IInboxRecipient
{
    public Task<InboxLedger> Ledger() => Task.FromResult(state.State);

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        state.State.Applied.Add(System.Text.Encoding.UTF8.GetString(record.Payload.Span));
        state.State.AppliedOn.Add(ServiceProvider.GetRequiredService<ISiloDiagnostics>().SiloId);
        await state.WriteStateAsync(cancellationToken);
    }
}
