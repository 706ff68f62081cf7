using System.Runtime.CompilerServices;

namespace Ops.Runtime.Tests.Grains;

public sealed class CounterState
{
    public int Value { get; set; }

    public List<string> RequestIds { get; set; } = [];
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    Task<string?> GetEtag();

    Task Deactivate();

    Task<int> ActivationCount();

    Task Clear();

    Task<bool> RecordExists();
}

/// <summary>A persistent counter that reports its lifecycle to the probe.</summary>
[GrainType("test.counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, Probe probe) : Grain, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate:{this.GetPrimaryKeyString()}:{state.State.Value}");
        probe.Increment($"activations:{this.GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate:{this.GetPrimaryKeyString()}:{reason.ReasonCode}");
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<string?> GetEtag() => Task.FromResult(state.Etag);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<int> ActivationCount() => Task.FromResult(probe.Count($"activations:{this.GetPrimaryKeyString()}"));

    public Task Clear() => state.ClearStateAsync();

    public Task<bool> RecordExists() => Task.FromResult(state.RecordExists);
}

public interface ITurnGrain : IGrainWithStringKey
{
    /// <summary>Records entry, awaits (a yield point), records exit; returns the admission index.</summary>
    Task<int> Work(int index);

    Task<int> MaxConcurrency();

    Task<IReadOnlyList<int>> Order();

    /// <summary>Blocks until the probe's gate <paramref name="gate"/> opens.</summary>
    Task Hold(string gate);

    [AlwaysInterleave]
    Task<string> Peek();
}

/// <summary>A non-reentrant grain that measures how many of its turns ever overlap.</summary>
[GrainType("test.turns")]
public sealed class TurnGrain(Probe probe) : Grain, ITurnGrain
{
    private readonly List<int> _order = [];
    private int _inside;
    private int _max;

    public async Task<int> Work(int index)
    {
        _max = Math.Max(_max, Interlocked.Increment(ref _inside));
        _order.Add(index);
        await Task.Yield();
        await Task.Delay(1);
        Interlocked.Decrement(ref _inside);
        return index;
    }

    public Task<int> MaxConcurrency() => Task.FromResult(_max);

    public Task<IReadOnlyList<int>> Order() => Task.FromResult<IReadOnlyList<int>>(_order.ToList());

    public async Task Hold(string gate)
    {
        probe.Record($"hold:{gate}");
        await probe.Gate(gate).Task;
    }

    public Task<string> Peek() => Task.FromResult("peeked");
}

public interface IReentrantGrain : IGrainWithStringKey
{
    Task Work(int steps);

    Task<(int MaxInSync, int MaxOverlap)> Stats();
}

/// <summary>A reentrant grain: its turns interleave at awaits, but its code never runs in parallel.</summary>
[Reentrant]
[GrainType("test.reentrant")]
public sealed class ReentrantGrain : Grain, IReentrantGrain
{
    private int _inSync;
    private int _maxInSync;
    private int _overlap;
    private int _maxOverlap;

    public async Task Work(int steps)
    {
        _maxOverlap = Math.Max(_maxOverlap, Interlocked.Increment(ref _overlap));
        for (var i = 0; i < steps; i++)
        {
            _maxInSync = Math.Max(_maxInSync, Interlocked.Increment(ref _inSync));
            Thread.SpinWait(200);
            Interlocked.Decrement(ref _inSync);
            await Task.Delay(1);
        }

        Interlocked.Decrement(ref _overlap);
    }

    public Task<(int MaxInSync, int MaxOverlap)> Stats() => Task.FromResult((_maxInSync, _maxOverlap));
}

public interface IPingPongGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="other"/>.Pong(depth-1), which calls back this grain's Ping; each side opens call-chain reentrancy if its flag says so.</summary>
    Task<int> Ping(string other, int depth, bool allowReentry, bool partnerAllowsReentry);

    Task<int> Pong(string caller, int depth, bool allowReentry, bool partnerAllowsReentry);
}

/// <summary>Two of these calling each other form a call cycle A → B → A.</summary>
[GrainType("test.pingpong")]
public sealed class PingPongGrain : Grain, IPingPongGrain
{
    public async Task<int> Ping(string other, int depth, bool allowReentry, bool partnerAllowsReentry)
    {
        if (depth <= 0)
        {
            return 0;
        }

        using var scope = allowReentry ? RequestContext.AllowCallChainReentrancy() : null;
        return 1 + await GrainFactory.GetGrain<IPingPongGrain>(other).Pong(this.GetPrimaryKeyString(), depth - 1, partnerAllowsReentry, allowReentry);
    }

    public async Task<int> Pong(string caller, int depth, bool allowReentry, bool partnerAllowsReentry)
    {
        using var scope = allowReentry ? RequestContext.AllowCallChainReentrancy() : null;
        return 1 + await GrainFactory.GetGrain<IPingPongGrain>(caller).Ping(this.GetPrimaryKeyString(), depth, partnerAllowsReentry, allowReentry);
    }
}

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(TimeSpan due, TimeSpan period, bool interleave, bool keepAlive, string gate);

    Task StopTimer();

    Task Hold(string gate);

    /// <summary>A no-op call: it runs only after the turns queued before it, so tests use it as a barrier.</summary>
    Task Ping();
}

/// <summary>A grain with one timer whose callback may be held on a probe gate.</summary>
[GrainType("test.timer")]
public sealed class TimerGrain(Probe probe, TimeProvider time) : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private int _inTurn;

    public Task Start(TimeSpan due, TimeSpan period, bool interleave, bool keepAlive, string gate)
    {
        _timer = RegisterGrainTimer(
            async ct =>
            {
                var overlapping = Interlocked.Increment(ref _inTurn) > 1;
                probe.Record($"tick-start:{time.GetUtcNow().ToUnixTimeMilliseconds()}:{overlapping}");
                probe.Increment("ticks");
                await probe.Gate($"{gate}:{probe.Count("ticks")}").Task.WaitAsync(ct);
                Interlocked.Decrement(ref _inTurn);
                probe.Record($"tick-end:{time.GetUtcNow().ToUnixTimeMilliseconds()}");
            },
            new GrainTimerCreationOptions { DueTime = due, Period = period, Interleave = interleave, KeepAlive = keepAlive });
        return Task.CompletedTask;
    }

    public Task StopTimer()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task Ping() => Task.CompletedTask;

    public async Task Hold(string gate)
    {
        Interlocked.Increment(ref _inTurn);
        probe.Record("call-start");
        await probe.Gate(gate).Task;
        probe.Record("call-end");
        Interlocked.Decrement(ref _inTurn);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate:{reason.ReasonCode}");
        return Task.CompletedTask;
    }
}

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<int> Call();

    Task Deactivate();

    Task KeepAlive(TimeSpan span);
}

/// <summary>A grain whose activation and deactivation can be held on probe gates and made to fail.</summary>
[GrainType("test.lifecycle")]
public sealed class LifecycleGrain(Probe probe) : Grain, ILifecycleGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var n = probe.Increment($"activate:{this.GetPrimaryKeyString()}");
        probe.Record($"activate-start:{n}");
        if (probe.Count($"fail-activation:{this.GetPrimaryKeyString()}") >= n)
        {
            throw new InvalidOperationException($"activation {n} fails on purpose");
        }

        await Task.Yield();
        probe.Record($"activate-end:{n}");
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate-start:{reason.ReasonCode}");
        await probe.Gate($"deactivate:{this.GetPrimaryKeyString()}").Task;
        probe.Record("deactivate-end");
    }

    public Task<int> Call()
    {
        probe.Record("call");
        return Task.FromResult(probe.Count($"activate:{this.GetPrimaryKeyString()}"));
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task KeepAlive(TimeSpan span)
    {
        DelayDeactivation(span);
        return Task.CompletedTask;
    }
}

/// <summary>Collected after 3 minutes idle, whatever the silo's default.</summary>
[CollectionAgeLimit(Minutes = 3)]
[GrainType("test.short-lived")]
public sealed class ShortLivedGrain(Probe probe) : Grain, ILifecycleGrain2
{
    public Task<int> Call() => Task.FromResult(1);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"short-lived-deactivate:{reason.ReasonCode}");
        return Task.CompletedTask;
    }
}

public interface ILifecycleGrain2 : IGrainWithStringKey
{
    Task<int> Call();
}

public sealed class Payload
{
    public List<string> Items { get; set; } = [];
}

public interface IIsolationGrain : IGrainWithStringKey
{
    Task Keep(Payload payload);

    Task<int> CountKept();

    Task<Payload> GetKept();

    Task<string> Relay(ICounterGrain counter);
}

/// <summary>Keeps what it was sent, to show caller and callee never share mutable objects.</summary>
[GrainType("test.isolation")]
public sealed class IsolationGrain : Grain, IIsolationGrain
{
    private Payload? _kept;

    public Task Keep(Payload payload)
    {
        _kept = payload;
        return Task.CompletedTask;
    }

    public Task<int> CountKept() => Task.FromResult(_kept?.Items.Count ?? 0);

    public Task<Payload> GetKept() => Task.FromResult(_kept ?? new Payload());

    public async Task<string> Relay(ICounterGrain counter) => $"{counter.GetGrainId()}={await counter.Increment()}";
}

public interface IWorkerGrain : IGrainWithIntegerKey
{
    Task<int> Busy(string gate);
}

/// <summary>A stateless worker: a local pool of activations per id.</summary>
[StatelessWorker(4)]
[GrainType("test.worker")]
public sealed class WorkerGrain(Probe probe) : Grain, IWorkerGrain
{
    public async Task<int> Busy(string gate)
    {
        probe.Increment("worker-running");
        await probe.Gate(gate).Task;
        return RuntimeHelpers.GetHashCode(this);
    }
}

public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan due, TimeSpan period);

    Task Unregister(string name);

    Task<IReadOnlyList<string>> Reminders();
}

/// <summary>Counts the reminder ticks it receives.</summary>
[GrainType("test.reminder")]
public sealed class ReminderGrain(Probe probe) : Grain, IReminderGrain, IRemindable
{
    public async Task Register(string name, TimeSpan due, TimeSpan period) => await RegisterOrUpdateReminder(name, due, period);

    public async Task Unregister(string name)
    {
        var reminder = await GetReminder(name);
        if (reminder is not null)
        {
            await UnregisterReminder(reminder);
        }
    }

    public async Task<IReadOnlyList<string>> Reminders() => (await GetReminders()).Select(r => r.ReminderName).ToList();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Record($"tick:{this.GetPrimaryKeyString()}:{reminderName}:{status.CurrentTickTime:O}");
        probe.Increment($"ticks:{this.GetPrimaryKeyString()}:{reminderName}");
        return Task.CompletedTask;
    }
}

public sealed class InboxLedger
{
    public List<string> Applied { get; set; } = [];

    public List<long> Offsets { get; set; } = [];
}

public interface IInboxCounterGrain : IGrainWithStringKey
{
    Task<InboxLedger> Ledger();
}

/// <summary>
/// Applies inbox records to its state: records whose payload starts with "fail" throw; records starting with
/// "noop" change nothing.
/// </summary>
[GrainType("test.inbox")]
public sealed class InboxCounterGrain([PersistentState("ledger")] IPersistentState<InboxLedger> state, Probe probe) : Grain, IInboxCounterGrain, IInboxRecipient
{
    public Task<InboxLedger> Ledger() => Task.FromResult(state.State);

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var id = System.Text.Encoding.UTF8.GetString(record.Payload.Span);
        probe.Increment($"delivered:{id}");
        if (id.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"record {id} fails on purpose");
        }

        if (id.StartsWith("noop", StringComparison.Ordinal))
        {
            return;
        }

        if (id.StartsWith("downstream", StringComparison.Ordinal) && probe.Count($"delivered:{id}") == 1)
        {
            // What a handler sees when a message it sends goes to a silo that dies mid-append.
            throw new SiloUnavailableException("The silo at http://127.0.0.1:1/ went away during an inbox append; the records may or may not be stored: retry.");
        }

        if (id.StartsWith("dirty", StringComparison.Ordinal))
        {
            // Changes the in-memory state, then fails before storing it (the first time only).
            state.State.Applied.Add(id + ":in-memory");
            if (probe.Count($"delivered:{id}") == 1)
            {
                throw new InvalidOperationException($"record {id} fails once after changing memory");
            }
        }

        state.State.Applied.Add(id);
        state.State.Offsets.Add(record.Offset);
        await state.WriteStateAsync(cancellationToken);
    }
}
